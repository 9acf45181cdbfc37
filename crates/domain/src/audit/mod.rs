//! The audit chain. Every mutation writes an event whose hash covers the previous event's hash, so
//! editing, deleting or reordering any stored event breaks the chain from that point on and
//! `qltt audit verify` can name the first broken event. Hashing is pure; the store only persists.

use sha2::{Digest, Sha256};

/// The hash that starts the chain (no event before the first one).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit event that the hash protects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub seq: i64,
    pub id: &'a str,
    /// RFC 3339 UTC with microseconds, exactly as stored.
    pub at: &'a str,
    pub actor_id: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub unit_id: &'a str,
    /// SHA-256 of the change's canonical JSON.
    pub digest: &'a str,
    pub prev_hash: &'a str,
}

/// SHA-256 over a length-prefixed encoding of every field, so that no two different events can
/// produce the same byte string by moving a separator.
pub fn event_hash(f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"qltt-audit-v1");
    h.update(f.seq.to_be_bytes());
    for part in [
        f.id,
        f.at,
        f.actor_id,
        f.action,
        f.entity_type,
        f.entity_id,
        f.unit_id,
        f.digest,
        f.prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// SHA-256 of a change's canonical text (the store passes serde_json's output, whose object keys
/// are sorted because it is built from a BTreeMap-backed `Value`).
pub fn change_digest(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(seq: i64, prev: &'a str) -> AuditFields<'a> {
        AuditFields {
            seq,
            id: "e1",
            at: "2026-03-05T01:02:03.000000Z",
            actor_id: "u1",
            action: "unit.create",
            entity_type: "unit",
            entity_id: "x",
            unit_id: "x",
            digest: "d",
            prev_hash: prev,
        }
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = event_hash(&fields(1, GENESIS_HASH));
        assert_eq!(base.len(), 64);
        assert_ne!(base, event_hash(&fields(2, GENESIS_HASH)));
        assert_ne!(base, event_hash(&fields(1, &base)));
        let mut f = fields(1, GENESIS_HASH);
        f.action = "unit.merge";
        assert_ne!(base, event_hash(&f));
    }

    #[test]
    fn moving_a_separator_changes_the_hash() {
        let mut a = fields(1, GENESIS_HASH);
        let mut b = fields(1, GENESIS_HASH);
        a.entity_type = "ab";
        a.entity_id = "c";
        b.entity_type = "a";
        b.entity_id = "bc";
        assert_ne!(event_hash(&a), event_hash(&b));
    }
}
