//! Officers (công chức QLTT), their roles and ranks, and what each role may do. A permission says
//! *what* an officer may do; scope (the home unit's subtree) says *where*; the `app` layer checks
//! both on every read and write.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::text::bounded;

labelled_enum!(Role, "roles", "officer.invalid_role",
    "Vai trò không hợp lệ.", {
    Admin => "admin", "Quản trị hệ thống",
    UnitHead => "unit_head", "Chi cục trưởng / Thủ trưởng đơn vị",
    DeputyUnitHead => "deputy_unit_head", "Phó thủ trưởng đơn vị",
    TeamLeader => "team_leader", "Đội trưởng",
    Inspector => "inspector", "Kiểm soát viên",
    WarehouseKeeper => "warehouse_keeper", "Thủ kho",
    Clerk => "clerk", "Văn thư",
    Accountant => "accountant", "Kế toán",
    HrOfficer => "hr_officer", "Cán bộ tổ chức",
    Viewer => "viewer", "Người xem",
});

// Ranks of market surveillance officers (ngạch): Kiểm soát viên thị trường, KSV chính, KSV cao cấp.
labelled_enum!(Rank, "rank", "officer.invalid_rank",
    "Ngạch không hợp lệ (ksv, ksv_chinh, ksv_cao_cap).", {
    Ksv => "ksv", "Kiểm soát viên thị trường",
    KsvChinh => "ksv_chinh", "Kiểm soát viên chính thị trường",
    KsvCaoCap => "ksv_cao_cap", "Kiểm soát viên cao cấp thị trường",
});

/// What an officer may do, independent of where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the units of one's scope.
    ViewOrg,
    /// Create, rename, move and merge units.
    ManageUnits,
    /// See officers of one's scope.
    ViewOfficers,
    /// Create officers, change their roles, deactivate them.
    ManageOfficers,
    /// Read the audit log of one's scope.
    ViewAudit,
    /// See the business register of one's scope.
    ViewBusinesses,
    /// Register businesses and correct their records.
    ManageBusinesses,
    /// Edit the working-day calendar (holidays, days off, make-up working days).
    ManageCalendar,
    /// See the cases (vụ việc) of one's scope.
    ViewCases,
    /// Open cases and take the steps of the procedure (competence is checked per step).
    HandleCases,
    /// Record payments of fines (the accountant's desk, besides the case handlers).
    RecordPayments,
    /// Open a commitment campaign (cam kết) for one's unit or a unit below it.
    RunCommitmentCampaigns,
    /// Record a business's signed commitment, or its withdrawal.
    ManageCommitments,
    /// See the exhibits of one's scope, their custody and the warehouses.
    ViewExhibits,
    /// Register the exhibits seized in a case (the officers who seized them).
    RecordExhibits,
    /// Record a custody move: check-in, transfer, check-out, return, handover.
    MoveExhibits,
    /// Destroy or sell confiscated exhibits (a leader's decision, done by a council).
    DisposeExhibits,
    /// Open warehouses and register their cameras.
    ManageWarehouses,
    /// Upload files (photos, scans, clips) to attach to records.
    UploadFiles,
    /// See the figures of one's scope (dashboard, summaries, exports): the leaders who report.
    ViewReports,
    /// See the registers of incoming and outgoing documents of one's scope, the documents routed
    /// to oneself, and the directives one's unit received or sent.
    ViewOfficeDocuments,
    /// Enter incoming and outgoing documents in the unit's registers (sổ văn bản đến/đi) and
    /// send outgoing ones: the clerk's desk.
    RegisterDocuments,
    /// Read in full the documents with a secrecy level (Mật, Tối mật, Tuyệt mật) of the registers
    /// of one's scope and those routed to a unit of one's scope: the unit's leaders and the clerk
    /// who keeps the secret books (see `office::secrecy`). Not the system administrator, who has
    /// no responsibility to know a state secret (Law 29/2018/QH14 Art. 2(3)).
    ReadSecretDocuments,
    /// Give one officer access to one secret document of one's scope, or take it back: the head
    /// of the unit or a deputy.
    GrantSecretAccess,
    /// Route an incoming document with an opinion (ý kiến chỉ đạo), an assignee and a deadline.
    RouteDocuments,
    /// Process a document routed to oneself or one's unit: accept, reply, file.
    ProcessDocuments,
    /// Send a directive (chỉ đạo điều hành) to a whole subtree in one action.
    IssueDirectives,
    /// Acknowledge a directive on behalf of one's unit (its leaders and its clerk), and confirm
    /// to a sending unit that a document it sent arrived (Decree 30/2020 Art. 21(2)(c)).
    AcknowledgeDirectives,
    /// Write a draft of an outgoing document (dự thảo) and submit it for review.
    DraftDocuments,
    /// Check a draft's content as a leader of the drafting unit and pass it on for signature,
    /// or return it with a comment (Decree 30/2020 Art. 12(1), 10(3)).
    ReviewDrafts,
    /// Sign an outgoing document, which numbers it in the unit's register (Decree 30/2020
    /// Art. 13(1): the head, or a deputy signing on the head's behalf).
    SignDocuments,
    /// See the tasks given by or to one's scope, and those given to oneself.
    ViewTasks,
    /// Give a task (giao việc) to a unit or an officer of one's scope, and accept or return
    /// the result.
    AssignTasks,
    /// Work on a task given to oneself or one's unit: progress notes, completion.
    WorkOnTasks,
    /// See the periodic reports defined by or for one's scope, their status boards and
    /// submissions.
    ViewPeriodicReports,
    /// Define a periodic report (báo cáo định kỳ) for units of one's scope, and accept or return
    /// the submissions.
    DefinePeriodicReports,
    /// Send one's unit's periodic report for a period.
    SubmitPeriodicReports,
    /// Publish an issued sanction decision in the open dataset (anonymised), or withdraw it: a
    /// decision of the unit's leadership, as signing is.
    PublishDecisions,
}

