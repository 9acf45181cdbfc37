//! Labels for exhibit lots (PDF, A4 sheets): one lot, or every lot of a case still held. The QR
//! code holds the lot's address in the product, so a keeper scanning it with a phone lands on
//! the lot's page (after signing in, within scope like any page).

use qltt_docs::Label;
use qltt_domain::exhibit::{ExhibitKind, ExhibitStatus};

use super::{ExhibitQuery, list_of};
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// The address a lot's label points to. Lot numbers are built from unit codes, the year
    /// and digits ("QN-D1-TV-2026-00001"), so they need no escaping in a path.
    pub fn lot_url(&self, lot_no: &str) -> String {
        format!(
            "{}/exhibits/lot/{lot_no}",
            self.settings.public_url.trim_end_matches('/')
        )
    }

    /// The label sheet of one lot (`lot_id`) or of every lot of a case still held (`case_id`).
    pub async fn exhibit_labels(
        &self,
        actor: &Actor,
        lot_id: Option<&str>,
        case_id: Option<&str>,
    ) -> AppResult<Vec<u8>> {
        let lots = match (lot_id, case_id) {
            (Some(id), _) => vec![self.exhibit(actor, id).await?],
            (None, Some(case)) => {
                // The case itself must be in scope (404 otherwise, like its page).
                self.case(actor, case).await?;
                self.list_exhibits(
                    actor,
                    &ExhibitQuery {
                        case_id: Some(case.to_string()),
                        limit: Some(500),
                        ..Default::default()
                    },
                )
                .await?
                .into_iter()
                .filter(|e| ExhibitStatus::parse(&e.row.status).is_ok_and(|s| !s.is_terminal()))
                .collect()
            }
            (None, None) => return Err(AppError::internal("labels of nothing")),
        };
        if lots.is_empty() {
            return Err(AppError::bad_input(
                "exhibit.no_lots",
                "Vụ việc không còn lô tang vật nào đang giữ để in nhãn.",
            ));
        }
        let mut labels = Vec::with_capacity(lots.len());
        for e in lots {
            let unit = self.unit_name(&e.row.unit_id).await?.unwrap_or_default();
            labels.push(Label {
                unit,
                kind: ExhibitKind::parse(&e.row.kind)
                    .map(|k| k.label().to_string())
                    .unwrap_or_default(),
                description: e.row.description.clone(),
                quantity: format!("{} {}", e.quantity, e.row.unit_of_measure),
                seized_on: e.seized_on_text.clone(),
                seal_numbers: list_of(&e.row.seal_numbers),
                case: e.case_summary.clone().unwrap_or_default(),
                url: self.lot_url(&e.row.lot_no),
                lot_no: e.row.lot_no,
            });
        }
        // Typst lays out on this thread for a few hundred milliseconds: keep it off the async
        // workers that serve other officers.
        tokio::task::spawn_blocking(move || qltt_docs::render_labels(&labels))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
    }
}
