//! The authorization matrix: every route of the server (read off the router's own table,
//! `qltt_web::routes::table()`) × every role × an object of the officer's own unit and one of
//! another province, against the access each route is meant to have. A route added without a
//! row here fails the test; so does a row for a route that no longer exists.
//!
//! Officers are made for every role in the Chi cục of Quảng Ninh (unit `QN`, with the demo's
//! `qn.quantri` as its administrator); "own" objects live in Quảng Ninh, "foreign" ones in
//! Bắc Ninh. A request counts as refused when it answers 401, 403 or 404 (an object outside
//! one's scope is "not found", as if it did not exist) or when a page sends the browser to
//! sign in; anything else but a 5xx counts as let through (a 400, 409 or 422 means the rule of
//! the request was checked after the officer was let in). A 5xx fails the test everywhere.
//! Destructive requests are shaped to be refused by a rule after the permission check (a unit
//! merged into itself, a move the lot's state forbids) so that one role's success does not
//! change what the next role sees.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use qltt_domain::officer::{Permission, Role};
use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

/// What a route is meant to allow.
#[derive(Clone, Copy, Debug)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in officer.
    Signed,
    /// Officers whose roles grant the permission; the route names no object (lists filter by
    /// scope instead, which the scope tests check).
    Perm(Permission),
    /// Officers whose roles grant the permission, on an object of their own subtree only.
    Scoped(Permission),
}
use Access::*;
use Permission::*;