impl Role {
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            ViewOrg | ViewOfficers => true,
            ManageUnits => matches!(self, Admin),
            ManageOfficers => matches!(self, Admin | UnitHead | HrOfficer),
            ViewAudit => matches!(self, Admin | UnitHead | DeputyUnitHead),
            ViewBusinesses => true,
            // The officers who meet businesses in the field, their leaders, and the clerk who
            // registers paperwork; not the warehouse, finance or HR desks.
            ManageBusinesses => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Inspector | Clerk
            ),
            ManageCalendar => matches!(self, Admin),
            // Warehouse, finance and HR desks see cases too: exhibits, payments and staffing
            // follow them.
            ViewCases => true,
            HandleCases => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Inspector
            ),
            RecordPayments => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Inspector | Accountant
            ),
            // A campaign is a decision of the unit's leadership (a team leader for the team's
            // area); the inspectors who visit the premises collect the signatures.
            RunCommitmentCampaigns => {
                matches!(self, Admin | UnitHead | DeputyUnitHead | TeamLeader)
            }
            ManageCommitments => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Inspector
            ),
            ViewExhibits => true,
            RecordExhibits => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Inspector
            ),
            // The keeper receives and releases goods; the case officers hand them over.
            MoveExhibits => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Inspector | WarehouseKeeper
            ),
            DisposeExhibits => matches!(self, Admin | UnitHead | DeputyUnitHead),
            ManageWarehouses => matches!(self, Admin | UnitHead | DeputyUnitHead),
            UploadFiles => !matches!(self, Viewer),
            // Leaders report the figures of their unit; the accountant reconciles the fines.
            ViewReports => matches!(
                self,
                Admin | UnitHead | DeputyUnitHead | TeamLeader | Accountant
            ),
            ViewOfficeDocuments => true,
            // The clerk (văn thư) keeps the registers; a unit's leaders may enter a document
            // themselves when the clerk is away.
            RegisterDocuments => matches!(self, Admin | UnitHead | DeputyUnitHead | Clerk),
            // Secret documents: the leaders and the clerk of the secret books, never the
            // administrator (who registers or drafts one still reads it: named on it).
            ReadSecretDocuments => {
                matches!(self, UnitHead | DeputyUnitHead | TeamLeader | Clerk)
            }
            GrantSecretAccess => matches!(self, UnitHead | DeputyUnitHead),
            // Routing is the leadership's: the head or deputy of a unit, a team leader for
            // documents of the team's register.
            RouteDocuments => matches!(self, Admin | UnitHead | DeputyUnitHead | TeamLeader),
            // Anyone a document can be routed to: every officer but a read-only account.
            ProcessDocuments => !matches!(self, Viewer),
            IssueDirectives => matches!(self, Admin | UnitHead | DeputyUnitHead),
            AcknowledgeDirectives => {
                matches!(self, Admin | UnitHead | DeputyUnitHead | TeamLeader | Clerk)
            }
            // Any officer may be asked to draft a letter; a read-only account may not.
            DraftDocuments => !matches!(self, Viewer),
            ReviewDrafts => matches!(self, Admin | UnitHead | DeputyUnitHead | TeamLeader),
            SignDocuments => matches!(self, Admin | UnitHead | DeputyUnitHead),
            ViewTasks => true,
            // The leadership gives work: the head and deputies, a team leader to the team.
            AssignTasks => matches!(self, Admin | UnitHead | DeputyUnitHead | TeamLeader),
            WorkOnTasks => !matches!(self, Viewer),
            ViewPeriodicReports => true,
            // The leadership asks for reports and reviews them, as it gives tasks.
            DefinePeriodicReports => {
                matches!(self, Admin | UnitHead | DeputyUnitHead | TeamLeader)
            }
            // Any officer may fill in the unit's report (often the clerk or an inspector).
            SubmitPeriodicReports => !matches!(self, Viewer),
            PublishDecisions => matches!(self, Admin | UnitHead | DeputyUnitHead),
        }
    }
}

