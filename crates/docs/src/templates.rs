//! One Typst template per form, compiled into the binary. Each imports `common.typ` (header,
//! signatures, recipients, verification block) and adds its own fixed legal wording.

macro_rules! templates {
    ($($kind:literal),* $(,)?) => {
        /// Every document kind with a template (the `DocumentKind` codes of the case lifecycle).
        pub const KINDS: &[&str] = &[$($kind),*];

        pub(crate) fn source(kind: &str) -> Option<&'static str> {
            match kind {
                $($kind => Some(include_str!(concat!("../templates/", $kind, ".typ"))),)*
                _ => None,
            }
        }
    };
}

templates!(
    "inspection_proposal",
    "inspection_decision",
    "inspection_record",
    "violation_record",
    "explanation_record",
    "seizure_decision",
    "seizure_record",
    "sanction_decision",
    "no_sanction_decision",
    "instalment_decision",
    "postponement_decision",
    "coercion_decision",
    "transfer_decision",
    "receipt",
    "closing_note",
    "annulment_decision",
);

/// Whether `kind` can be rendered.
pub fn has_template(kind: &str) -> bool {
    source(kind).is_some()
}
