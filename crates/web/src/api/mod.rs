//! The JSON API under `/api/v1` and its OpenAPI document.

pub mod audit;
pub mod businesses;
pub mod calendar;
pub mod cases;
pub mod commitments;
pub mod documents;
pub mod exhibits;
pub mod health;
pub mod law;
pub mod office;
pub mod office_drafts;
pub mod periodic_reports;
pub mod reports;
pub mod search;
pub mod session;
pub(crate) mod sse;
pub mod stock_counts;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod users;
pub mod violation_types;

use axum::Router;
use axum::http::{Method, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};

use crate::routes::{RouteRow, routes};
use qltt_app::ErrorKind;
use utoipa::OpenApi;

use crate::AppState;
use crate::error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(title = "QLTT API", version = "1", description = "Market surveillance (Quản lý thị trường): the contract of design/api.md. Errors use the body {\"error\":{\"code\",\"message\",\"details\"}}."),
    paths(
        health::healthz,
        session::login, session::logout, session::me,
        units::list, units::create, units::get_one, units::change, units::merge,
        users::list, users::create, users::get_one, users::deactivate, users::reactivate,
        tokens::list, tokens::create, tokens::revoke,
        audit::list,
        calendar::year, calendar::set_day, calendar::clear_day,
        law::fine, law::deadlines,
        cases::list, cases::create, cases::get_one, cases::act, cases::preview, cases::steps, cases::queues, cases::events,
        violation_types::list, violation_types::get_one,
        businesses::list, businesses::create, businesses::get_one, businesses::change, businesses::history, businesses::import, businesses::merge,
        documents::get_one, documents::pdf, documents::correct, documents::annul, documents::publish, documents::unpublish,
        search::search,
        reports::summary, reports::deadlines,
        commitments::list, commitments::create, commitments::get_one, commitments::record, commitments::withdraw,
        exhibits::list, exhibits::create, exhibits::get_one, exhibits::move_lot, exhibits::custody, exhibits::label,
        exhibits::warehouses, exhibits::create_warehouse, exhibits::cameras, exhibits::register_camera,
        exhibits::upload, exhibits::download,
        stock_counts::list, stock_counts::open, stock_counts::get_one, stock_counts::record_line,
        stock_counts::close, stock_counts::explain,
        office::list, office::create, office::get_one, office::act, office::text, office::text_retry, office::confirm_receipt,
        office::access, office::grant_access, office::revoke_access,
        office::directives, office::send, office::directive, office::receipts, office::read,
        office::acknowledge, office::events,
        office_drafts::list, office_drafts::create, office_drafts::get_one, office_drafts::edit,
        office_drafts::act, office_drafts::text_retry,
        tasks::list, tasks::create, tasks::get_one, tasks::act,
        periodic_reports::list, periodic_reports::create, periodic_reports::get_one,
        periodic_reports::board, periodic_reports::prefill, periodic_reports::submit,
        periodic_reports::submission, periodic_reports::review, periodic_reports::deactivate, periodic_reports::edit, periodic_reports::events,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth, &CommonErrors),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The refusals every operation of a kind can answer, documented on each so that a client (and
/// schemathesis, which checks every status against the document) is never told of a status the
/// document does not list: 401 where a bearer token is required (none, expired or revoked), 403
/// there too (each route checks the officer's permission and scope), 400 where a path, query or
/// body is read (a value that does not parse), 404 where the path names an object, and 422 on
/// writes (a rule refuses the input). Operations keep the responses they document themselves.
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let writes = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            let reads = [&mut item.get];
            for (write, op) in writes
                .into_iter()
                .map(|op| (true, op))
                .chain(reads.into_iter().map(|op| (false, op)))
            {
                let Some(op) = op.as_mut() else { continue };
                // `security(())` (sign-in, health) is an empty requirement: no token needed.
                let public = op.security.as_ref().is_some_and(|reqs| {
                    reqs.iter().all(|r| {
                        serde_json::to_value(r)
                            .is_ok_and(|v| v.as_object().is_some_and(|m| m.is_empty()))
                    })
                });
                let reads_input = path.contains('{')
                    || op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description).into());
                };
                if reads_input {
                    add("400", "Tham số hoặc dữ liệu gửi lên không đọc được.");
                }
                if !public {
                    add(
                        "401",
                        "Chưa đăng nhập, hoặc mã truy cập đã hết hạn hay bị thu hồi.",
                    );
                    add("403", "Không có quyền hoặc ngoài phạm vi đơn vị.");
                }
                if path.contains('{') {
                    add("404", "Không có đối tượng này trong phạm vi của bạn.");
                }
                if write {
                    add("422", "Dữ liệu không hợp lệ hoặc bị quy định từ chối.");
                }
            }
        }
    }
}

