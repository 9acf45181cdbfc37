//! Tasks (giao việc): a leader gives a unit or one officer a piece of work with a deadline; the
//! assignee notes progress (with files), reports it done, and the one who gave it accepts the
//! result or returns it with a comment. The one who gave it may give it to someone else or move
//! its deadline (reassign) while the assignee still has it, and may cancel it with a reason
//! until it is accepted; a cancelled task stays in the journal, nothing is deleted. Pure rules;
//! who and where are checked by `app`.
//!
//! No decree prescribes this workflow: it is the force's working practice that the seeds name
//! ("Eoffice lets directives, task assignment and reports be handled quickly"), so nothing here
//! cites a law.

use chrono::NaiveDate;

use crate::DomainError;

labelled_enum!(
    /// Where a task is.
    TaskState, "state", "task.invalid_state", "Trạng thái công việc không hợp lệ.", {
    Assigned => "assigned", "Đã giao",
    InProgress => "in_progress", "Đang thực hiện",
    Submitted => "submitted", "Chờ nghiệm thu",
    Done => "done", "Đã hoàn thành",
    Cancelled => "cancelled", "Đã hủy",
});

labelled_enum!(
    /// The steps of a task after it is given.
    TaskAction, "action", "task.unknown_action",
    "Không có thao tác này (progress, complete, accept, return, reassign, cancel).", {
    Progress => "progress", "Cập nhật tiến độ",
    Complete => "complete", "Báo cáo hoàn thành",
    Accept => "accept", "Nghiệm thu",
    Return => "return", "Trả lại, làm tiếp",
    Reassign => "reassign", "Giao lại, đổi hạn",
    Cancel => "cancel", "Hủy việc",
});

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskBy {
    /// The officer the task was given to, or an officer of the unit it was given to.
    Assignee,
    /// The leader who gave it, or a leader of their unit.
    Assigner,
}

/// The state a step leads to, or `task.invalid_transition` (409).
pub fn transition(state: TaskState, action: TaskAction) -> Result<TaskState, DomainError> {
    use TaskAction as A;
    use TaskState as S;
    let next = match (state, action) {
        (S::Assigned | S::InProgress, A::Progress) => Some(S::InProgress),
        (S::Assigned | S::InProgress, A::Complete) => Some(S::Submitted),
        (S::Submitted, A::Accept) => Some(S::Done),
        (S::Submitted, A::Return) => Some(S::InProgress),
        // Reassigning starts the work afresh with its new holder (the progress figure stays).
        // A submitted task is not reassigned: its result is waiting to be accepted or returned.
        (S::Assigned | S::InProgress, A::Reassign) => Some(S::Assigned),
        (S::Assigned | S::InProgress | S::Submitted, A::Cancel) => Some(S::Cancelled),
        _ => None,
    };
    next.ok_or_else(|| {
        DomainError::refused(
            "task.invalid_transition",
            format!(
                "Công việc đang ở trạng thái “{}”, không thể “{}”.",
                state.label(),
                action.label().to_lowercase()
            ),
        )
    })
}

pub fn taken_by(action: TaskAction) -> TaskBy {
    match action {
        TaskAction::Progress | TaskAction::Complete => TaskBy::Assignee,
        TaskAction::Accept | TaskAction::Return | TaskAction::Reassign | TaskAction::Cancel => {
            TaskBy::Assigner
        }
    }
}

/// The steps a task allows now.
pub fn allowed(state: TaskState) -> Vec<TaskAction> {
    TaskAction::ALL
        .iter()
        .copied()
        .filter(|a| transition(state, *a).is_ok())
        .collect()
}

/// The progress a step leaves: a note may set it (0–100 %); completion and acceptance make it
/// 100 %; a return keeps the last figure.
pub fn progress_after(
    action: TaskAction,
    given: Option<i64>,
    last: i64,
) -> Result<i64, DomainError> {
    match action {
        TaskAction::Complete | TaskAction::Accept => Ok(100),
        TaskAction::Return | TaskAction::Reassign | TaskAction::Cancel => Ok(last),
        TaskAction::Progress => match given {
            Some(p) if (0..=100).contains(&p) => Ok(p),
            Some(_) => Err(DomainError::invalid(
                "progress",
                "task.invalid_progress",
                "Tiến độ là số phần trăm từ 0 đến 100.",
            )),
            None => Ok(last),
        },
    }
}

/// A progress note, a return, a reassignment and a cancellation say something (the last two
/// are the record of why the work changed hands or stopped); completion and acceptance may be
/// bare.
pub fn check_note(action: TaskAction, note: &str) -> Result<(), DomainError> {
    let needed = match action {
        TaskAction::Return => Some("Ghi rõ vì sao trả lại và cần làm gì thêm."),
        TaskAction::Progress => Some("Ghi nội dung tiến độ."),
        TaskAction::Reassign => Some("Ghi lý do giao lại hoặc đổi hạn."),
        TaskAction::Cancel => Some("Ghi lý do hủy việc."),
        TaskAction::Complete | TaskAction::Accept => None,
    };
    if let Some(message) = needed.filter(|_| note.trim().is_empty()) {
        Err(DomainError::invalid("note", "validation.required", message))
    } else {
        Ok(())
    }
}

/// A task is overdue while its assignee still has it past its deadline (a submitted task waits
/// for the assigner, not for the assignee).
pub fn is_overdue(state: TaskState, due_on: NaiveDate, today: NaiveDate) -> bool {
    matches!(state, TaskState::Assigned | TaskState::InProgress) && due_on < today
}

