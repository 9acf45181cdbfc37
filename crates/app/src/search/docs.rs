//! What the index holds for a business, a case and a document, built from committed rows.

use std::collections::HashMap;

use qltt_domain::business::BusinessKind;
use qltt_domain::case::{CaseState, DocumentKind, Origin};
use qltt_search::{Kind, PUBLIC_SCOPE, SearchDoc};
use qltt_store::businesses::BusinessRow;
use qltt_store::cases::CaseRow;
use qltt_store::documents::DocumentRow;
use sqlx::AnyPool;

use crate::AppResult;
use crate::open_data::OpenDecision;

/// The upward links of every unit (parent and merge successor), loaded once per indexing pass: a
/// few hundred rows nationally.
pub(crate) struct UnitTree {
    up: HashMap<String, Vec<String>>,
}

impl UnitTree {
    pub(crate) async fn load(pool: &AnyPool) -> AppResult<UnitTree> {
        let rows: Vec<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, parent_id, merged_into FROM units")
                .fetch_all(pool)
                .await
                .map_err(crate::AppError::internal)?;
        let up = rows
            .into_iter()
            .map(|(id, parent, merged)| (id, parent.into_iter().chain(merged).collect()))
            .collect();
        Ok(UnitTree { up })
    }

    /// The unit and every unit above it: exactly the units whose subtree (store::units
    /// SCOPE_SUBQUERY: children and units merged into them) contains it.
    pub(crate) fn scope_of(&self, unit_id: &str) -> Vec<String> {
        let mut out = vec![unit_id.to_string()];
        let mut i = 0;
        while let Some(u) = out.get(i) {
            for next in self.up.get(u).into_iter().flatten() {
                if !out.contains(next) {
                    out.push(next.clone());
                }
            }
            i += 1;
        }
        out
    }
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(crate) fn business(units: &UnitTree, b: &BusinessRow) -> SearchDoc {
    let kind = BusinessKind::parse(&b.kind)
        .map(|k| k.label())
        .unwrap_or_default();
    let mut identifiers: Vec<String> = b.tax_code.iter().cloned().collect();
    let phone: String = b.phone.chars().filter(char::is_ascii_digit).collect();
    if !phone.is_empty() {
        identifiers.push(phone);
    }
    if !b.registration_no.is_empty() {
        identifiers.push(b.registration_no.clone());
    }
    SearchDoc {
        id: b.id.clone(),
        kind: Kind::Business,
        unit_id: b.unit_id.clone(),
        scope: units.scope_of(&b.unit_id),
        officers: Vec::new(),
        secret_scope: Vec::new(),
        title: b.name.clone(),
        subtitle: join(&[&b.address, b.tax_code.as_deref().unwrap_or_default()]),
        body: [
            kind,
            &b.representative,
            &b.province,
            &b.commune,
            &b.business_lines,
            &b.phone,
            &b.email,
            &b.website,
        ]
        .join("\n"),
        identifiers,
    }
}

pub(crate) fn case(
    units: &UnitTree,
    c: &CaseRow,
    business: Option<&BusinessRow>,
    documents: &[DocumentRow],
) -> SearchDoc {
    let state = CaseState::parse(&c.state)
        .map(|s| s.label())
        .unwrap_or_default();
    let origin = Origin::parse(&c.origin)
        .map(|o| o.label())
        .unwrap_or_default();
    let name = business.map(|b| b.name.as_str()).unwrap_or_default();
    SearchDoc {
        id: c.id.clone(),
        kind: Kind::Case,
        unit_id: c.unit_id.clone(),
        scope: units.scope_of(&c.unit_id),
        officers: Vec::new(),
        secret_scope: Vec::new(),
        title: c.summary.clone(),
        subtitle: join(&[name, state]),
        body: [
            origin,
            business.map(|b| b.address.as_str()).unwrap_or_default(),
        ]
        .join("\n"),
        // A case is found by the numbers of its documents and its business's tax code.
        identifiers: documents
            .iter()
            .map(|d| d.number.clone())
            .chain(business.and_then(|b| b.tax_code.clone()))
            .collect(),
    }
}

pub(crate) fn document(
    units: &UnitTree,
    d: &DocumentRow,
    case: Option<&CaseRow>,
    business: Option<&BusinessRow>,
) -> SearchDoc {
    let kind = DocumentKind::parse(&d.kind)
        .map(|k| k.label().to_string())
        .unwrap_or_else(|_| d.kind.clone());
    let name = business.map(|b| b.name.as_str()).unwrap_or_default();
    let issued = qltt_domain::format::parse_date(&d.issued_on)
        .map(|day| day.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| d.issued_on.clone());
    SearchDoc {
        id: d.id.clone(),
        kind: Kind::Document,
        unit_id: d.unit_id.clone(),
        scope: units.scope_of(&d.unit_id),
        officers: Vec::new(),
        secret_scope: Vec::new(),
        title: format!("{kind} {}", d.number),
        subtitle: join(&[name, &issued]),
        body: case.map(|c| c.summary.clone()).unwrap_or_default(),
        identifiers: vec![d.number.clone()],
    }
}

/// The most of a document's file text the index keeps (a long annex is found by its beginning).
const OFFICE_TEXT_MAX: usize = 200_000;

/// An office document (incoming/outgoing register), found by its number, sender or recipients,
/// summary and the text read from its files. Seen where the document is: the register's unit and
/// the unit it was routed to, with every unit above them, and by the officer it was routed to
/// (who may open it wherever their unit is: `App::sees_document`).
///
/// A document with a secrecy level is found only by those who read it (`App::secret_entitlement`):
/// its units go in `secret_scope` (their leaders and secret-book clerk), and `readers` (named on
/// it or granted it) in `officers`.
pub(crate) fn office_document(
    units: &UnitTree,
    d: &qltt_store::office::OfficeDocRow,
    texts: &[String],
    readers: Vec<String>,
) -> SearchDoc {
    use qltt_domain::office::{Direction, DocType};
    let doc_type = DocType::parse(&d.doc_type)
        .map(|t| t.label().to_string())
        .unwrap_or_else(|_| d.doc_type.clone());
    let direction = Direction::parse(&d.direction)
        .map(|t| t.label().to_string())
        .unwrap_or_default();
    let dated = qltt_domain::format::parse_date(&d.document_date)
        .map(|day| day.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| d.document_date.clone());
    let mut scope = units.scope_of(&d.unit_id);
    if let Some(assigned) = &d.assigned_unit_id {
        for u in units.scope_of(assigned) {
            if !scope.contains(&u) {
                scope.push(u);
            }
        }
    }
    let mut body = [
        direction.as_str(),
        d.signer.as_str(),
        d.route_opinion.as_deref().unwrap_or_default(),
    ]
    .join("\n");
    push_texts(&mut body, texts);
    let secret = d.confidentiality != qltt_domain::office::Confidentiality::Normal.as_str();
    let (scope, secret_scope, officers) = if secret {
        (Vec::new(), scope, readers)
    } else {
        (
            scope,
            Vec::new(),
            d.assigned_officer_id.iter().cloned().collect(),
        )
    };
    SearchDoc {
        id: d.id.clone(),
        kind: Kind::OfficeDocument,
        unit_id: d.unit_id.clone(),
        scope,
        officers,
        secret_scope,
        title: format!("{doc_type} {} — {}", d.number, d.summary),
        subtitle: join(&[&d.correspondent, &dated]),
        body,
        identifiers: vec![d.number.clone()],
    }
}

/// Adds the files' text to `body`, up to [`OFFICE_TEXT_MAX`] in all.
fn push_texts(body: &mut String, texts: &[String]) {
    for t in texts {
        if body.len() >= OFFICE_TEXT_MAX {
            break;
        }
        body.push('\n');
        let room = OFFICE_TEXT_MAX - body.len();
        match t.char_indices().nth(room) {
            Some((cut, _)) => body.push_str(&t[..cut]),
            None => body.push_str(t),
        }
    }
}

/// A draft of an outgoing document, found by its summary, text, recipients and the text read
/// from its files (and, once signed, its number). Seen as the draft is
/// (`App::sees_draft`): by the officers whose subtree holds its unit, and by its drafter.
pub(crate) fn office_draft(
    units: &UnitTree,
    d: &qltt_store::office_drafts::DraftRow,
    number: Option<&str>,
    texts: &[String],
) -> SearchDoc {
    use qltt_domain::office::DocType;
    use qltt_domain::office::drafting::DraftState;
    let doc_type = DocType::parse(&d.doc_type)
        .map(|t| t.label().to_string())
        .unwrap_or_else(|_| d.doc_type.clone());
    let state = DraftState::parse(&d.state)
        .map(|s| s.label())
        .unwrap_or_default();
    let mut body = [d.content.as_str(), d.comment.as_deref().unwrap_or_default()].join("\n");
    push_texts(&mut body, texts);
    // A secret draft: its unit's leaders and secret-book clerk, and the people named on it.
    let secret = d.confidentiality != qltt_domain::office::Confidentiality::Normal.as_str();
    let mut officers = vec![d.drafted_by.clone()];
    officers.extend(d.reviewed_by.iter().cloned());
    officers.extend(d.signed_by.iter().cloned());
    let (scope, secret_scope) = if secret {
        (Vec::new(), units.scope_of(&d.unit_id))
    } else {
        (units.scope_of(&d.unit_id), Vec::new())
    };
    SearchDoc {
        id: d.id.clone(),
        kind: Kind::OfficeDraft,
        unit_id: d.unit_id.clone(),
        scope,
        officers,
        secret_scope,
        title: format!("Dự thảo {} — {}", doc_type.to_lowercase(), d.summary),
        subtitle: join(&[&d.recipients, state, number.unwrap_or_default()]),
        body,
        identifiers: number.map(str::to_string).into_iter().collect(),
    }
}

/// The id of the public copy of a published decision (the officers' copy has the document's id).
pub(crate) fn public_id(document_id: &str) -> String {
    format!("{PUBLIC_ID_PREFIX}{document_id}")
}

pub(crate) const PUBLIC_ID_PREFIX: &str = "public:";

/// A published sanction decision as the public finds it: built from the anonymised
/// [`OpenDecision`] the open dataset publishes, never from the case, so an individual's name,
/// identity number, address or the facts as written are not in the index at all. Found by its
/// number, the organisation's name and tax code, the acts and the issuing unit; seen by the
/// public scope only.
pub(crate) fn public_decision(document_id: &str, d: &OpenDecision) -> SearchDoc {
    let offender = match (&d.offender_name, &d.tax_code) {
        (Some(name), Some(tax)) => format!("{name} (MST {tax})"),
        (Some(name), None) => name.clone(),
        // An individual: the page says "Cá nhân" and nothing else.
        _ => "Cá nhân".to_string(),
    };
    let issued = qltt_domain::format::parse_date(&d.issued_on)
        .map(|day| day.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| d.issued_on.clone());
    let mut body = vec![d.issuing_unit.clone()];
    for v in &d.violations {
        body.push(join(&[&v.code, &v.description, &v.legal_basis]));
    }
    SearchDoc {
        id: public_id(document_id),
        kind: Kind::PublicDecision,
        unit_id: String::new(),
        scope: vec![PUBLIC_SCOPE.to_string()],
        officers: Vec::new(),
        secret_scope: Vec::new(),
        title: format!("{} — {offender}", d.decision_number),
        subtitle: join(&[&d.issuing_unit, &issued]),
        body: body.join("\n"),
        identifiers: std::iter::once(d.decision_number.clone())
            .chain(d.tax_code.clone())
            .collect(),
    }
}
