//! The officer's work queues on the home page, refreshed live: the page listens to
//! `/events` (server-sent events for cases in scope) and reloads the queues fragment.

use askama::Template;
use axum::extract::State;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use qltt_app::cases::queues::{DocumentQueueItem, QueueItem, Queues};
use qltt_domain::format::{format_date, parse_date};

use crate::AppState;
use crate::pages::{PageActor, render};

pub struct QueueView {
    pub key: &'static str,
    pub title: &'static str,
    /// (link, summary, detail)
    pub items: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "queues.html")]
pub struct QueuesFragment {
    pub queues: Vec<QueueView>,
}

fn view(key: &'static str, title: &'static str, items: &[QueueItem]) -> QueueView {
    QueueView {
        key,
        title,
        items: items
            .iter()
            .map(|i| {
                let due = match (&i.deadline_label, &i.due_on) {
                    (Some(l), Some(d)) => format!(
                        "{l}: {}",
                        parse_date(d).map(format_date).unwrap_or_else(|| d.clone())
                    ),
                    _ => i.state_label.clone(),
                };
                (format!("/cases/{}", i.case_id), i.summary.clone(), due)
            })
            .collect(),
    }
}

/// Office documents with the day they are about ("hạn phát hành: …").
fn documents_view(
    key: &'static str,
    title: &'static str,
    due_label: &str,
    items: &[DocumentQueueItem],
    today: &str,
) -> QueueView {
    QueueView {
        key,
        title,
        items: items
            .iter()
            .map(|d| {
                let due = parse_date(&d.due_on)
                    .map(format_date)
                    .unwrap_or_else(|| d.due_on.clone());
                let late = if d.due_on.as_str() < today {
                    " · trễ hạn"
                } else {
                    ""
                };
                (
                    format!("/office/{}", d.document_id),
                    d.summary.clone(),
                    format!("{} · {due_label}: {due}{late}", d.number),
                )
            })
            .collect(),
    }
}

pub fn fragment(q: &Queues) -> QueuesFragment {
    let mut f = fragment_of_cases_and_work(q);
    // The clerk's two queues appear when they hold something: an inspector, who never sends
    // or confirms documents, is not shown two boxes that are always empty.
    if !q.to_send.is_empty() {
        f.queues.push(documents_view(
            "to_send",
            "Văn bản đã ký chờ phát hành",
            "hạn phát hành",
            &q.to_send,
            &q.today,
        ));
    }
    if !q.unconfirmed_arrivals.is_empty() {
        // Confirmed on the day of arrival: anything in this list from an earlier day is late.
        f.queues.push(documents_view(
            "unconfirmed_arrivals",
            "Văn bản đến chờ xác nhận đã nhận",
            "đến ngày",
            &q.unconfirmed_arrivals,
            &q.today,
        ));
    }
    f
}

fn fragment_of_cases_and_work(q: &Queues) -> QueuesFragment {
    QueuesFragment {
        queues: vec![
            view("overdue", "Quá hạn", &q.overdue),
            view("due_soon", "Đến hạn trong 2 ngày", &q.due_soon),
            view("awaiting_signature", "Chờ tôi ký", &q.awaiting_signature),
            view(
                "awaiting_explanation",
                "Chờ giải trình",
                &q.awaiting_explanation,
            ),
            view("unpaid_past_due", "Quá hạn nộp phạt", &q.unpaid_past_due),
            QueueView {
                key: "overdue_documents",
                title: "Văn bản đến quá hạn xử lý",
                items: q
                    .overdue_documents
                    .iter()
                    .map(|d| {
                        let due = parse_date(&d.due_on)
                            .map(format_date)
                            .unwrap_or_else(|| d.due_on.clone());
                        (
                            format!("/office/{}", d.document_id),
                            d.summary.clone(),
                            format!("{} · hạn xử lý: {due}", d.number),
                        )
                    })
                    .collect(),
            },
            QueueView {
                key: "overdue_tasks",
                title: "Việc quá hạn",
                items: q
                    .overdue_tasks
                    .iter()
                    .map(|t| {
                        let due = parse_date(&t.due_on)
                            .map(format_date)
                            .unwrap_or_else(|| t.due_on.clone());
                        (
                            format!("/tasks/{}", t.task_id),
                            t.title.clone(),
                            format!("{} · hạn: {due}", t.assignee),
                        )
                    })
                    .collect(),
            },
            QueueView {
                key: "periodic_reports_due",
                title: "Báo cáo định kỳ phải nộp",
                items: q
                    .periodic_reports_due
                    .iter()
                    .map(|r| {
                        let due = parse_date(&r.due_on)
                            .map(format_date)
                            .unwrap_or_else(|| r.due_on.clone());
                        let flag = if r.returned {
                            " · bị trả lại để sửa"
                        } else if r.overdue {
                            " · quá hạn"
                        } else {
                            ""
                        };
                        (
                            format!(
                                "/periodic-reports/{}?period={}&unit={}",
                                r.report_id, r.period_key, r.unit_id
                            ),
                            format!("{} — {}", r.title, r.period_label),
                            format!("{} · hạn nộp: {due}{flag}", r.unit_name),
                        )
                    })
                    .collect(),
            },
        ],
    }
}

/// `GET /queues`: the fragment alone (htmx swaps it in when an event arrives).
pub async fn queues(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    match state.app.work_queues(&actor).await {
        Ok(q) => render(&fragment(&q)),
        Err(e) => (crate::error::status_of(e.kind), e.message).into_response(),
    }
}

/// `GET /events`: the page session's event stream (the API's, for the cookie).
pub async fn events(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    Sse::new(crate::api::cases::event_stream(state, actor))
        .keep_alive(KeepAlive::default())
        .into_response()
}
