//! `qltt demo --scale N` on both databases at a small N: the counts of the contract, every state
//! of the lifecycle, valid tax codes, gapless registers that real documents then continue, an
//! intact audit chain, scope through the API, and refusal of a second run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use qltt_app::bootstrap::scale::{DEFAULT_SEED, Quiet, ScaleOptions};
use qltt_domain::business::TaxCode;
use qltt_domain::case::CaseState;
use qltt_store::audit::Verification;
use qltt_testkit::{TestApp, on_both};
use serde_json::json;

const N: u64 = 200;

async fn rows<T>(t: &TestApp, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .fetch_all(t.app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn a_generated_set_looks_like_the_real_thing(t: TestApp) {
    let cases_before = t.count("cases").await;
    let businesses_before = t.count("businesses").await;
    let report = t
        .app
        .generate_scale(
            ScaleOptions {
                scale: N,
                seed: DEFAULT_SEED,
            },
            &Quiet,
        )
        .await
        .expect("generate");
    assert_eq!(report.cases, N);
    assert_eq!(t.count("cases").await - cases_before, N as i64);
    assert_eq!(
        t.count("businesses").await - businesses_before,
        6 * N as i64
    );
    assert!(t.count("custody_events").await > 0 && t.count("case_payments").await > 0);

    // Every state of the lifecycle.
    let states: BTreeSet<String> = rows::<(String,)>(&t, "SELECT DISTINCT state FROM cases")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    for s in CaseState::ALL {
        assert!(
            states.contains(s.as_str()),
            "no case in state {s:?}: {states:?}"
        );
    }

    // Tax codes pass their check digit.
    for (code,) in rows::<(String,)>(
        &t,
        "SELECT tax_code FROM businesses WHERE tax_code IS NOT NULL",
    )
    .await
    {
        assert!(TaxCode::parse(&code).is_ok(), "invalid tax code {code}");
    }

    // Registers run 1..=n without gaps, and their counters stand at n.
    let mut registers: BTreeMap<(String, String, i64), Vec<i64>> = BTreeMap::new();
    for (unit, register, year, seq) in rows::<(String, String, i64, i64)>(
        &t,
        "SELECT unit_id, register, year, seq FROM documents ORDER BY unit_id, register, year, seq",
    )
    .await
    {
        registers
            .entry((unit, register, year))
            .or_default()
            .push(seq);
    }
    let counters: BTreeMap<(String, String, i64), i64> = rows::<(String, String, i64, i64)>(
        &t,
        "SELECT unit_id, register, year, last_seq FROM document_counters",
    )
    .await
    .into_iter()
    .map(|(u, r, y, n)| ((u, r, y), n))
    .collect();
    for (key, seqs) in &registers {
        assert_eq!(
            seqs,
            &(1..=seqs.len() as i64).collect::<Vec<_>>(),
            "gap in {key:?}"
        );
        assert_eq!(
            counters.get(key),
            Some(&(seqs.len() as i64)),
            "counter of {key:?}"
        );
    }

    // One audit event per batch and table, and the chain is whole.
    match t.app.verify_audit().await.expect("verify") {
        Verification::Intact { .. } => {}
        broken => panic!("audit chain broken: {broken:?}"),
    }
    // Every generated lot's custody chain verifies as `qltt audit verify` walks it.
    let chains = qltt_store::exhibits::verify_chains(t.app.db.pool())
        .await
        .expect("chains");
    assert!(chains.lots > 0 && chains.broken.is_none(), "{chains:?}");

    // A second run would duplicate the set: refused.
    let again = t
        .app
        .generate_scale(
            ScaleOptions {
                scale: N,
                seed: DEFAULT_SEED,
            },
            &Quiet,
        )
        .await;
    assert_eq!(again.err().map(|e| e.code), Some("demo.already_generated"));

    // A team inspector sees exactly their team's generated cases.
    let (team_id,): (String,) = rows(&t, "SELECT id FROM units WHERE code = 'HN-T01'")
        .await
        .remove(0);
    let ksv = t.login("hn-t01.ksv01").await;
    let (s, body) = t.get(&ksv, "/api/v1/cases?limit=200").await;
    assert_eq!(s, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    assert!(
        items.iter().all(|c| c["unit_id"] == team_id.as_str()),
        "{body}"
    );
    let mine = rows::<(String,)>(
        &t,
        &format!("SELECT id FROM cases WHERE unit_id = '{team_id}'"),
    )
    .await;
    assert_eq!(items.len(), mine.len());
    let (other,): (String,) = rows(
        &t,
        &format!("SELECT id FROM cases WHERE unit_id <> '{team_id}' LIMIT 1"),
    )
    .await
    .remove(0);
    let (s, _) = t.get(&ksv, &format!("/api/v1/cases/{other}")).await;
    assert_eq!(s, 404);
    // A generated case reads like a real one: its documents and deadlines are listed.
    for (id,) in &mine {
        let (s, c) = t.get(&ksv, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(s, 200, "{c}");
        let documents = c["documents"].as_array().map_or(0, Vec::len);
        let steps: Vec<(i64,)> = rows(
            &t,
            &format!("SELECT COUNT(*) FROM documents WHERE case_id = '{id}'"),
        )
        .await;
        assert_eq!(documents as i64, steps[0].0, "{c}");
    }

    // A real step after generation takes the next number of its register: the team with the
    // most generated proposals this year proposes once more.
    let (team, code, last): (String, String, i64) = rows(
        &t,
        "SELECT d.unit_id, u.code, COUNT(*) FROM documents d JOIN units u ON u.id = d.unit_id \
         WHERE d.register = 'ĐX' AND d.year = 2026 GROUP BY d.unit_id, u.code ORDER BY COUNT(*) DESC, u.code LIMIT 1",
    )
    .await
    .remove(0);
    assert!(last > 0);
    let officer = t.login(&format!("{}.ksv01", code.to_lowercase())).await;
    let (business,): (String,) = rows(
        &t,
        &format!("SELECT id FROM businesses WHERE unit_id = '{team}' LIMIT 1"),
    )
    .await
    .remove(0);
    let (s, c) = t
        .post(&officer, "/api/v1/cases", json!({"business_id": business, "unit_id": team, "origin": "tip", "summary": "Tin báo mới"}))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap();
    let (s, c) = t
        .post(
            &officer,
            &format!("/api/v1/cases/{id}/actions/propose"),
            json!({"content": "Đề xuất kiểm tra đột xuất"}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["produced"][0]["number"], format!("{:02}/ĐX", last + 1));
}

on_both!(generated_set, a_generated_set_looks_like_the_real_thing);