pub fn roles_grant(roles: &[Role], permission: Permission) -> bool {
    roles.iter().any(|r| r.grants(permission))
}

/// Permissions that give power over other officers or oversight of the unit. Nobody may hand
/// out, or take away from someone, a role carrying one of these that they do not hold themselves:
/// otherwise an HR officer could make a new account a unit head (with the audit log they may not
/// read) or lock their own unit head out.
const OVERSIGHT: [Permission; 3] = [
    Permission::ManageUnits,
    Permission::ManageOfficers,
    Permission::ViewAudit,
];

/// Whether `actor_roles` hold every oversight permission that `other_roles` carry.
pub fn covers(actor_roles: &[Role], other_roles: &[Role]) -> bool {
    let admin_ok = !other_roles.contains(&Role::Admin) || actor_roles.contains(&Role::Admin);
    admin_ok
        && OVERSIGHT
            .iter()
            .all(|p| !roles_grant(other_roles, *p) || roles_grant(actor_roles, *p))
}

/// Who may hand out which role: officer managers, and only roles their own roles cover.
pub fn check_role_grant(actor_roles: &[Role], granted: &[Role]) -> Result<(), DomainError> {
    if !roles_grant(actor_roles, Permission::ManageOfficers) {
        return Err(DomainError::refused(
            "auth.forbidden",
            "Bạn không có quyền quản lý công chức.",
        ));
    }
    if !covers(actor_roles, granted) {
        return Err(DomainError::refused(
            "auth.forbidden",
            "Bạn không thể cấp vai trò có quyền cao hơn quyền của mình.",
        ));
    }
    Ok(())
}