/// The expected access of every route: (method, path, access).
const MATRIX: &[(&str, &str, Access)] = &[
    // --- API ---
    ("GET", "/healthz", Public),
    ("GET", "/api/v1/openapi.json", Public),
    ("POST", "/api/v1/session", Public),
    ("DELETE", "/api/v1/session", Signed),
    ("GET", "/api/v1/me", Signed),
    ("GET", "/api/v1/units", Perm(ViewOrg)),
    ("POST", "/api/v1/units", Scoped(ManageUnits)),
    ("GET", "/api/v1/units/{id}", Scoped(ViewOrg)),
    ("PATCH", "/api/v1/units/{id}", Scoped(ManageUnits)),
    ("POST", "/api/v1/units/{id}/merge", Scoped(ManageUnits)),
    ("GET", "/api/v1/users", Perm(ViewOfficers)),
    ("POST", "/api/v1/users", Scoped(ManageOfficers)),
    ("GET", "/api/v1/users/{id}", Scoped(ViewOfficers)),
    (
        "POST",
        "/api/v1/users/{id}/deactivate",
        Scoped(ManageOfficers),
    ),
    (
        "POST",
        "/api/v1/users/{id}/reactivate",
        Scoped(ManageOfficers),
    ),
    ("GET", "/api/v1/tokens", Signed),
    ("POST", "/api/v1/tokens", Signed),
    // Own tokens only: "own" is a token of the officer, "foreign" one of another officer.
    ("DELETE", "/api/v1/tokens/{id}", Scoped(ViewOrg)),
    ("GET", "/api/v1/audit", Perm(ViewAudit)),
    ("GET", "/api/v1/calendar/{year}", Signed),
    ("PUT", "/api/v1/calendar/days/{date}", Perm(ManageCalendar)),
    (
        "DELETE",
        "/api/v1/calendar/days/{date}",
        Perm(ManageCalendar),
    ),
    ("POST", "/api/v1/law/fine", Signed),
    ("POST", "/api/v1/law/deadlines", Signed),
    ("GET", "/api/v1/cases", Perm(ViewCases)),
    ("POST", "/api/v1/cases", Scoped(HandleCases)),
    ("GET", "/api/v1/cases/{id}", Scoped(ViewCases)),
    (
        "POST",
        "/api/v1/cases/{id}/actions/{action}",
        Scoped(HandleCases),
    ),
    (
        "POST",
        "/api/v1/cases/{id}/actions/{action}/preview",
        Scoped(HandleCases),
    ),
    ("GET", "/api/v1/cases/{id}/steps", Scoped(ViewCases)),
    ("GET", "/api/v1/documents/{id}", Scoped(ViewCases)),
    ("GET", "/api/v1/documents/{id}/pdf", Scoped(ViewCases)),
    (
        "POST",
        "/api/v1/documents/{id}/corrections",
        Scoped(HandleCases),
    ),
    // The object is a violation record: let in, then refused 422 document.not_annullable.
    ("POST", "/api/v1/documents/{id}/annul", Scoped(HandleCases)),
    (
        "POST",
        "/api/v1/documents/{id}/publish",
        Scoped(PublishDecisions),
    ),
    (
        "POST",
        "/api/v1/documents/{id}/unpublish",
        Scoped(PublishDecisions),
    ),
    ("GET", "/api/v1/queues", Perm(ViewCases)),
    ("GET", "/api/v1/search", Signed),
    ("GET", "/api/v1/reports/summary", Perm(ViewReports)),
    ("GET", "/api/v1/reports/deadlines", Perm(ViewReports)),
    ("GET", "/api/v1/reports/summary.csv", Perm(ViewReports)),
    ("GET", "/api/v1/reports/summary.xlsx", Perm(ViewReports)),
    ("GET", "/api/v1/reports/summary.pdf", Perm(ViewReports)),
    ("GET", "/api/v1/events", Perm(ViewCases)),
    ("GET", "/api/v1/violation-types", Signed),
    ("GET", "/api/v1/violation-types/{id}", Signed),
    ("GET", "/api/v1/businesses", Perm(ViewBusinesses)),
    ("POST", "/api/v1/businesses", Scoped(ManageBusinesses)),
    ("GET", "/api/v1/businesses/{id}", Scoped(ViewBusinesses)),
    ("PATCH", "/api/v1/businesses/{id}", Scoped(ManageBusinesses)),
    (
        "GET",
        "/api/v1/businesses/{id}/history",
        Scoped(ViewBusinesses),
    ),
    (
        "POST",
        "/api/v1/businesses/{id}/merge",
        Scoped(ManageBusinesses),
    ),
    ("POST", "/api/v1/businesses/import", Perm(ManageBusinesses)),
    ("GET", "/api/v1/commitment-campaigns", Perm(ViewBusinesses)),
    (
        "POST",
        "/api/v1/commitment-campaigns",
        Scoped(RunCommitmentCampaigns),
    ),
    (
        "GET",
        "/api/v1/commitment-campaigns/{id}",
        Scoped(ViewBusinesses),
    ),
    (
        "POST",
        "/api/v1/commitment-campaigns/{id}/commitments",
        Scoped(ManageCommitments),
    ),
    (
        "POST",
        "/api/v1/commitments/{id}/withdraw",
        Scoped(ManageCommitments),
    ),
    ("GET", "/api/v1/exhibits", Perm(ViewExhibits)),
    ("POST", "/api/v1/exhibits", Scoped(RecordExhibits)),
    ("GET", "/api/v1/exhibits/{id}", Scoped(ViewExhibits)),
    ("POST", "/api/v1/exhibits/{id}/moves", Scoped(MoveExhibits)),
    ("GET", "/api/v1/exhibits/{id}/custody", Scoped(ViewExhibits)),
    ("GET", "/api/v1/exhibits/{id}/label", Scoped(ViewExhibits)),
    ("GET", "/api/v1/warehouses", Perm(ViewExhibits)),
    ("POST", "/api/v1/warehouses", Scoped(ManageWarehouses)),
    (
        "GET",
        "/api/v1/warehouses/{id}/cameras",
        Scoped(ViewExhibits),
    ),
    (
        "POST",
        "/api/v1/warehouses/{id}/cameras",
        Scoped(ManageWarehouses),
    ),
    (
        "GET",
        "/api/v1/warehouses/{id}/counts",
        Scoped(ViewExhibits),
    ),
    (
        "POST",
        "/api/v1/warehouses/{id}/counts",
        Scoped(MoveExhibits),
    ),
    ("GET", "/api/v1/stock-counts/{id}", Scoped(ViewExhibits)),
    (
        "POST",
        "/api/v1/stock-counts/{id}/lines",
        Scoped(MoveExhibits),
    ),
    (
        "POST",
        "/api/v1/stock-counts/{id}/close",
        Scoped(MoveExhibits),
    ),
    (
        "POST",
        "/api/v1/stock-counts/{id}/explain",
        Scoped(DisposeExhibits),
    ),
    ("GET", "/api/v1/office-documents", Perm(ViewOfficeDocuments)),
    (
        "POST",
        "/api/v1/office-documents",
        Scoped(RegisterDocuments),
    ),
    (
        "GET",
        "/api/v1/office-documents/{id}",
        Scoped(ViewOfficeDocuments),
    ),
    // Asked as a `route` step (a leader's; the assignee's steps are tested in eoffice.rs).
    (
        "POST",
        "/api/v1/office-documents/{id}/actions/{action}",
        Scoped(RouteDocuments),
    ),
    (
        "GET",
        "/api/v1/office-documents/{id}/text",
        Scoped(ViewOfficeDocuments),
    ),
    // The document came from outside the product: the clerk's or a leader's request is let in
    // and answered 409 office.not_delivered.
    (
        "POST",
        "/api/v1/office-documents/{id}/receipt",
        Scoped(AcknowledgeDirectives),
    ),
    // Who reads a secret document: the matrix's document is an ordinary one, so a request let in
    // is answered 422 office.not_secret (the secret rules are tested in office_secrecy.rs).
    (
        "GET",
        "/api/v1/office-documents/{id}/access",
        Scoped(ViewOfficeDocuments),
    ),
    (
        "POST",
        "/api/v1/office-documents/{id}/access",
        Scoped(GrantSecretAccess),
    ),
    (
        "DELETE",
        "/api/v1/office-documents/{id}/access/{user_id}",
        Scoped(GrantSecretAccess),
    ),
    // The document has no file: a leader's request is let in and answered 409 text.in_progress.
    (
        "POST",
        "/api/v1/office-documents/{id}/text/retry",
        Scoped(RouteDocuments),
    ),
    (
        "GET",
        "/api/v1/office-documents/drafts",
        Perm(ViewOfficeDocuments),
    ),
    (
        "POST",
        "/api/v1/office-documents/drafts",
        Scoped(DraftDocuments),
    ),
    (
        "GET",
        "/api/v1/office-documents/drafts/{id}",
        Scoped(ViewOfficeDocuments),
    ),
    (
        "PATCH",
        "/api/v1/office-documents/drafts/{id}",
        Scoped(DraftDocuments),
    ),
    // Asked as a reviewer's `reject` of a submitted draft (the other steps in eoffice_outgoing.rs).
    (
        "POST",
        "/api/v1/office-documents/drafts/{id}/actions/{action}",
        Scoped(ReviewDrafts),
    ),
    // The matrix's draft has no file: a drafter's or leader's request is let in and answered 400
    // text.unknown_file (the drafter is the province's head, so the rule is ReviewDrafts here).
    (
        "POST",
        "/api/v1/office-documents/drafts/{id}/text/retry",
        Scoped(ReviewDrafts),
    ),
    ("GET", "/api/v1/directives", Perm(ViewOfficeDocuments)),
    ("POST", "/api/v1/directives", Scoped(IssueDirectives)),
    (
        "GET",
        "/api/v1/directives/{id}",
        Scoped(ViewOfficeDocuments),
    ),
    (
        "GET",
        "/api/v1/directives/{id}/receipts",
        Scoped(ViewOfficeDocuments),
    ),
    (
        "POST",
        "/api/v1/directives/{id}/read",
        Scoped(ViewOfficeDocuments),
    ),
    (
        "POST",
        "/api/v1/directives/{id}/acknowledge",
        Scoped(AcknowledgeDirectives),
    ),
    (
        "GET",
        "/api/v1/directives/{id}/events",
        Scoped(ViewOfficeDocuments),
    ),
    ("GET", "/api/v1/tasks", Perm(ViewTasks)),
    ("POST", "/api/v1/tasks", Scoped(AssignTasks)),
    ("GET", "/api/v1/tasks/{id}", Scoped(ViewTasks)),
    // Asked as the assignee's `progress` on a task given to the province (the others in tasks.rs).
    (
        "POST",
        "/api/v1/tasks/{id}/actions/{action}",
        Scoped(WorkOnTasks),
    ),
    ("GET", "/api/v1/periodic-reports", Perm(ViewPeriodicReports)),
    (
        "POST",
        "/api/v1/periodic-reports",
        Scoped(DefinePeriodicReports),
    ),
    (
        "GET",
        "/api/v1/periodic-reports/{id}",
        Scoped(ViewPeriodicReports),
    ),
    (
        "GET",
        "/api/v1/periodic-reports/{id}/board",
        Scoped(ViewPeriodicReports),
    ),
    (
        "GET",
        "/api/v1/periodic-reports/{id}/prefill",
        Scoped(ViewPeriodicReports),
    ),
    (
        "POST",
        "/api/v1/periodic-reports/{id}/submissions",
        Scoped(SubmitPeriodicReports),
    ),
    (
        "GET",
        "/api/v1/periodic-reports/submissions/{id}",
        Scoped(ViewPeriodicReports),
    ),
    (
        "PATCH",
        "/api/v1/periodic-reports/{id}",
        Scoped(DefinePeriodicReports),
    ),
    (
        "GET",
        "/api/v1/periodic-reports/{id}/events",
        Scoped(ViewPeriodicReports),
    ),
    (
        "POST",
        "/api/v1/periodic-reports/{id}/deactivate",
        Scoped(DefinePeriodicReports),
    ),
    // Asked as a leader's `return` (the other steps in periodic_reports.rs).
    (
        "POST",
        "/api/v1/periodic-reports/submissions/{id}/actions/{action}",
        Scoped(DefinePeriodicReports),
    ),
    ("POST", "/api/v1/files", Perm(UploadFiles)),
    ("GET", "/api/v1/files/{id}", Scoped(ViewCases)),
    // --- pages ---
    ("GET", "/", Signed),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Signed),
    ("GET", "/org", Perm(ViewOrg)),
    ("POST", "/org", Scoped(ManageUnits)),
    ("GET", "/org/{id}", Scoped(ViewOrg)),
    ("POST", "/org/{id}", Scoped(ManageUnits)),
    ("GET", "/officers", Perm(ViewOfficers)),
    ("POST", "/officers", Scoped(ManageOfficers)),
    ("GET", "/officers/new", Perm(ManageOfficers)),
    ("GET", "/officers/{id}", Scoped(ViewOfficers)),
    ("POST", "/officers/{id}/active", Scoped(ManageOfficers)),
    ("GET", "/audit", Perm(ViewAudit)),
    ("GET", "/businesses", Perm(ViewBusinesses)),
    ("POST", "/businesses", Scoped(ManageBusinesses)),
    ("GET", "/businesses/new", Perm(ManageBusinesses)),
    ("GET", "/businesses/import", Perm(ManageBusinesses)),
    ("POST", "/businesses/import", Perm(ManageBusinesses)),
    ("GET", "/businesses/{id}", Scoped(ViewBusinesses)),
    ("GET", "/businesses/{id}/edit", Scoped(ManageBusinesses)),
    ("POST", "/businesses/{id}/edit", Scoped(ManageBusinesses)),
    ("GET", "/businesses/{id}/merge", Scoped(ManageBusinesses)),
    ("POST", "/businesses/{id}/merge", Scoped(ManageBusinesses)),
    ("GET", "/calendar", Signed),
    ("POST", "/calendar", Perm(ManageCalendar)),
    ("GET", "/exhibits", Perm(ViewExhibits)),
    ("GET", "/exhibits/scan", Perm(ViewExhibits)),
    ("GET", "/exhibits/{id}", Scoped(ViewExhibits)),
    ("POST", "/exhibits/{id}", Scoped(MoveExhibits)),
    ("GET", "/exhibits/lot/{lot_no}", Scoped(ViewExhibits)),
    ("GET", "/exhibits/{id}/label.pdf", Scoped(ViewExhibits)),
    ("GET", "/cases/{id}/labels.pdf", Scoped(ViewExhibits)),
    ("GET", "/cases/{id}/exhibits/new", Scoped(RecordExhibits)),
    ("POST", "/cases/{id}/exhibits/new", Scoped(RecordExhibits)),
    ("GET", "/warehouses", Perm(ViewExhibits)),
    ("POST", "/warehouses", Scoped(ManageWarehouses)),
    ("POST", "/warehouses/{id}/counts", Scoped(MoveExhibits)),
    ("GET", "/stock-counts/{id}", Scoped(ViewExhibits)),
    ("POST", "/stock-counts/{id}", Scoped(MoveExhibits)),
    ("GET", "/files/{sha256}", Scoped(ViewCases)),
    ("GET", "/cases", Perm(ViewCases)),
    ("POST", "/cases", Scoped(HandleCases)),
    ("GET", "/cases/new", Perm(HandleCases)),
    ("GET", "/cases/{id}", Scoped(ViewCases)),
    (
        "POST",
        "/cases/{id}/actions/{action}/preview",
        Scoped(HandleCases),
    ),
    ("GET", "/commitments", Perm(ViewBusinesses)),
    ("POST", "/commitments", Scoped(RunCommitmentCampaigns)),
    ("GET", "/commitments/{id}", Scoped(ViewBusinesses)),
    ("POST", "/commitments/{id}", Scoped(ManageCommitments)),
    ("GET", "/office", Perm(ViewOfficeDocuments)),
    ("POST", "/office", Scoped(RegisterDocuments)),
    ("GET", "/office/{id}", Scoped(ViewOfficeDocuments)),
    ("POST", "/office/{id}", Scoped(RouteDocuments)),
    ("GET", "/office/drafts", Perm(ViewOfficeDocuments)),
    ("POST", "/office/drafts", Scoped(DraftDocuments)),
    ("GET", "/office/drafts/{id}", Scoped(ViewOfficeDocuments)),
    ("POST", "/office/drafts/{id}", Scoped(ReviewDrafts)),
    ("GET", "/tasks", Perm(ViewTasks)),
    ("POST", "/tasks", Scoped(AssignTasks)),
    ("GET", "/tasks/{id}", Scoped(ViewTasks)),
    ("POST", "/tasks/{id}", Scoped(WorkOnTasks)),
    ("GET", "/periodic-reports", Perm(ViewPeriodicReports)),
    ("POST", "/periodic-reports", Scoped(DefinePeriodicReports)),
    ("GET", "/periodic-reports/{id}", Scoped(ViewPeriodicReports)),
    (
        "POST",
        "/periodic-reports/{id}/edit",
        Scoped(DefinePeriodicReports),
    ),
    (
        "GET",
        "/periodic-reports/{id}/events",
        Scoped(ViewPeriodicReports),
    ),
    (
        "POST",
        "/periodic-reports/{id}/deactivate",
        Scoped(DefinePeriodicReports),
    ),
    (
        "POST",
        "/periodic-reports/{id}",
        Scoped(SubmitPeriodicReports),
    ),
    (
        "GET",
        "/periodic-reports/submissions/{id}",
        Scoped(ViewPeriodicReports),
    ),
    (
        "POST",
        "/periodic-reports/submissions/{id}",
        Scoped(DefinePeriodicReports),
    ),
    ("GET", "/directives", Perm(ViewOfficeDocuments)),
    ("POST", "/directives", Scoped(IssueDirectives)),
    ("GET", "/directives/{id}", Scoped(ViewOfficeDocuments)),
    (
        "POST",
        "/directives/{id}/acknowledge",
        Scoped(AcknowledgeDirectives),
    ),
    (
        "GET",
        "/directives/{id}/events",
        Scoped(ViewOfficeDocuments),
    ),
    ("GET", "/queues", Perm(ViewCases)),
    ("GET", "/search", Signed),
    ("GET", "/reports", Perm(ViewReports)),
    ("GET", "/events", Perm(ViewCases)),
    ("GET", "/documents/{id}/pdf", Scoped(ViewCases)),
    ("GET", "/documents/{id}/annul", Scoped(HandleCases)),
    ("POST", "/documents/{id}/annul", Scoped(HandleCases)),
    ("GET", "/verify/{code}", Public),
    ("GET", "/public/open-data", Public),
    ("GET", "/public/open-data/decisions.csv", Public),
    ("GET", "/public/open-data/decisions.json", Public),
    ("GET", "/public/open-data/statistics.csv", Public),
    ("GET", "/public/open-data/statistics.json", Public),
    ("GET", "/public/open-data/dictionary.json", Public),
    ("GET", "/public/open-data/search", Public),
    ("GET", "/public/open-data/search.json", Public),
    ("POST", "/verify/{code}", Public),
    ("GET", "/assets/{*path}", Public),
];

