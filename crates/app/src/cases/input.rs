//! What each step of a case takes (the request body of `POST /api/v1/cases/{id}/actions/{action}`),
//! with the minimum fields of ins.md and what the forms need. Every text is bounded; the validated
//! payload is what the step's document records.

use chrono::{DateTime, NaiveDate, Utc};
use qltt_domain::DomainError;
use qltt_domain::law::OffenderKind;
use qltt_domain::text::{bounded, bounded_text};
use serde::{Deserialize, Serialize};

/// Long free text (facts, findings, explanations) and short lines (names, places).
pub const TEXT_MAX: usize = 20_000;
pub const LINE_MAX: usize = 500;
/// Lists (team, acts, exhibits, witnesses) are capped so a request cannot grow without bound.
pub const LIST_MAX: usize = 100;

pub fn line(field: &'static str, raw: &str, required: bool) -> Result<String, DomainError> {
    bounded(field, raw, LINE_MAX, required)
}

pub fn text(field: &'static str, raw: &str, required: bool) -> Result<String, DomainError> {
    bounded_text(field, raw, TEXT_MAX, required)
}

pub fn lines(field: &'static str, raw: &[String]) -> Result<Vec<String>, DomainError> {
    capped(field, raw)?;
    raw.iter()
        .map(|s| line(field, s, true))
        .collect::<Result<Vec<_>, _>>()
}