/// A deadline must not lie in the past when the task is given.
pub fn check_due_on(due_on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if due_on < today {
        Err(DomainError::invalid(
            "due_on",
            "task.due_in_past",
            "Hạn hoàn thành không được trước ngày hôm nay.",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use TaskAction as A;
    use TaskState as S;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_task_goes_assigned_in_progress_submitted_done() {
        assert_eq!(transition(S::Assigned, A::Progress).unwrap(), S::InProgress);
        assert_eq!(
            transition(S::InProgress, A::Progress).unwrap(),
            S::InProgress
        );
        assert_eq!(
            transition(S::InProgress, A::Complete).unwrap(),
            S::Submitted
        );
        assert_eq!(transition(S::Submitted, A::Accept).unwrap(), S::Done);
    }

    #[test]
    fn a_task_may_be_completed_without_a_note_of_progress() {
        assert_eq!(transition(S::Assigned, A::Complete).unwrap(), S::Submitted);
    }

    #[test]
    fn a_returned_task_is_worked_on_again() {
        assert_eq!(transition(S::Submitted, A::Return).unwrap(), S::InProgress);
        assert_eq!(
            check_note(A::Return, " ").unwrap_err().code(),
            "validation.required"
        );
        assert!(check_note(A::Complete, "").is_ok());
        assert!(check_note(A::Accept, "").is_ok());
        assert!(check_note(A::Progress, "").is_err());
    }

    #[test]
    fn nothing_is_reviewed_before_it_is_reported_done_and_nothing_after_it_is_accepted() {
        for s in [S::Assigned, S::InProgress, S::Done] {
            for a in [A::Accept, A::Return] {
                assert_eq!(
                    transition(s, a).unwrap_err().code(),
                    "task.invalid_transition",
                    "{s} {a}"
                );
            }
        }
        for a in [A::Progress, A::Complete] {
            assert!(transition(S::Submitted, a).is_err());
            assert!(transition(S::Done, a).is_err());
        }
        assert!(allowed(S::Done).is_empty());
        assert_eq!(allowed(S::Submitted), vec![A::Accept, A::Return, A::Cancel]);
        assert_eq!(
            allowed(S::Assigned),
            vec![A::Progress, A::Complete, A::Reassign, A::Cancel]
        );
    }

    #[test]
    fn work_still_with_its_assignee_may_be_given_to_another_or_its_deadline_moved() {
        assert_eq!(transition(S::Assigned, A::Reassign).unwrap(), S::Assigned);
        assert_eq!(transition(S::InProgress, A::Reassign).unwrap(), S::Assigned);
        for s in [S::Submitted, S::Done, S::Cancelled] {
            assert_eq!(
                transition(s, A::Reassign).unwrap_err().code(),
                "task.invalid_transition",
                "{s}"
            );
        }
        assert_eq!(progress_after(A::Reassign, Some(90), 30).unwrap(), 30);
        assert!(check_note(A::Reassign, "").is_err());
    }

    #[test]
    fn a_task_is_cancelled_with_a_reason_until_it_is_accepted_and_then_nothing_more_happens() {
        for s in [S::Assigned, S::InProgress, S::Submitted] {
            assert_eq!(transition(s, A::Cancel).unwrap(), S::Cancelled, "{s}");
        }
        assert!(transition(S::Done, A::Cancel).is_err());
        assert!(allowed(S::Cancelled).is_empty());
        assert_eq!(
            check_note(A::Cancel, "  ").unwrap_err().code(),
            "validation.required"
        );
        assert!(check_note(A::Cancel, "Đoàn kiểm tra đã giải thể").is_ok());
        let past = day("2026-03-01");
        assert!(!is_overdue(S::Cancelled, past, day("2026-03-10")));
    }

    #[test]
    fn who_takes_each_step() {
        assert_eq!(taken_by(A::Progress), TaskBy::Assignee);
        assert_eq!(taken_by(A::Complete), TaskBy::Assignee);
        assert_eq!(taken_by(A::Accept), TaskBy::Assigner);
        assert_eq!(taken_by(A::Return), TaskBy::Assigner);
        assert_eq!(taken_by(A::Reassign), TaskBy::Assigner);
        assert_eq!(taken_by(A::Cancel), TaskBy::Assigner);
    }

    #[test]
    fn progress_is_a_percentage() {
        assert_eq!(progress_after(A::Progress, Some(40), 10).unwrap(), 40);
        assert_eq!(progress_after(A::Progress, None, 10).unwrap(), 10);
        assert_eq!(
            progress_after(A::Progress, Some(101), 10)
                .unwrap_err()
                .code(),
            "task.invalid_progress"
        );
        assert!(progress_after(A::Progress, Some(-1), 10).is_err());
        assert_eq!(progress_after(A::Complete, Some(40), 40).unwrap(), 100);
        assert_eq!(progress_after(A::Return, None, 100).unwrap(), 100);
    }

    #[test]
    fn overdue_only_while_the_assignee_has_it() {
        let today = day("2026-03-10");
        let past = day("2026-03-09");
        assert!(is_overdue(S::Assigned, past, today));
        assert!(is_overdue(S::InProgress, past, today));
        assert!(!is_overdue(S::InProgress, today, today));
        assert!(!is_overdue(S::Submitted, past, today));
        assert!(!is_overdue(S::Done, past, today));
        assert!(check_due_on(today, today).is_ok());
        assert_eq!(
            check_due_on(past, today).unwrap_err().code(),
            "task.due_in_past"
        );
    }
}