/// The objects of one side (own: Quảng Ninh; foreign: Bắc Ninh).
#[derive(Default, Clone)]
struct Side {
    /// The province unit (parent of new units).
    province: String,
    /// A team, victim of renames and (refused) merges.
    team: String,
    user: String,
    business: String,
    case: String,
    document: String,
    verify_code: String,
    exhibit: String,
    lot_no: String,
    warehouse: String,
    stock_count: String,
    campaign: String,
    commitment: String,
    file: String,
    violation_type: String,
    /// An incoming document of the province's register.
    office: String,
    /// A directive of the province's head to the province.
    directive: String,
    /// A draft of the province's head, submitted for review.
    draft: String,
    /// A task the province's head gave the province.
    task: String,
    /// A monthly report the province's head asks of every unit below the province.
    periodic_report: String,
    /// Its March 2026 report sent by the other officer's team.
    periodic_submission: String,
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// Builds the objects of one province as its unit head (and keeper) would.
async fn side(t: &TestApp, province: &str, head: &str, keeper: &str, other: &str) -> Side {
    let admin = t.login("admin").await;
    let head_token = t.login(head).await;
    let mut s = Side {
        province: t.unit_id(province).await,
        team: t.unit_id(&format!("{province}-D2")).await,
        user: t.user_id(other).await,
        ..Side::default()
    };
    let d1 = t.unit_id(&format!("{province}-D1")).await;
    let (st, b) = t
        .post(
            &admin,
            "/api/v1/businesses",
            json!({"name": format!("Cửa hàng {province}"), "kind": "household", "address": "Phố 1", "unit_id": d1}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    s.business = id(&b);
    let (st, c) = t
        .post(
            &admin,
            "/api/v1/cases",
            json!({"business_id": s.business, "unit_id": d1, "origin": "caught_in_act", "summary": "Bắt quả tang"}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    s.case = id(&c);
    let (st, b) = t
        .post(
            &admin,
            &format!("/api/v1/cases/{}/actions/record_violation", s.case),
            json!({
                "recorded_at": "2026-03-05T01:30:00Z",
                "place": "Chợ trung tâm",
                "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Phố 1"},
                "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán hàng nhập lậu"}]
            }),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let document = &b["produced"][0];
    s.document = id(document);
    let (_, doc) = t
        .get(&admin, &format!("/api/v1/documents/{}", s.document))
        .await;
    s.verify_code = doc["verify_url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or_else(|| panic!("no verify url in {doc}"))
        .to_string();
    let (st, e) = t
        .post(
            &admin,
            "/api/v1/exhibits",
            json!({"case_id": s.case, "description": "Kem dưỡng da", "quantity": 12, "unit_of_measure": "hộp"}),
        )
        .await;
    assert_eq!(st, 201, "{e}");
    s.exhibit = id(&e);
    s.lot_no = e["lot_no"].as_str().unwrap().to_string();
    let (st, w) = t
        .post(
            &admin,
            "/api/v1/warehouses",
            json!({"unit_id": s.province, "code": format!("KHO-{province}"), "name": "Kho", "address": "Phố 2"}),
        )
        .await;
    assert_eq!(st, 201, "{w}");
    s.warehouse = id(&w);
    let keeper_token = t.login(keeper).await;
    let (st, c) = t
        .post(
            &keeper_token,
            &format!("/api/v1/warehouses/{}/counts", s.warehouse),
            json!({}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    s.stock_count = id(&c);
    let (st, c) = t
        .post(
            &head_token,
            "/api/v1/commitment-campaigns",
            json!({"unit_id": s.province, "name": "Cam kết", "content": "Không kinh doanh hàng giả", "starts_on": "2026-03-01"}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    s.campaign = id(&c);
    let (st, c) = t
        .post(
            &head_token,
            &format!("/api/v1/commitment-campaigns/{}/commitments", s.campaign),
            json!({"business_id": s.business, "signed_on": "2026-03-02", "signed_by_name": "Trần Minh Anh", "note": ""}),
        )
        .await;
    assert!(st == 201 || st == 200, "{c}");
    s.commitment = id(&c);
    let r = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(&head_token)
        .body(pdf(province))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let f: Value = r.json().await.unwrap();
    s.file = f["sha256"].as_str().unwrap().to_string();
    let (_, types) = t.get(&admin, "/api/v1/violation-types?limit=1").await;
    s.violation_type = id(&types[0]);
    let (st, d) = t
        .post(
            &head_token,
            "/api/v1/office-documents",
            json!({"direction": "incoming", "doc_type": "official_letter", "number": "5/UBND",
                   "document_date": "2026-03-04", "correspondent": "UBND tỉnh", "summary": "Công văn"}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    s.office = id(&d);
    let (st, d) = t
        .post(
            &head_token,
            "/api/v1/directives",
            json!({"root_unit_id": s.province, "summary": "Chỉ đạo", "message": "Thực hiện"}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    s.directive = id(&d);
    let (st, d) = t
        .post(
            &head_token,
            "/api/v1/office-documents/drafts",
            json!({"doc_type": "plan", "summary": "Kế hoạch", "recipients": "Các đội"}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    s.draft = id(&d);
    let (st, d) = t
        .post(
            &head_token,
            &format!("/api/v1/office-documents/drafts/{}/actions/submit", s.draft),
            json!({}),
        )
        .await;
    assert_eq!(st, 200, "{d}");
    let (st, d) = t
        .post(
            &head_token,
            "/api/v1/tasks",
            json!({"title": "Việc", "unit_id": s.province, "due_on": "2026-03-20"}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    s.task = id(&d);
    let (st, d) = t
        .post(
            &head_token,
            "/api/v1/periodic-reports",
            json!({"title": "Báo cáo tháng", "recurrence": "monthly", "deadline_days": 5,
                   "fields": [{"key": "so_vu", "label": "Số vụ", "kind": "number"}]}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    s.periodic_report = id(&d);
    let other_token = t.login(other).await;
    let (st, d) = t
        .post(
            &other_token,
            &format!("/api/v1/periodic-reports/{}/submissions", s.periodic_report),
            json!({"period": "2026-03", "figures": {"so_vu": 3}}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    s.periodic_submission = id(&d);
    s
}

/// A small PDF of its own (a scan to attach).
fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").into_bytes()
}

/// Fills the path's parameters with the side's objects.
fn fill(path: &str, s: &Side, token_of_actor: &str) -> String {
    let mut p = path.to_string();
    let by_prefix: [(&str, &str); 24] = [
        ("/periodic-reports/submissions/{id}", &s.periodic_submission),
        ("/periodic-reports/{id}", &s.periodic_report),
        ("/units/{id}", &s.team),
        ("/org/{id}", &s.team),
        ("/users/{id}", &s.user),
        ("/officers/{id}", &s.user),
        ("/tokens/{id}", token_of_actor),
        ("/businesses/{id}", &s.business),
        ("/cases/{id}", &s.case),
        ("/documents/{id}", &s.document),
        ("/commitment-campaigns/{id}", &s.campaign),
        // The API's commitment; the page of a campaign is /commitments/{campaign}.
        ("/api/v1/commitments/{id}", &s.commitment),
        ("/commitments/{id}", &s.campaign),
        ("/exhibits/{id}", &s.exhibit),
        ("/warehouses/{id}", &s.warehouse),
        ("/stock-counts/{id}", &s.stock_count),
        ("/files/{id}", &s.file),
        ("/files/{sha256}", &s.file),
        ("/verify/{code}", &s.verify_code),
        ("/drafts/{id}", &s.draft),
        ("/tasks/{id}", &s.task),
        ("/office-documents/{id}", &s.office),
        ("/office/{id}", &s.office),
        ("/directives/{id}", &s.directive),
    ];
    // A draft's step is asked as a reviewer's `reject`, a document's as a leader's `route` (a
    // case's as a `propose`).
    if path.contains("/drafts/") {
        p = p.replace("{action}", "reject");
    }
    if path.contains("/tasks/") {
        p = p.replace("{action}", "progress");
    }
    if path.contains("/periodic-reports/") {
        p = p.replace("{action}", "return");
    }
    if path.contains("/office-documents/") {
        p = p.replace("{action}", "route");
    }
    for (pattern, value) in by_prefix {
        let filled = pattern
            .replace("{id}", value)
            .replace("{sha256}", value)
            .replace("{code}", value);
        p = p.replace(pattern, &filled);
    }
    p.replace("{lot_no}", &s.lot_no)
        .replace("{user_id}", &s.user)
        .replace("{year}", "2026")
        .replace("{date}", "2026-10-16")
        .replace("{action}", "propose")
        .replace("{*path}", "qltt.css")
        .replace(
            "/violation-types/{id}",
            &format!("/violation-types/{}", s.violation_type),
        )
}

static SERIAL: AtomicUsize = AtomicUsize::new(0);

/// The JSON body of an API request (shaped so that the permission check is what decides).
///
/// On one's own objects, requests that would change something are made invalid after the
/// permission check (an empty required field), so one role's success does not change what the
/// next sees. On a foreign object the body is valid: if the scope check failed, the change
/// would be made, and the test would see it succeed.
fn api_body(method: &str, path: &str, s: &Side, foreign: bool) -> Option<Value> {
    let n = SERIAL.fetch_add(1, Ordering::Relaxed);
    // What an empty required field holds: nothing on one's own side, a value on the other.
    let v = |valid: &str| {
        if foreign {
            valid.to_string()
        } else {
            String::new()
        }
    };
    let d1_unit = &s.team;
    Some(match (method, path) {
        ("POST", "/api/v1/session") => {
            json!({"username": "qn.ksv1", "password": qltt_testkit::DEMO_PASSWORD})
        }
        ("POST", "/api/v1/units") => {
            json!({"name": format!("Tổ thử {n}"), "code": format!("T-{n}"), "kind": "work_group", "parent_id": s.team})
        }
        ("PATCH", "/api/v1/units/{id}") => json!({"name": format!("Đội số 2 ({n})")}),
        ("POST", "/api/v1/units/{id}/merge") => json!({"into_unit_id": s.team}),
        ("POST", "/api/v1/users") => {
            json!({"username": format!("thu.{n}"), "full_name": "Người Thử", "password": "mat-khau-du-dai-2026", "unit_id": s.team, "roles": ["viewer"]})
        }
        ("POST", "/api/v1/tokens") => json!({"name": format!("thử {n}"), "expires_in_days": 1}),
        ("PUT", "/api/v1/calendar/days/{date}") => {
            json!({"kind": "holiday", "name": "Nghỉ bù (thử)"})
        }
        ("POST", "/api/v1/law/fine") => {
            json!({"frame_min": 10000000, "frame_max": 20000000, "offender": "individual", "mitigating": 0, "aggravating": 0})
        }
        ("POST", "/api/v1/law/deadlines") => {
            json!({"recorded_on": "2026-10-15", "explanation": "none", "verification": false, "extended": false})
        }
        ("POST", "/api/v1/cases") => {
            json!({"unit_id": d1_unit, "origin": "tip", "summary": "Tin báo"})
        }
        // A case caught in the act cannot be proposed: the transition is refused after the
        // permission and scope checks (409), and the case stays as it is.
        ("POST", "/api/v1/cases/{id}/actions/{action}") => json!({"content": "Đề xuất"}),
        // The same step previewed: the same refusal (409) after permission and scope.
        ("POST", "/api/v1/cases/{id}/actions/{action}/preview") => json!({"content": "Đề xuất"}),
        ("POST", "/api/v1/documents/{id}/corrections") => json!({"reason": v("Ghi sai địa chỉ")}),
        ("POST", "/api/v1/documents/{id}/annul") => {
            json!({"ground": "wrong_procedure", "reason": v("Sai thủ tục")})
        }
        ("POST", "/api/v1/documents/{id}/publish") => json!({"reason": v("Điều 72 Luật XLVPHC")}),
        ("POST", "/api/v1/documents/{id}/unpublish") => json!({"reason": v("Công bố nhầm")}),
        ("POST", "/api/v1/businesses") => {
            json!({"name": format!("Hộ thử {n}"), "kind": "household", "address": "Phố 3", "unit_id": d1_unit})
        }
        ("PATCH", "/api/v1/businesses/{id}") => json!({"name": v("Tên mới"), "version": 1}),
        ("POST", "/api/v1/businesses/{id}/merge") => json!({"into": s.business}),
        ("POST", "/api/v1/commitment-campaigns") => {
            json!({"unit_id": s.province, "name": v("Cam kết"), "content": v("Nội dung"), "starts_on": "2026-03-01"})
        }
        ("POST", "/api/v1/commitment-campaigns/{id}/commitments") => {
            json!({"business_id": s.business, "signed_on": "2026-03-02", "signed_by_name": v("Lê Văn B"), "note": ""})
        }
        ("POST", "/api/v1/commitments/{id}/withdraw") => json!({"reason": v("Rút cam kết")}),
        ("POST", "/api/v1/exhibits") => {
            json!({"case_id": s.case, "description": v("Hàng lạ"), "quantity": 1, "unit_of_measure": "hộp"})
        }
        ("POST", "/api/v1/exhibits/{id}/moves") => {
            json!({"kind": "return", "handed_over_by": "a", "received_by": "b"})
        }
        ("POST", "/api/v1/warehouses") => {
            json!({"unit_id": s.province, "code": v(&format!("K-{n}")), "name": v("Kho"), "address": v("Phố 5")})
        }
        ("POST", "/api/v1/warehouses/{id}/cameras") => {
            json!({"code": v(&format!("CAM-{n}")), "zone": "A", "description": v("Cửa kho")})
        }
        ("POST", "/api/v1/warehouses/{id}/counts") => json!({}),
        ("POST", "/api/v1/stock-counts/{id}/lines") => {
            json!({"exhibit_id": s.exhibit, "counted": if foreign { 12 } else { -1 }, "note": ""})
        }
        ("POST", "/api/v1/stock-counts/{id}/close") => json!({"version": -1}),
        ("POST", "/api/v1/stock-counts/{id}/explain") => json!({"explanations": []}),
        ("POST", "/api/v1/office-documents") => {
            json!({"direction": "incoming", "unit_id": s.province, "doc_type": "official_letter",
                   "number": "9/UBND", "document_date": "2026-03-04", "correspondent": "UBND",
                   "summary": v("Trích yếu")})
        }
        ("POST", "/api/v1/office-documents/{id}/actions/{action}") => {
            json!({"opinion": v("Đội xử lý"), "unit_id": s.team})
        }
        ("POST", "/api/v1/office-documents/drafts/{id}/text/retry") => {
            json!({"sha256": "0".repeat(64)})
        }
        ("POST", "/api/v1/office-documents/{id}/access") => {
            json!({"user_id": s.user, "reason": v("Phối hợp xác minh")})
        }
        ("POST", "/api/v1/office-documents/drafts") => {
            json!({"unit_id": s.province, "doc_type": "report", "summary": v("Báo cáo"),
                   "recipients": "Cục"})
        }
        ("PATCH", "/api/v1/office-documents/drafts/{id}") => {
            json!({"doc_type": "report", "summary": v("Báo cáo"), "recipients": "Cục"})
        }
        ("POST", "/api/v1/office-documents/drafts/{id}/actions/{action}") => {
            json!({"comment": v("Sửa lại")})
        }
        ("POST", "/api/v1/tasks") => {
            json!({"title": v("Việc"), "unit_id": s.team, "due_on": "2026-03-20"})
        }
        ("POST", "/api/v1/tasks/{id}/actions/{action}") => json!({"note": v("Đang làm")}),
        ("POST", "/api/v1/periodic-reports") => {
            json!({"title": v("Báo cáo"), "recurrence": "monthly", "deadline_days": 5,
                   "unit_id": s.province, "kind": "file"})
        }
        // A period that does not parse on one's own side; a valid report of the other side's
        // team on the other.
        ("POST", "/api/v1/periodic-reports/{id}/submissions") => {
            json!({"period": if foreign { "2026-03" } else { "" }, "unit_id": s.team,
                   "figures": {"so_vu": 1}})
        }
        ("PATCH", "/api/v1/periodic-reports/{id}") => {
            json!({"title": v("Báo cáo tháng (sửa)"), "reason": v("Đổi tên")})
        }
        ("POST", "/api/v1/periodic-reports/{id}/deactivate") => {
            json!({"reason": v("Đã đủ số liệu")})
        }
        ("POST", "/api/v1/periodic-reports/submissions/{id}/actions/{action}") => {
            json!({"note": v("Thiếu số liệu")})
        }
        ("POST", "/api/v1/directives") => {
            json!({"root_unit_id": s.province, "summary": "Chỉ đạo", "message": v("Thực hiện")})
        }
        _ => return None,
    })
}

/// The form fields of a page request (besides the CSRF token).
/// Own side: a required field left empty; foreign side: valid (see [`api_body`]).
fn page_form(path: &str, s: &Side, foreign: bool) -> Vec<(String, String)> {
    let n = SERIAL.fetch_add(1, Ordering::Relaxed);
    let v = |valid: &str| {
        if foreign {
            valid.to_string()
        } else {
            String::new()
        }
    };
    let f: Vec<(&str, String)> = match path {
        "/login" => vec![
            ("username", "qn.ksv1".into()),
            ("password", "sai-mat-khau".into()),
        ],
        "/org" => vec![
            ("name", v("Tổ mới")),
            ("code", format!("P-{n}")),
            ("kind", "work_group".into()),
            ("parent_id", s.team.clone()),
        ],
        "/org/{id}" => vec![("action", "merge".into()), ("target_id", s.team.clone())],
        "/officers" => vec![
            ("username", v(&format!("gian.diep.{n}"))),
            ("full_name", "Gián Điệp".into()),
            ("password", "mat-khau-du-dai-2026".into()),
            ("unit_id", s.team.clone()),
            ("role", "viewer".into()),
        ],
        "/officers/{id}/active" => vec![("active", "maybe".into())],
        "/businesses" => vec![
            ("name", v("Hộ lạ")),
            ("kind", "household".into()),
            ("address", "Phố 6".into()),
            ("unit_id", s.team.clone()),
        ],
        "/businesses/{id}/edit" => vec![("name", String::new()), ("version", "1".into())],
        "/businesses/{id}/merge" => vec![("into", s.business.clone())],
        "/calendar" => vec![
            ("day", "2026-10-16".into()),
            ("kind", "bogus".into()),
            ("op", "set".into()),
        ],
        "/exhibits/{id}" => vec![("kind", "return".into())],
        "/warehouses" => vec![
            ("op", "create".into()),
            ("unit_id", s.province.clone()),
            ("code", v(&format!("KP-{n}"))),
            ("name", "Kho".into()),
            ("address", "Phố 7".into()),
        ],
        "/warehouses/{id}/counts" => vec![],
        "/stock-counts/{id}" => vec![
            ("op", "count".into()),
            ("exhibit_id", s.exhibit.clone()),
            ("counted", "-1".into()),
        ],
        "/cases/{id}/actions/{action}/preview" => {
            vec![("body", json!({"content": "Đề xuất"}).to_string())]
        }
        "/documents/{id}/annul" => vec![
            ("ground", "wrong_procedure".into()),
            ("reason", v("Sai thủ tục")),
        ],
        "/cases" => vec![
            ("unit_id", s.team.clone()),
            ("origin", "tip".into()),
            ("summary", v("Tin báo lạ")),
        ],
        "/commitments" => vec![
            ("unit_id", s.province.clone()),
            ("name", v("Cam kết lạ")),
            ("content", "Nội dung".into()),
            ("starts_on", "2026-03-01".into()),
        ],
        "/commitments/{id}" => vec![("op", "sign".into()), ("business_id", s.business.clone())],
        "/office" => vec![
            ("direction", "incoming".into()),
            ("unit_id", s.province.clone()),
            ("doc_type", "official_letter".into()),
            ("number", "9/UBND".into()),
            ("document_date", "2026-03-04".into()),
            ("received_on", "2026-03-05".into()),
            ("correspondent", "UBND".into()),
            ("summary", v("Trích yếu")),
        ],
        "/office/{id}" => vec![
            ("op", "route".into()),
            ("opinion", v("Đội xử lý")),
            ("target", format!("unit:{}", s.team)),
        ],
        "/office/drafts" => vec![
            ("unit_id", s.province.clone()),
            ("doc_type", "report".into()),
            ("summary", v("Báo cáo")),
            ("recipients", "Cục".into()),
        ],
        "/office/drafts/{id}" => vec![("op", "reject".into()), ("comment", v("Sửa lại"))],
        "/tasks" => vec![
            ("title", v("Việc")),
            ("target", format!("unit:{}", s.team)),
            ("due_on", "2026-03-20".into()),
        ],
        "/tasks/{id}" => vec![("op", "progress".into()), ("note", v("Đang làm"))],
        "/periodic-reports" => vec![
            ("title", v("Báo cáo")),
            ("recurrence", "monthly".into()),
            ("deadline_days", "5".into()),
            ("kind", "file".into()),
            ("unit_id", s.province.clone()),
        ],
        "/periodic-reports/{id}/deactivate" => vec![("reason", v("Đã đủ số liệu"))],
        "/periodic-reports/{id}/edit" => vec![
            ("edit_title", "Báo cáo tháng (sửa)".into()),
            ("edit_fields", "so_vu | Số vụ | number".into()),
            ("edit_reason", v("Đổi tên")),
        ],
        "/periodic-reports/submissions/{id}" => {
            vec![("op", "return".into()), ("note", v("Thiếu số liệu"))]
        }
        "/directives" => vec![
            ("root_unit_id", s.province.clone()),
            ("summary", "Chỉ đạo".into()),
            ("message", v("Thực hiện")),
        ],
        _ => vec![],
    };
    f.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Seen {
    Allowed,
    Refused,
}

struct Actor {
    name: String,
    roles: Vec<Role>,
    token: Option<String>,
    /// A browser with a session (cookie) and its CSRF token.
    page: Option<(reqwest::Client, String)>,
    /// A token of this officer that the officer may revoke.
    own_token_id: String,
}

async fn make_actor(t: &TestApp, admin: &str, qn: &str, role: Option<Role>) -> Actor {
    let Some(role) = role else {
        return Actor {
            name: "anonymous".into(),
            roles: vec![],
            token: None,
            page: None,
            own_token_id: "no-token".into(),
        };
    };
    let username = if role == Role::Admin {
        "qn.quantri".to_string()
    } else {
        let username = format!("matran.{}", role.as_str());
        let (s, b) = t
            .post(
                admin,
                "/api/v1/users",
                json!({"username": username, "full_name": "Người Thử Quyền", "password": qltt_testkit::DEMO_PASSWORD, "unit_id": qn, "roles": [role.as_str()]}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        username
    };
    let token = t.login(&username).await;
    let (s, b) = t
        .post(
            &token,
            "/api/v1/tokens",
            json!({"name": "để thu hồi", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let own_token_id = b["token_id"].as_str().unwrap().to_string();
    let client = page_client();
    let csrf = t.page_login(&client, &username).await;
    Actor {
        name: username,
        roles: vec![role],
        token: Some(token),
        page: Some((client, csrf)),
        own_token_id,
    }
}

fn expected(access: Access, actor: &Actor, foreign: bool) -> Seen {
    let signed = actor.token.is_some();
    let grants = |p: Permission| actor.roles.iter().any(|r| r.grants(p));
    let ok = match access {
        Public => true,
        Signed => signed,
        Perm(p) => signed && grants(p),
        Scoped(p) => signed && grants(p) && !foreign,
    };
    if ok { Seen::Allowed } else { Seen::Refused }
}

fn classify(status: u16, location: &str, route: &str) -> Seen {
    assert!(status < 500, "{route} answered {status}");
    if route == "/logout" {
        // Signing out sends the browser to the sign-in page: that is its success.
        return if status == 303 {
            Seen::Allowed
        } else {
            Seen::Refused
        };
    }
    if matches!(status, 401 | 403 | 404) || location.starts_with("/login") {
        Seen::Refused
    } else {
        Seen::Allowed
    }
}

/// A `multipart/form-data` body as a browser sends it: (name, file name, value).
fn multipart(
    req: reqwest::RequestBuilder,
    parts: &[(&str, Option<&str>, &str)],
) -> reqwest::RequestBuilder {
    const BOUNDARY: &str = "----qlttMatrixBoundary";
    let mut body = String::new();
    for (name, file, value) in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    req.header(
        "content-type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    )
    .body(body)
}

/// Sends one request of the matrix and returns its status and `Location`.
async fn send(
    t: &TestApp,
    actor: &Actor,
    method: &str,
    route: &str,
    s: &Side,
    foreign_token: &str,
    foreign: bool,
) -> (u16, String) {
    let token_id = if foreign {
        foreign_token
    } else {
        &actor.own_token_id
    };
    let url = t.url(&fill(route, s, token_id));
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let resp = if route.starts_with("/api/") || route == "/healthz" {
        let mut req = t.http.request(m, &url);
        if let Some(token) = &actor.token {
            req = req.bearer_auth(token);
        }
        if route == "/api/v1/files" {
            req = req.body(pdf(&actor.name));
        } else if route == "/api/v1/businesses/import" {
            req = req
                .header("content-type", "text/csv")
                .body("name,kind,tax_code,address,unit_code\n");
        } else if method != "GET" && method != "DELETE" {
            // Routes that take no body get none (a missing one shows up as a wrong outcome).
            if let Some(body) = api_body(method, route, s, foreign) {
                req = req.json(&body);
            }
        }
        req.send().await.unwrap()
    } else {
        let (client, csrf) = match &actor.page {
            Some((c, csrf)) => (c.clone(), csrf.clone()),
            None => (page_client(), String::new()),
        };
        if method == "POST" && route == "/login" {
            // Signing in is open to anyone with a sign-in form of their own browser.
            let fresh = page_client();
            let form = fresh.get(t.url("/login")).send().await.unwrap();
            let csrf = qltt_testkit::csrf_field(&form.text().await.unwrap());
            let r = fresh
                .post(&url)
                .form(&[
                    ("username", "qn.ksv1"),
                    ("password", qltt_testkit::DEMO_PASSWORD),
                    ("csrf", &csrf),
                    ("next", "/"),
                ])
                .send()
                .await
                .unwrap();
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            return (r.status().as_u16(), location);
        }
        let mut req = client.request(m, &url);
        if method == "POST" {
            if matches!(
                route,
                "/businesses/import" | "/cases/{id}/exhibits/new" | "/periodic-reports/{id}"
            ) {
                req = multipart(req, &[("csrf", None, &csrf), ("description", None, "")]);
            } else if route == "/verify/{code}" {
                req = multipart(req, &[("file", Some("a.pdf"), "%PDF-1.4 not it")]);
            } else {
                let mut fields = page_form(route, s, foreign);
                fields.push(("csrf".into(), csrf));
                req = req.form(&fields);
            }
        }
        req.send().await.unwrap()
    };
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location)
}

async fn matrix(t: TestApp) {
    // Every route has exactly one row, and every row a route.
    let routes: BTreeSet<(String, String)> = qltt_web::routes::table()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    let rows: BTreeMap<(String, String), Access> = MATRIX
        .iter()
        .map(|(m, p, a)| ((m.to_string(), p.to_string()), *a))
        .collect();
    assert_eq!(rows.len(), MATRIX.len(), "a row is written twice");
    let missing: Vec<_> = routes.iter().filter(|r| !rows.contains_key(*r)).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<_> = rows.keys().filter(|r| !routes.contains(*r)).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );

    let admin = t.login("admin").await;
    let own = side(&t, "QN", "qn.chicuctruong", "qn.thukho", "qn.ksv1").await;
    let foreign = side(&t, "BN", "bn.chicuctruong", "bn.chicuctruong", "bn.ksv1").await;
    let bn_token = t.login("bn.ksv1").await;
    let (_, b) = t
        .post(
            &bn_token,
            "/api/v1/tokens",
            json!({"name": "của Bắc Ninh", "expires_in_days": 1}),
        )
        .await;
    let foreign_token = b["token_id"].as_str().unwrap().to_string();
    let qn = t.unit_id("QN").await;
    let mut actors = vec![make_actor(&t, &admin, &qn, None).await];
    for role in Role::ALL {
        actors.push(make_actor(&t, &admin, &qn, Some(*role)).await);
    }

    let mut wrong = Vec::new();
    let mut checked = 0;
    // Sign-outs last: they end the session the other requests use.
    let mut order: Vec<_> = MATRIX.iter().collect();
    order.sort_by_key(|(m, p, _)| {
        matches!(
            (*m, *p),
            ("DELETE", "/api/v1/session") | ("POST", "/logout")
        )
    });
    for (method, route, access) in order {
        let sides: &[bool] = if matches!(access, Scoped(_)) {
            &[false, true]
        } else {
            &[false]
        };
        for actor in &actors {
            for &is_foreign in sides {
                let s = if is_foreign { &foreign } else { &own };
                let (status, location) =
                    send(&t, actor, method, route, s, &foreign_token, is_foreign).await;
                let seen = classify(status, &location, route);
                let want = expected(*access, actor, is_foreign);
                checked += 1;
                if seen != want {
                    wrong.push(format!(
                        "{method} {route} as {} ({}): expected {want:?}, got {status} {location}",
                        actor.name,
                        if is_foreign { "foreign" } else { "own" }
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} checks differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked > 1500, "only {checked} checks");
    // Hundreds of refused and accepted requests later, the audit chain is intact.
    let v = t.app.verify_audit().await.unwrap();
    assert!(
        matches!(v, qltt_store::audit::Verification::Intact { .. }),
        "{v:?}"
    );
}
on_both!(every_route_every_role_own_and_foreign, matrix);