pub fn parse_roles(raw: &[String]) -> Result<Vec<Role>, DomainError> {
    if raw.is_empty() {
        return Err(DomainError::invalid(
            "roles",
            "validation.required",
            "Cần ít nhất một vai trò.",
        ));
    }
    let mut roles = raw
        .iter()
        .map(|r| Role::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// A login name: 3–64 characters of lower-case ASCII letters, digits, '.', '_' or '-', so that it
/// is typed the same on any phone keyboard and never confused by diacritics or case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim().to_lowercase();
        let ok = (3..=64).contains(&name.len())
            && name.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if ok {
            Ok(Username(name))
        } else {
            Err(DomainError::invalid(
                "username",
                "officer.invalid_username",
                "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, '.', '_' hoặc '-'.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn full_name(raw: &str) -> Result<String, DomainError> {
    bounded("full_name", raw, 120, true)
}

/// Minimum strength for a password chosen by a person. Length is what matters (NIST SP 800-63B);
/// the upper bound keeps argon2 from being fed megabytes.
pub fn check_password(raw: &str) -> Result<(), DomainError> {
    let len = raw.chars().count();
    if len < 10 {
        return Err(DomainError::invalid(
            "password",
            "officer.weak_password",
            "Mật khẩu phải có ít nhất 10 ký tự.",
        ));
    }
    if len > 256 {
        return Err(DomainError::invalid(
            "password",
            "validation.too_long",
            "Mật khẩu dài quá 256 ký tự.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_its_own_name_back() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(*r));
        }
        for r in Rank::ALL {
            assert_eq!(Rank::parse(r.as_str()), Ok(*r));
        }
        assert!(Role::parse("superuser").is_err());
    }

    #[test]
    fn only_leaders_and_hr_manage_officers() {
        for r in Role::ALL {
            let may = r.grants(Permission::ManageOfficers);
            assert_eq!(
                may,
                matches!(r, Role::Admin | Role::UnitHead | Role::HrOfficer),
                "{r:?}"
            );
        }
    }

    #[test]
    fn leaders_run_commitment_campaigns_and_inspectors_collect_signatures() {
        use Permission::{ManageCommitments, RunCommitmentCampaigns};
        for r in Role::ALL {
            let leader = matches!(
                r,
                Role::Admin | Role::UnitHead | Role::DeputyUnitHead | Role::TeamLeader
            );
            assert_eq!(r.grants(RunCommitmentCampaigns), leader, "{r:?}");
            assert_eq!(
                r.grants(ManageCommitments),
                leader || *r == Role::Inspector,
                "{r:?}"
            );
        }
    }

    #[test]
    fn the_clerk_registers_leaders_route_and_heads_send_directives() {
        use Permission::*;
        for r in Role::ALL {
            let head = matches!(r, Role::Admin | Role::UnitHead | Role::DeputyUnitHead);
            assert!(r.grants(ViewOfficeDocuments), "{r:?}");
            assert_eq!(
                r.grants(RegisterDocuments),
                head || *r == Role::Clerk,
                "{r:?}"
            );
            assert_eq!(
                r.grants(RouteDocuments),
                head || *r == Role::TeamLeader,
                "{r:?}"
            );
            assert_eq!(r.grants(ProcessDocuments), *r != Role::Viewer, "{r:?}");
            assert_eq!(r.grants(IssueDirectives), head, "{r:?}");
            assert_eq!(
                r.grants(AcknowledgeDirectives),
                head || matches!(r, Role::TeamLeader | Role::Clerk),
                "{r:?}"
            );
        }
    }

    #[test]
    fn secret_documents_are_read_by_leaders_and_the_clerk_and_granted_by_heads() {
        use Permission::*;
        for r in Role::ALL {
            assert_eq!(
                r.grants(ReadSecretDocuments),
                matches!(
                    r,
                    Role::UnitHead | Role::DeputyUnitHead | Role::TeamLeader | Role::Clerk
                ),
                "{r:?}"
            );
            assert_eq!(
                r.grants(GrantSecretAccess),
                matches!(r, Role::UnitHead | Role::DeputyUnitHead),
                "{r:?}"
            );
        }
    }

    #[test]
    fn an_hr_officer_cannot_create_an_administrator() {
        assert!(check_role_grant(&[Role::HrOfficer], &[Role::Inspector]).is_ok());
        assert_eq!(
            check_role_grant(&[Role::HrOfficer], &[Role::Admin]).map_err(|e| e.code()),
            Err("auth.forbidden")
        );
        assert_eq!(
            check_role_grant(&[Role::Inspector], &[Role::Inspector]).map_err(|e| e.code()),
            Err("auth.forbidden")
        );
        assert!(check_role_grant(&[Role::Admin], &[Role::Admin]).is_ok());
    }

    #[test]
    fn hr_grants_working_roles_but_not_oversight() {
        for r in [
            Role::Inspector,
            Role::Clerk,
            Role::TeamLeader,
            Role::HrOfficer,
            Role::Viewer,
        ] {
            assert!(check_role_grant(&[Role::HrOfficer], &[r]).is_ok(), "{r:?}");
        }
        for r in [Role::UnitHead, Role::DeputyUnitHead, Role::Admin] {
            assert!(check_role_grant(&[Role::HrOfficer], &[r]).is_err(), "{r:?}");
        }
        assert!(check_role_grant(&[Role::UnitHead], &[Role::DeputyUnitHead]).is_ok());
        assert!(!covers(&[Role::HrOfficer], &[Role::UnitHead]));
        assert!(covers(
            &[Role::UnitHead],
            &[Role::HrOfficer, Role::Inspector]
        ));
    }

    #[test]
    fn usernames_are_plain_ascii() {
        assert_eq!(
            Username::parse(" Nguyen.Van_A ").map(|u| u.0),
            Ok("nguyen.van_a".into())
        );
        assert!(Username::parse("nguyễn").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn roles_are_deduplicated_and_required() {
        let roles = parse_roles(&["inspector".into(), "inspector".into(), "clerk".into()]);
        assert_eq!(roles, Ok(vec![Role::Inspector, Role::Clerk]));
        assert!(parse_roles(&[]).is_err());
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(check_password("ngắn").is_err());
        assert!(check_password("đủ-mười-ký-tự").is_ok());
        assert!(check_password(&"x".repeat(300)).is_err());
    }
}