pub fn capped<T>(field: &'static str, list: &[T]) -> Result<(), DomainError> {
    if list.len() > LIST_MAX {
        return Err(DomainError::invalid(
            field,
            "validation.too_many",
            format!("Tối đa {LIST_MAX} mục."),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseInput {
    pub business_id: Option<String>,
    pub unit_id: String,
    /// plan | signs | tip | caught_in_act | ecommerce
    pub origin: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    /// Content and scope of the proposed ad-hoc inspection.
    pub content: String,
    #[serde(default)]
    pub suspected_violation: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub proposed_start_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: String,
}

/// An agency that took part (joint inspections with police, customs, tax…).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JointAgency {
    /// police | customs | tax | health | agriculture | border_guard | other
    pub agency: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub officers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideInspectionInput {
    /// Officer ids of the inspection team; the first is the head of the team unless `team_head`.
    pub inspection_team: Vec<String>,
    pub team_head: Option<String>,
    pub scope: String,
    #[schema(value_type = String, format = Date)]
    pub start_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end_on: NaiveDate,
    /// The signer is a deputy acting under a written delegation (giao quyền); give its number.
    #[serde(default)]
    pub delegation_no: Option<String>,
    #[serde(default)]
    pub joint_agencies: Vec<JointAgency>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInspectionInput {
    #[schema(value_type = String, format = DateTime)]
    pub inspected_at: DateTime<Utc>,
    pub place: String,
    pub findings: String,
    pub violation_found: bool,
    #[serde(default)]
    pub joint_agencies: Vec<JointAgency>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Offender {
    /// individual | organization
    #[schema(value_type = String)]
    pub kind: OffenderKind,
    pub name: String,
    /// Identity card (CCCD) for an individual, tax code for an organisation.
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub address: String,
    /// For an organisation: its legal representative.
    #[serde(default)]
    pub representative: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActInput {
    /// The catalogue code ("D98-15-1"); the version in force on the act's date is used.
    pub violation_type_id: String,
    pub facts: String,
    #[serde(default)]
    pub mitigating: Vec<String>,
    #[serde(default)]
    pub aggravating: Vec<String>,
    /// The day a finished act ended; null for an act still going on when discovered (the
    /// limitation then runs from discovery, LHAV Art. 6(1)(b)).
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExhibitInput {
    pub description: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit_of_measure: String,
    #[serde(default)]
    pub estimated_value: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordViolationInput {
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: DateTime<Utc>,
    pub place: String,
    pub offender: Offender,
    pub violations: Vec<ActInput>,
    #[serde(default)]
    pub exhibits: Vec<ExhibitInput>,
    #[serde(default)]
    pub witnesses: Vec<Witness>,
    /// The offender refused to sign; the record then needs a witness or the local authority.
    #[serde(default)]
    pub refused_to_sign: bool,
    /// A PNG data URL of the offender's signature from the signature pad.
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// The facts need verification (30-day decision period, LHAV Art. 66(1)).
    #[serde(default)]
    pub verification: bool,
    /// The offender's statement written in the record.
    #[serde(default)]
    pub offender_statement: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestExplanationInput {
    /// oral | written
    pub mode: String,
    #[schema(value_type = String, format = Date)]
    pub requested_on: NaiveDate,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordExplanationInput {
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
    pub content: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeizeInput {
    #[schema(value_type = String, format = Date)]
    pub seized_on: NaiveDate,
    pub items: Vec<ExhibitInput>,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FineLine {
    /// The catalogue code of an act of the violation record.
    pub violation_type_id: String,
    pub amount: i64,
    /// Why this amount, required when it is not the frame's average.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueSanctionInput {
    #[schema(value_type = String, format = Date)]
    pub issued_on: NaiveDate,
    pub fines: Vec<FineLine>,
    #[serde(default)]
    pub additional_penalties: Vec<String>,
    #[serde(default)]
    pub remedial_measures: Vec<String>,
    /// Days for voluntary execution when the decision gives more than the law's 10 (Art. 73).
    #[serde(default)]
    pub payment_days: Option<u32>,
    /// The extension of the decision period approved in writing by the direct superior.
    #[serde(default)]
    pub extension_approval_no: Option<String>,
    #[serde(default)]
    pub delegation_no: Option<String>,
    /// The case's exhibit lots the decision confiscates (LHAV Art. 26): a lot's id for the
    /// whole lot, or `{"id", "quantity"}` for part of it (the part is split off as its own lot).
    /// They move to "awaiting disposal" with the decision; what is not named is to be returned
    /// (Art. 126).
    #[serde(default)]
    pub confiscated_exhibits: Vec<LotPick>,
}

/// A lot a decision confiscates: its id (the whole lot), or its id and the quantity taken.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum LotPick {
    Whole(String),
    Part(LotPart),
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LotPart {
    pub id: String,
    /// "80", "12,5" or a number, in the lot's unit of measure.
    #[schema(value_type = Object)]
    pub quantity: serde_json::Value,
}

impl LotPick {
    pub fn id(&self) -> &str {
        match self {
            LotPick::Whole(id) => id,
            LotPick::Part(p) => &p.id,
        }
    }
}

impl From<String> for LotPick {
    fn from(id: String) -> Self {
        LotPick::Whole(id)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoSanctionInput {
    #[schema(value_type = String, format = Date)]
    pub decided_on: NaiveDate,
    pub reason: String,
    #[serde(default)]
    pub confiscation: Vec<String>,
    /// The case's exhibit lots confiscated although no sanction is imposed (LHAV Art. 65), as
    /// for a sanction decision (whole lots by id, or `{"id", "quantity"}`).
    #[serde(default)]
    pub confiscated_exhibits: Vec<LotPick>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverInput {
    #[schema(value_type = String, format = Date)]
    pub delivered_on: NaiveDate,
    /// The offender refused to receive it (a record with the local authority's confirmation
    /// counts as delivery, LHAV Art. 70).
    #[serde(default)]
    pub refused: bool,
    #[serde(default)]
    pub witnesses: Vec<Witness>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    #[schema(value_type = String, format = Date)]
    pub paid_on: NaiveDate,
    pub amount: i64,
    pub receipt_no: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Instalment {
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub amount: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstalmentsInput {
    #[schema(value_type = String, format = Date)]
    pub decided_on: NaiveDate,
    pub plan: Vec<Instalment>,
    /// Who certified the economic hardship (commune People's Committee, workplace, tax office…).
    pub hardship_certified_by: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostponeInput {
    #[schema(value_type = String, format = Date)]
    pub decided_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub until: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoercionInput {
    #[schema(value_type = String, format = Date)]
    pub decided_on: NaiveDate,
    /// e.g. deduction from salary, from the account, seizure of assets (LHAV Art. 86).
    pub measure: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    #[schema(value_type = String, format = Date)]
    pub decided_on: NaiveDate,
    /// The investigation agency receiving the dossier.
    pub agency: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    #[schema(value_type = String, format = Date)]
    pub closed_on: NaiveDate,
    #[serde(default)]
    pub note: String,
}