/// The routes under `/api/v1` and their table (see [`crate::routes`]).
pub fn v1_routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/openapi.json" => get(openapi),
        "/session" => post(session::login).delete(session::logout),
        "/me" => get(session::me),
        "/units" => get(units::list).post(units::create),
        "/units/{id}" => get(units::get_one).patch(units::change),
        "/units/{id}/merge" => post(units::merge),
        "/users" => get(users::list).post(users::create),
        "/users/{id}" => get(users::get_one),
        "/users/{id}/deactivate" => post(users::deactivate),
        "/users/{id}/reactivate" => post(users::reactivate),
        "/tokens" => get(tokens::list).post(tokens::create),
        "/tokens/{id}" => delete(tokens::revoke),
        "/audit" => get(audit::list),
        "/calendar/{year}" => get(calendar::year),
        "/calendar/days/{date}" => put(calendar::set_day).delete(calendar::clear_day),
        "/law/fine" => post(law::fine),
        "/cases" => get(cases::list).post(cases::create),
        "/cases/{id}" => get(cases::get_one),
        "/cases/{id}/actions/{action}" => post(cases::act),
        "/cases/{id}/actions/{action}/preview" => post(cases::preview),
        "/cases/{id}/steps" => get(cases::steps),
        "/documents/{id}" => get(documents::get_one),
        "/documents/{id}/pdf" => get(documents::pdf),
        "/documents/{id}/corrections" => post(documents::correct),
        "/documents/{id}/annul" => post(documents::annul),
        "/documents/{id}/publish" => post(documents::publish),
        "/documents/{id}/unpublish" => post(documents::unpublish),
        "/queues" => get(cases::queues),
        "/search" => get(search::search),
        "/reports/summary" => get(reports::summary),
        "/reports/deadlines" => get(reports::deadlines),
        "/reports/summary.csv" => get(reports::summary_csv),
        "/reports/summary.xlsx" => get(reports::summary_xlsx),
        "/reports/summary.pdf" => get(reports::summary_pdf),
        "/events" => get(cases::events),
        "/law/deadlines" => post(law::deadlines),
        "/violation-types" => get(violation_types::list),
        "/violation-types/{id}" => get(violation_types::get_one),
        "/businesses" => get(businesses::list).post(businesses::create),
        "/businesses/{id}" => get(businesses::get_one).patch(businesses::change),
        "/businesses/{id}/history" => get(businesses::history),
        "/businesses/{id}/merge" => post(businesses::merge),
        "/commitment-campaigns" => get(commitments::list).post(commitments::create),
        "/commitment-campaigns/{id}" => get(commitments::get_one),
        "/commitment-campaigns/{id}/commitments" => post(commitments::record),
        "/commitments/{id}/withdraw" => post(commitments::withdraw),
        "/exhibits" => get(exhibits::list).post(exhibits::create),
        "/exhibits/{id}" => get(exhibits::get_one),
        "/exhibits/{id}/moves" => post(exhibits::move_lot),
        "/exhibits/{id}/custody" => get(exhibits::custody),
        "/exhibits/{id}/label" => get(exhibits::label),
        "/warehouses/{id}/counts" => get(stock_counts::list).post(stock_counts::open),
        "/stock-counts/{id}" => get(stock_counts::get_one),
        "/stock-counts/{id}/lines" => post(stock_counts::record_line),
        "/stock-counts/{id}/close" => post(stock_counts::close),
        "/stock-counts/{id}/explain" => post(stock_counts::explain),
        "/warehouses" => get(exhibits::warehouses).post(exhibits::create_warehouse),
        "/warehouses/{id}/cameras" => get(exhibits::cameras).post(exhibits::register_camera),
        "/files" => post(exhibits::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        "/files/{id}" => get(exhibits::download),
        "/office-documents" => get(office::list).post(office::create),
        "/office-documents/{id}" => get(office::get_one),
        "/office-documents/{id}/actions/{action}" => post(office::act),
        "/office-documents/{id}/text" => get(office::text),
        "/office-documents/{id}/text/retry" => post(office::text_retry),
        "/office-documents/{id}/receipt" => post(office::confirm_receipt),
        "/office-documents/{id}/access" => get(office::access).post(office::grant_access),
        "/office-documents/{id}/access/{user_id}" => delete(office::revoke_access),
        "/office-documents/drafts" => get(office_drafts::list).post(office_drafts::create),
        "/office-documents/drafts/{id}" => get(office_drafts::get_one).patch(office_drafts::edit),
        "/office-documents/drafts/{id}/actions/{action}" => post(office_drafts::act),
        "/office-documents/drafts/{id}/text/retry" => post(office_drafts::text_retry),
        "/tasks" => get(tasks::list).post(tasks::create),
        "/tasks/{id}" => get(tasks::get_one),
        "/tasks/{id}/actions/{action}" => post(tasks::act),
        "/periodic-reports" => get(periodic_reports::list).post(periodic_reports::create),
        "/periodic-reports/{id}" => get(periodic_reports::get_one).patch(periodic_reports::edit),
        "/periodic-reports/{id}/board" => get(periodic_reports::board),
        "/periodic-reports/{id}/prefill" => get(periodic_reports::prefill),
        "/periodic-reports/{id}/submissions" => post(periodic_reports::submit),
        "/periodic-reports/{id}/deactivate" => post(periodic_reports::deactivate),
        "/periodic-reports/{id}/events" => get(periodic_reports::events),
        "/periodic-reports/submissions/{id}" => get(periodic_reports::submission),
        "/periodic-reports/submissions/{id}/actions/{action}" => post(periodic_reports::review),
        "/directives" => get(office::directives).post(office::send),
        "/directives/{id}" => get(office::directive),
        "/directives/{id}/receipts" => get(office::receipts),
        "/directives/{id}/read" => post(office::read),
        "/directives/{id}/acknowledge" => post(office::acknowledge),
        "/directives/{id}/events" => get(office::events),
        "/businesses/import" => post(businesses::import).layer(axum::extract::DefaultBodyLimit::max( crate::MAX_IMPORT_BODY as usize, )),
    }
}

/// The routes outside `/api/v1`.
pub fn root_routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/healthz" => get(health::healthz),
    }
}

pub fn router(state: AppState) -> Router<AppState> {
    let v1 = v1_routes()
        .0
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state,
            crate::idempotency::layer,
        ));
    root_routes().0.nest("/api/v1", v1)
}

async fn openapi() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}

async fn not_found(uri: Uri) -> Response {
    ApiError::new(
        ErrorKind::NotFound,
        "route.not_found",
        format!("Không có địa chỉ {} trong API.", uri.path()),
    )
    .into_response()
}

async fn method_not_allowed(method: Method) -> Response {
    let mut resp = ApiError::new(
        ErrorKind::BadInput,
        "route.method_not_allowed",
        format!("Phương thức {method} không được hỗ trợ ở địa chỉ này."),
    )
    .into_response();
    *resp.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    resp
}

/// A list with its cursor for the next page.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ListOf<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
