//! The custody chain of one lot: each event's hash covers the previous event's hash, like the
//! audit chain, but per lot, so a lot's history can be printed, handed to a court and checked on
//! its own. A split-off lot's chain starts from the parent's event that split it.

use sha2::{Digest, Sha256};

/// The hash before a lot's first event.
pub const CUSTODY_GENESIS: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one custody event that its hash protects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyFields<'a> {
    pub exhibit_id: &'a str,
    pub seq: i64,
    pub kind: &'a str,
    pub quantity_milli: i64,
    /// RFC 3339 UTC as stored.
    pub occurred_at: &'a str,
    pub handed_over_by: &'a str,
    pub received_by: &'a str,
    /// SHA-256 of the event's canonical details (places, condition, photos, camera references).
    pub details_digest: &'a str,
    pub prev_hash: &'a str,
}

/// SHA-256 over a length-prefixed encoding of every field (no separator games).
pub fn custody_hash(f: &CustodyFields<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"qltt-custody-v1");
    h.update(f.seq.to_be_bytes());
    h.update(f.quantity_milli.to_be_bytes());
    for part in [
        f.exhibit_id,
        f.kind,
        f.occurred_at,
        f.handed_over_by,
        f.received_by,
        f.details_digest,
        f.prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn f<'a>(received_by: &'a str, prev: &'a str) -> CustodyFields<'a> {
        CustodyFields {
            exhibit_id: "e1",
            seq: 1,
            kind: "check_in",
            quantity_milli: 340_000,
            occurred_at: "2026-03-05T02:00:00.000000Z",
            handed_over_by: "u1",
            received_by,
            details_digest: "d",
            prev_hash: prev,
        }
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = custody_hash(&f("u2", CUSTODY_GENESIS));
        assert_eq!(base.len(), 64);
        assert_ne!(base, custody_hash(&f("u3", CUSTODY_GENESIS)));
        assert_ne!(base, custody_hash(&f("u2", &base)));
        let mut other = f("u2", CUSTODY_GENESIS);
        other.quantity_milli = 339_000;
        assert_ne!(base, custody_hash(&other));
    }

    #[test]
    fn moving_a_separator_does_not_collide() {
        let mut a = f("u2", CUSTODY_GENESIS);
        a.handed_over_by = "ab";
        a.received_by = "c";
        let mut b = f("u2", CUSTODY_GENESIS);
        b.handed_over_by = "a";
        b.received_by = "bc";
        assert_ne!(custody_hash(&a), custody_hash(&b));
    }
}
