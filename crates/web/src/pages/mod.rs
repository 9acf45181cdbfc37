//! Server-rendered pages (Vietnamese, phone-first). They call the same use cases as the API; the
//! CSRF guard wraps every unsafe request here.

pub mod audit;
pub mod businesses;
pub mod calendar;
pub mod cases;
pub mod charts;
pub mod commitments;
pub mod documents;
pub mod exhibit_register;
pub mod exhibits;
pub mod home;
pub mod layout;
pub mod login;
pub mod officers;
pub mod org;
pub mod reports;
pub mod search;
pub mod stock_counts;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use qltt_app::{Actor, AppError, ErrorKind};

use crate::AppState;
use crate::extract::SESSION_COOKIE;
pub use layout::Layout;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/org", get(org::tree).post(org::create))
        .route("/org/{id}", get(org::detail).post(org::act))
        .route("/officers", get(officers::list).post(officers::create))
        .route("/officers/new", get(officers::new_form))
        .route("/officers/{id}", get(officers::detail))
        .route("/officers/{id}/active", post(officers::set_active))
        .route("/audit", get(audit::log))
        .route(
            "/businesses",
            get(businesses::list).post(businesses::create),
        )
        .route("/businesses/new", get(businesses::new_form))
        .route("/businesses/{id}", get(businesses::detail))
        .route(
            "/businesses/{id}/edit",
            get(businesses::edit_form).post(businesses::update),
        )
        .route(
            "/businesses/{id}/merge",
            get(businesses::merge::form).post(businesses::merge::submit),
        )
        .route("/calendar", get(calendar::show).post(calendar::change))
        .route("/exhibits", get(exhibits::list))
        .route(
            "/exhibits/{id}",
            get(exhibits::detail).post(exhibits::record_move),
        )
        .route("/exhibits/scan", get(exhibits::scan))
        .route("/exhibits/lot/{lot_no}", get(exhibits::by_lot))
        .route("/exhibits/{id}/label.pdf", get(exhibits::label))
        .route("/cases/{id}/labels.pdf", get(exhibits::case_labels))
        .route(
            "/warehouses",
            get(exhibits::warehouses).post(exhibits::warehouses_act),
        )
        .route("/files/{sha256}", get(exhibits::file))
        .route("/warehouses/{id}/counts", post(stock_counts::open))
        .route(
            "/stock-counts/{id}",
            get(stock_counts::show).post(stock_counts::act),
        )
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/new", get(cases::new_form))
        .route("/cases/{id}", get(cases::detail))
        .route(
            "/commitments",
            get(commitments::list).post(commitments::create),
        )
        .route(
            "/commitments/{id}",
            get(commitments::detail).post(commitments::act),
        )
        .route("/queues", get(cases::queues::queues))
        .route("/search", get(search::search))
        .route("/reports", get(reports::dashboard))
        .route("/events", get(cases::queues::events))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state, crate::csrf::guard))
        // A file upload (multipart): its handler checks the CSRF token itself.
        .merge(businesses::import::routes())
        .merge(exhibit_register::routes())
        // Public verification with a side-effect-free upload (no session, no CSRF token).
        .merge(documents::routes())
}

/// The signed-in officer of a page request; without a valid session the browser is sent to the
/// sign-in page and brought back afterwards.
pub struct PageActor(pub Actor);

impl FromRequestParts<AppState> for PageActor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(c) = jar.get(SESSION_COOKIE)
            && let Ok(actor) = state.app.authenticate(c.value()).await
        {
            return Ok(PageActor(actor));
        }
        let here = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.to_string())
            .unwrap_or_else(|| parts.uri.to_string());
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        Err(Redirect::to(&format!("/login?next={next}")).into_response())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
    code: String,
}

/// An error as a page, with the status the API would give.
pub fn error_page(layout: Layout, e: &AppError) -> Response {
    let status = crate::error::status_of(e.kind);
    let page = ErrorPage {
        layout,
        status: status.as_u16(),
        message: e.message.clone(),
        code: e.code.to_string(),
    };
    (status, render(&page)).into_response()
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Lỗi hiển thị trang.").into_response()
        }
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    // "/api/v1/" and other API-looking paths that no route took still answer in JSON.
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::new(
            ErrorKind::NotFound,
            "route.not_found",
            format!("Không có địa chỉ {} trong API.", uri.path()),
        )
        .into_response();
    }
    let e = AppError::new(
        ErrorKind::NotFound,
        "route.not_found",
        "Không tìm thấy trang này.",
    );
    error_page(Layout::anonymous("Không tìm thấy"), &e)
}
