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
pub mod reports;
pub mod search;
pub mod session;
pub mod stock_counts;
pub mod tokens;
pub mod units;
pub mod users;
pub mod violation_types;

use axum::Router;
use axum::http::{Method, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
        cases::list, cases::create, cases::get_one, cases::act, cases::steps, cases::queues, cases::events,
        violation_types::list, violation_types::get_one,
        businesses::list, businesses::create, businesses::get_one, businesses::change, businesses::history, businesses::import, businesses::merge,
        documents::get_one, documents::pdf, documents::correct,
        search::search,
        reports::summary,
        commitments::list, commitments::create, commitments::get_one, commitments::record, commitments::withdraw,
        exhibits::list, exhibits::create, exhibits::get_one, exhibits::move_lot, exhibits::custody, exhibits::label,
        exhibits::warehouses, exhibits::create_warehouse, exhibits::cameras, exhibits::register_camera,
        exhibits::upload, exhibits::download,
        stock_counts::list, stock_counts::open, stock_counts::get_one, stock_counts::record_line,
        stock_counts::close, stock_counts::explain,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
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

pub fn router(state: AppState) -> Router<AppState> {
    let v1 = Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(session::login).delete(session::logout))
        .route("/me", get(session::me))
        .route("/units", get(units::list).post(units::create))
        .route("/units/{id}", get(units::get_one).patch(units::change))
        .route("/units/{id}/merge", post(units::merge))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get_one))
        .route("/users/{id}/deactivate", post(users::deactivate))
        .route("/users/{id}/reactivate", post(users::reactivate))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", axum::routing::delete(tokens::revoke))
        .route("/audit", get(audit::list))
        .route("/calendar/{year}", get(calendar::year))
        .route(
            "/calendar/days/{date}",
            axum::routing::put(calendar::set_day).delete(calendar::clear_day),
        )
        .route("/law/fine", post(law::fine))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/{id}", get(cases::get_one))
        .route("/cases/{id}/actions/{action}", post(cases::act))
        .route("/cases/{id}/steps", get(cases::steps))
        .route("/documents/{id}", get(documents::get_one))
        .route("/documents/{id}/pdf", get(documents::pdf))
        .route("/documents/{id}/corrections", post(documents::correct))
        .route("/queues", get(cases::queues))
        .route("/search", get(search::search))
        .route("/reports/summary", get(reports::summary))
        .route("/reports/summary.csv", get(reports::summary_csv))
        .route("/reports/summary.xlsx", get(reports::summary_xlsx))
        .route("/events", get(cases::events))
        .route("/law/deadlines", post(law::deadlines))
        .route("/violation-types", get(violation_types::list))
        .route("/violation-types/{id}", get(violation_types::get_one))
        .route(
            "/businesses",
            get(businesses::list).post(businesses::create),
        )
        .route(
            "/businesses/{id}",
            get(businesses::get_one).patch(businesses::change),
        )
        .route("/businesses/{id}/history", get(businesses::history))
        .route("/businesses/{id}/merge", post(businesses::merge))
        .route(
            "/commitment-campaigns",
            get(commitments::list).post(commitments::create),
        )
        .route("/commitment-campaigns/{id}", get(commitments::get_one))
        .route(
            "/commitment-campaigns/{id}/commitments",
            post(commitments::record),
        )
        .route("/commitments/{id}/withdraw", post(commitments::withdraw))
        .route("/exhibits", get(exhibits::list).post(exhibits::create))
        .route("/exhibits/{id}", get(exhibits::get_one))
        .route("/exhibits/{id}/moves", post(exhibits::move_lot))
        .route("/exhibits/{id}/custody", get(exhibits::custody))
        .route("/exhibits/{id}/label", get(exhibits::label))
        .route(
            "/warehouses/{id}/counts",
            get(stock_counts::list).post(stock_counts::open),
        )
        .route("/stock-counts/{id}", get(stock_counts::get_one))
        .route("/stock-counts/{id}/lines", post(stock_counts::record_line))
        .route("/stock-counts/{id}/close", post(stock_counts::close))
        .route("/stock-counts/{id}/explain", post(stock_counts::explain))
        .route(
            "/warehouses",
            get(exhibits::warehouses).post(exhibits::create_warehouse),
        )
        .route(
            "/warehouses/{id}/cameras",
            get(exhibits::cameras).post(exhibits::register_camera),
        )
        .route(
            "/files",
            post(exhibits::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::MAX_IMPORT_BODY as usize,
            )),
        )
        .route("/files/{id}", get(exhibits::download))
        .route(
            "/businesses/import",
            post(businesses::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::MAX_IMPORT_BODY as usize,
            )),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state,
            crate::idempotency::layer,
        ));
    Router::new()
        .route("/healthz", get(health::healthz))
        .nest("/api/v1", v1)
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
