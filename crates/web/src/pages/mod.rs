//! Server-rendered pages (Vietnamese, phone-first). They call the same use cases as the API; the
//! CSRF guard wraps every unsafe request here.

pub mod audit;
pub mod businesses;
pub mod calendar;
pub mod cases;
pub mod charts;
pub mod commitments;
pub mod document_annul;
pub mod documents;
pub mod exhibit_register;
pub mod exhibits;
pub mod home;
pub mod layout;
pub mod login;
pub mod multipart;
pub mod office;
pub mod office_drafts;
pub mod officers;
pub mod open_data;
pub mod org;
pub mod periodic_reports;
pub mod reports;
pub mod search;
pub mod stock_counts;
pub mod tasks;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::routes::{RouteRow, routes};
use axum_extra::extract::CookieJar;
use qltt_app::{Actor, AppError, ErrorKind};

use crate::AppState;
use crate::extract::SESSION_COOKIE;
pub use layout::Layout;

/// The pages behind the CSRF guard (every unsafe request carries the session's token).
fn guarded_routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/" => get(home::home),
        "/login" => get(login::form).post(login::submit),
        "/logout" => post(login::logout),
        "/org" => get(org::tree).post(org::create),
        "/org/{id}" => get(org::detail).post(org::act),
        "/officers" => get(officers::list).post(officers::create),
        "/officers/new" => get(officers::new_form),
        "/officers/{id}" => get(officers::detail),
        "/officers/{id}/active" => post(officers::set_active),
        "/audit" => get(audit::log),
        "/businesses" => get(businesses::list).post(businesses::create),
        "/businesses/new" => get(businesses::new_form),
        "/businesses/{id}" => get(businesses::detail),
        "/businesses/{id}/edit" => get(businesses::edit_form).post(businesses::update),
        "/businesses/{id}/merge" => get(businesses::merge::form).post(businesses::merge::submit),
        "/calendar" => get(calendar::show).post(calendar::change),
        "/exhibits" => get(exhibits::list),
        "/exhibits/{id}" => get(exhibits::detail).post(exhibits::record_move),
        "/exhibits/scan" => get(exhibits::scan),
        "/exhibits/lot/{lot_no}" => get(exhibits::by_lot),
        "/exhibits/{id}/label.pdf" => get(exhibits::label),
        "/cases/{id}/labels.pdf" => get(exhibits::case_labels),
        "/warehouses" => get(exhibits::warehouses).post(exhibits::warehouses_act),
        "/files/{sha256}" => get(exhibits::file),
        "/warehouses/{id}/counts" => post(stock_counts::open),
        "/stock-counts/{id}" => get(stock_counts::show).post(stock_counts::act),
        "/cases" => get(cases::list).post(cases::create),
        "/cases/new" => get(cases::new_form),
        "/cases/{id}" => get(cases::detail),
        "/cases/{id}/actions/{action}/preview" => post(cases::preview),
        "/documents/{id}/annul" => get(document_annul::form).post(document_annul::submit),
        "/commitments" => get(commitments::list).post(commitments::create),
        "/commitments/{id}" => get(commitments::detail).post(commitments::act),
        "/office" => get(office::list).post(office::register),
        "/office/{id}" => get(office::detail).post(office::act),
        "/office/drafts" => get(office_drafts::list).post(office_drafts::create),
        "/office/drafts/{id}" => get(office_drafts::detail).post(office_drafts::act),
        "/tasks" => get(tasks::list).post(tasks::create),
        "/tasks/{id}" => get(tasks::detail).post(tasks::act),
        "/periodic-reports" => get(periodic_reports::list).post(periodic_reports::define),
        "/periodic-reports/submissions/{id}" => get(periodic_reports::submission).post(periodic_reports::review),
        "/periodic-reports/{id}/deactivate" => post(periodic_reports::deactivate),
        "/periodic-reports/{id}/edit" => post(periodic_reports::edit),
        "/periodic-reports/{id}/events" => get(periodic_reports::events),
        "/directives" => get(office::directives).post(office::send),
        "/directives/{id}" => get(office::directive),
        "/directives/{id}/acknowledge" => post(office::acknowledge),
        "/directives/{id}/events" => get(office::events),
        "/queues" => get(cases::queues::queues),
        "/search" => get(search::search),
        "/reports" => get(reports::dashboard),
        "/events" => get(cases::queues::events),
    }
}

/// Every page route and the route table (see [`crate::routes`]).
pub fn routes() -> (Router<AppState>, Vec<RouteRow>) {
    let mut table = guarded_routes().1;
    for (_, rows) in [
        businesses::import::routes(),
        exhibit_register::routes(),
        periodic_reports::routes(),
        documents::routes(),
        open_data::routes(),
    ] {
        table.extend(rows);
    }
    (Router::new(), table)
}

pub fn router(state: AppState) -> Router<AppState> {
    guarded_routes()
        .0
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state, crate::csrf::guard))
        // A file upload (multipart): its handler checks the CSRF token itself.
        .merge(businesses::import::routes().0)
        .merge(exhibit_register::routes().0)
        .merge(periodic_reports::routes().0)
        // Public verification with a side-effect-free upload (no session, no CSRF token).
        .merge(documents::routes().0)
        // Open data: public downloads, nothing to change.
        .merge(open_data::routes().0)
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
