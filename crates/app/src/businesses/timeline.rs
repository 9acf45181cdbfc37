//! Where a business has been: its addresses over time, read from its audit history (the record
//! keeps only the current one).

use serde_json::Value;

use super::HistoryEntry;

/// One address the business had, from the change that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressStep {
    pub at: String,
    pub actor_id: String,
    pub action: String,
    /// Street address, commune and province as one line.
    pub address: String,
    /// Set by a file import rather than typed on a form.
    pub imported: bool,
}

const PARTS: [&str; 3] = ["address", "commune", "province"];

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().trim().to_string()
}

/// The addresses in `history` (oldest first), one step per change that moved the business or
/// corrected its address; a change that touched nothing of the address adds no step.
pub fn address_timeline(history: &[HistoryEntry]) -> Vec<AddressStep> {
    let mut current: [String; 3] = Default::default();
    let mut steps = Vec::new();
    for h in history {
        // The fields the event set, as {field: value}.
        let changed: Vec<(usize, String)> = match h.action.as_str() {
            "business.create" => PARTS
                .iter()
                .enumerate()
                .map(|(i, p)| (i, text(&h.changes[*p])))
                .collect(),
            "business.update" | "business.merge_in" => {
                let changes = if h.action == "business.merge_in" {
                    &h.changes["filled"]
                } else {
                    &h.changes
                };
                PARTS
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| changes.get(*p).map(|c| (i, text(&c["to"]))))
                    .collect()
            }
            _ => Vec::new(),
        };
        if changed.is_empty() {
            continue;
        }
        for (i, v) in changed {
            current[i] = v;
        }
        steps.push(AddressStep {
            at: h.at.clone(),
            actor_id: h.actor_id.clone(),
            action: h.action.clone(),
            address: current
                .iter()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            imported: h.changes["imported"] == Value::Bool(true),
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(action: &str, changes: Value) -> HistoryEntry {
        HistoryEntry {
            at: "2026-03-05T02:00:00Z".into(),
            actor_id: "u1".into(),
            action: action.into(),
            changes,
        }
    }

    #[test]
    fn a_move_and_a_correction_are_steps_other_changes_are_not() {
        let history = vec![
            entry(
                "business.create",
                json!({"name": "Quán A", "address": "Số 1 Lê Lợi", "commune": "Hồng Gai", "province": ""}),
            ),
            entry(
                "business.update",
                json!({"phone": {"from": "", "to": "0912345678"}}),
            ),
            entry(
                "business.update",
                json!({"address": {"from": "Số 1 Lê Lợi", "to": "Số 9 Trần Phú"}, "imported": true}),
            ),
            entry(
                "business.merge_in",
                json!({"filled": {"province": {"from": "", "to": "Quảng Ninh"}}}),
            ),
            entry(
                "business.merge",
                json!({"merged_into": {"from": null, "to": "x"}}),
            ),
        ];
        let steps = address_timeline(&history);
        let lines: Vec<(&str, &str, bool)> = steps
            .iter()
            .map(|s| (s.action.as_str(), s.address.as_str(), s.imported))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("business.create", "Số 1 Lê Lợi, Hồng Gai", false),
                ("business.update", "Số 9 Trần Phú, Hồng Gai", true),
                (
                    "business.merge_in",
                    "Số 9 Trần Phú, Hồng Gai, Quảng Ninh",
                    false
                ),
            ]
        );
    }
}
