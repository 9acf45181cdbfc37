//! The calculators of ins.md, open to every signed-in officer: `POST /api/v1/law/fine` and
//! `POST /api/v1/law/deadlines`. The request and response fields are the contract of ins.md.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use qltt_domain::law::OffenderKind;
use qltt_domain::law::deadlines::{DeadlineInput, Explanation};
use qltt_domain::law::fine::FineInput;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FineRequest {
    /// The frame as written in the decree (for an individual), in đồng.
    pub frame_min: i64,
    pub frame_max: i64,
    /// `individual` or `organization` (an organisation's frame is twice the written one).
    #[schema(value_type = String, example = "individual")]
    pub offender: OffenderKind,
    #[serde(default)]
    pub mitigating: u32,
    #[serde(default)]
    pub aggravating: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BasisItem {
    pub rule: String,
    pub citation: String,
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FineResponse {
    /// The default fine: the average of the offender's frame.
    pub amount: i64,
    /// The range the circumstances permit.
    pub allowed_min: i64,
    pub allowed_max: i64,
    /// The range is open at that end (Decree 118/2021 Art. 9 as amended: "above the minimum",
    /// "below the average").
    pub min_exclusive: bool,
    pub max_exclusive: bool,
    pub amount_in_words: String,
    /// Whether the offender has the right to explain (LHAV Art. 61(1)).
    pub explanation_right: bool,
    pub basis: Vec<BasisItem>,
}

fn basis(items: Vec<qltt_domain::law::Basis>) -> Vec<BasisItem> {
    items
        .into_iter()
        .map(|b| BasisItem {
            rule: b.rule.to_string(),
            citation: b.citation.to_string(),
            text: b.text,
        })
        .collect()
}

/// The fine for one act: the default amount and the range the circumstances allow.
#[utoipa::path(operation_id = "law_fine", post, path = "/api/v1/law/fine", request_body = FineRequest,
    responses((status = 200, body = FineResponse), (status = 400, body = ErrorBody)))]
pub async fn fine(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(req): ApiJson<FineRequest>,
) -> ApiResult<Json<FineResponse>> {
    let a = state.app.fine_calculator(
        &actor,
        &FineInput {
            frame_min: req.frame_min,
            frame_max: req.frame_max,
            offender: req.offender,
            mitigating: req.mitigating,
            aggravating: req.aggravating,
        },
    )?;
    Ok(Json(FineResponse {
        amount: a.amount,
        allowed_min: a.allowed_min,
        allowed_max: a.allowed_max,
        min_exclusive: a.min_exclusive,
        max_exclusive: a.max_exclusive,
        amount_in_words: a.amount_in_words,
        explanation_right: a.explanation_right,
        basis: basis(a.basis),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesRequest {
    /// The day of the violation record (YYYY-MM-DD).
    #[schema(value_type = String, format = Date)]
    pub recorded_on: NaiveDate,
    /// `none`, `oral` or `written`.
    #[schema(value_type = String, example = "written")]
    #[serde(default = "no_explanation")]
    pub explanation: Explanation,
    /// The facts need verification (the case is complex).
    #[serde(default)]
    pub verification: bool,
    /// Extended with the direct superior's written approval.
    #[serde(default)]
    pub extended: bool,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub decision_received_on: Option<NaiveDate>,
}

fn no_explanation() -> Explanation {
    Explanation::None
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadlinesResponse {
    #[schema(value_type = Option<String>, format = Date)]
    pub explanation_due: Option<NaiveDate>,
    #[schema(value_type = String, format = Date)]
    pub decision_due: NaiveDate,
    #[schema(value_type = Option<String>, format = Date)]
    pub payment_due: Option<NaiveDate>,
    pub basis: Vec<BasisItem>,
}

/// The deadlines that run from a violation record, on the working-day calendar.
#[utoipa::path(operation_id = "law_deadlines", post, path = "/api/v1/law/deadlines", request_body = DeadlinesRequest,
    responses((status = 200, body = DeadlinesResponse), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn deadlines(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(req): ApiJson<DeadlinesRequest>,
) -> ApiResult<Json<DeadlinesResponse>> {
    let d = state
        .app
        .deadline_calculator(
            &actor,
            &DeadlineInput {
                recorded_on: req.recorded_on,
                explanation: req.explanation,
                verification: req.verification,
                extended: req.extended,
                decision_received_on: req.decision_received_on,
            },
        )
        .await?;
    Ok(Json(DeadlinesResponse {
        explanation_due: d.explanation_due,
        decision_due: d.decision_due,
        payment_due: d.payment_due,
        basis: basis(d.basis),
    }))
}
