//! `GET /api/v1/search`: businesses, cases and documents in the caller's scope (and the office
//! documents routed to the caller, the drafts they wrote).

use axum::Json;
use axum::extract::State;
use qltt_app::search::SearchResults;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words of a name, address, owner, goods, tax code, phone or document number ("12/QĐ-XPHC");
    /// diacritics optional, one typo tolerated in words of 5+ letters, the last word may be
    /// unfinished (a trailing space marks it complete).
    pub q: Option<String>,
    /// business | case | document | office_document | office_draft (all when absent)
    pub kind: Option<String>,
    /// Results to skip (at most 1000).
    pub offset: Option<usize>,
    /// Results per page (1–50, default 20).
    pub limit: Option<usize>,
}

/// Searches the records of the caller's unit subtree, best match first.
#[utoipa::path(operation_id = "search", get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchResults>> {
    Ok(Json(
        state
            .app
            .search(
                &actor,
                p.q.as_deref().unwrap_or(""),
                p.kind.as_deref(),
                p.offset.unwrap_or(0),
                p.limit.unwrap_or(20),
            )
            .await?,
    ))
}
