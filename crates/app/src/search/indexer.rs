//! The indexing job: follows the outbox and keeps the search index equal to the committed rows.
//!
//! Each outbox entry of a business, case, document, office document, draft or unit names an
//! entity; the job re-reads it by id (so the index shows what is committed now, whatever the
//! payload said) and upserts or deletes it. Indexing is idempotent, so an entry seen twice does no harm; an entry
//! never seen would, hence per-entry marks (see migration 0008) and a horizon that only moves past
//! entries older than [`HORIZON_LAG`].
//!
//! Beyond the entity itself, an entry reaches what shows it: a business's change reindexes the
//! cases (and their documents) that name it, those of the records merged into it included; a
//! unit's change reindexes everything under it (scope, and the issuing unit the public copy of a
//! decision names); a document's publication, withdrawal or correction upserts or deletes its
//! public copy ([`qltt_search::Kind::PublicDecision`]).
//!
//! Crash safety: marks are written after the index commit. A crash between a database commit and
//! its indexing leaves the entry unmarked, and the next pass (at start) indexes it. An index that
//! does not carry the marker recorded in the database (new, lost, copied from elsewhere, in RAM) is
//! rebuilt from the rows.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qltt_search::{SearchDoc, SearchIndex};
use qltt_store::businesses::BusinessRow;
use qltt_store::cases::CaseRow;
use qltt_store::documents::DocumentRow;
use qltt_store::outbox::{Follower, HORIZON_LAG, id_at};
use qltt_store::{businesses, cases, documents, publications, units};
use sqlx::AnyPool;

use super::docs::{self, UnitTree};
use crate::{App, AppError, AppResult};

/// Outbox entries read per round.
const BATCH: i64 = 500;
/// Rows read per page during a rebuild.
const PAGE: i64 = 1000;

/// The job's marks and horizon over the outbox (migration 0008).
const FOLLOWER: Follower = Follower {
    marks: "search_marks",
    mark_column: "indexed_at",
    state: "search_state",
    topics: "(o.topic LIKE 'business.%' OR o.topic LIKE 'case.%' \
        OR o.topic LIKE 'document.%' OR o.topic LIKE 'unit.%' \
        OR o.topic LIKE 'office_document.%' OR o.topic LIKE 'office_draft.%')",
};

const BUSINESS_COLUMNS: &str = "id, unit_id, kind, name, tax_code, registration_no, \
    registration_date, registration_issuer, representative, address, province, commune, \
    business_lines, phone, email, website, risk_note, search_text, merged_into, version, \
    created_at, updated_at";
const CASE_COLUMNS: &str = "id, unit_id, business_id, origin, summary, state, enforcement, \
    violation_found, offender_kind, fine_total, paid_total, decision_delivered, data, version, \
    created_by, created_at, updated_at";
/// The office's tables in the index: the registers' documents and the drafts.
#[derive(Clone, Copy)]
enum OfficeTable {
    Documents,
    Drafts,
}

enum Op {
    Upsert(SearchDoc),
    Delete(String),
}

/// Progress of a rebuild, for `qltt search rebuild`.
#[derive(Debug, Clone, Copy)]
pub struct RebuildProgress {
    pub kind: &'static str,
    pub done: u64,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::internal(e)
}

async fn state(pool: &AnyPool, key: &str) -> AppResult<Option<String>> {
    Ok(FOLLOWER.state_value(pool, key).await?)
}

async fn apply(index: Arc<dyn SearchIndex>, ops: Vec<Op>, marker: Option<String>) -> AppResult<()> {
    // tantivy blocks (tokenising, merging, fsync at commit): keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        for op in &ops {
            match op {
                Op::Upsert(d) => index.upsert(d)?,
                Op::Delete(id) => index.delete(id)?,
            }
        }
        index.commit(marker.as_deref())
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

/// Whether a document may have a public copy (the kinds a leader may publish).
fn publishable(d: &DocumentRow) -> bool {
    crate::documents::publish::PUBLISHABLE.contains(&d.kind.as_str())
}

/// The business a case or document shows: the record itself, or for a duplicate merged away the
/// record that stayed (its name is the one that is current).
async fn current_business(pool: &AnyPool, id: &str) -> AppResult<Option<BusinessRow>> {
    let Some(b) = businesses::get(pool, id).await? else {
        return Ok(None);
    };
    if b.merged_into.is_none() {
        return Ok(Some(b));
    }
    Ok(match businesses::survivor_of(pool, id).await? {
        Some(survivor) => businesses::get(pool, &survivor).await?.or(Some(b)),
        None => Some(b),
    })
}

/// The cases whose index entry shows one of these businesses: their own and those of every
/// record merged into them (they show the survivor's name, see [`current_business`]). One query
/// for a round of the job (an import changes thousands of businesses at once).
async fn cases_showing(pool: &AnyPool, business_ids: &[String]) -> AppResult<Vec<String>> {
    if business_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "WITH RECURSIVE m(id) AS (\
         SELECT id FROM businesses WHERE id IN ({}) \
         UNION SELECT x.id FROM businesses x JOIN m ON x.merged_into = m.id\
         ) SELECT c.id FROM cases c WHERE c.business_id IN (SELECT id FROM m)",
        qltt_store::placeholders(1, business_ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in business_ids {
        q = q.bind(id);
    }
    let rows: Vec<(String,)> = q.fetch_all(pool).await.map_err(internal)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

impl App {
    async fn set_search_state(&self, key: &str, value: &str) -> AppResult<()> {
        let mut tx = self.db.begin(self.now()).await?;
        FOLLOWER.set_state(&mut tx, key, value).await?;
        tx.commit_bookkeeping().await?;
        Ok(())
    }

    /// One pass of the job: rebuild if the index does not follow this database, then index every
    /// outbox entry not yet marked. Returns the number of entries indexed. Passes never overlap.
    pub async fn search_catch_up(&self) -> AppResult<usize> {
        let mut ready = self.search.gate.lock().await;
        if !*ready {
            let recorded = state(self.db.pool(), "index_id").await?;
            let carried = self.search.index.marker().map_err(internal)?;
            if recorded.is_none() || recorded != carried {
                tracing::info!("search index does not follow this database: rebuilding");
                self.rebuild_locked(&|_| {}).await?;
            }
            *ready = true;
        }
        self.drain_outbox().await
    }

    /// Rebuilds the index from the rows (`qltt search rebuild`).
    pub async fn search_rebuild(
        &self,
        progress: &(dyn Fn(RebuildProgress) + Send + Sync),
    ) -> AppResult<u64> {
        let mut ready = self.search.gate.lock().await;
        let n = self.rebuild_locked(progress).await?;
        *ready = true;
        Ok(n)
    }

    async fn rebuild_locked(
        &self,
        progress: &(dyn Fn(RebuildProgress) + Send + Sync),
    ) -> AppResult<u64> {
        // Entries written from here on may not be in the rows read below: the outbox pass after
        // the rebuild takes them (the horizon stays HORIZON_LAG before this instant).
        let started = SystemTime::now();
        let index = self.search.index.clone();
        tokio::task::spawn_blocking(move || index.delete_all())
            .await
            .map_err(internal)?
            .map_err(internal)?;
        let pool = self.db.pool();
        let units = UnitTree::load(pool).await?;
        let mut total = 0u64;

        let mut after = String::new();
        let mut done = 0u64;
        loop {
            let sql = format!(
                "SELECT {BUSINESS_COLUMNS} FROM businesses WHERE id > $1 AND merged_into IS NULL \
                 ORDER BY id LIMIT $2"
            );
            let rows: Vec<BusinessRow> = sqlx::query_as(&sql)
                .bind(&after)
                .bind(PAGE)
                .fetch_all(pool)
                .await
                .map_err(internal)?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            done += rows.len() as u64;
            let ops = rows
                .iter()
                .map(|b| Op::Upsert(docs::business(&units, b)))
                .collect();
            self.apply_uncommitted(ops).await?;
            progress(RebuildProgress {
                kind: "business",
                done,
            });
        }
        total += done;

        let mut after = String::new();
        let mut done = 0u64;
        loop {
            let sql =
                format!("SELECT {CASE_COLUMNS} FROM cases WHERE id > $1 ORDER BY id LIMIT $2");
            let rows: Vec<CaseRow> = sqlx::query_as(&sql)
                .bind(&after)
                .bind(PAGE)
                .fetch_all(pool)
                .await
                .map_err(internal)?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            done += rows.len() as u64;
            let mut ops = Vec::with_capacity(rows.len());
            for c in &rows {
                ops.extend(self.case_ops(&units, c, false).await?);
            }
            self.apply_uncommitted(ops).await?;
            progress(RebuildProgress { kind: "case", done });
        }
        total += done;

        let mut after = String::new();
        let mut done = 0u64;
        loop {
            // Ids, then each row through the store: the document row grows with other modules.
            let ids: Vec<(String,)> =
                sqlx::query_as("SELECT id FROM documents WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(&after)
                    .bind(PAGE)
                    .fetch_all(pool)
                    .await
                    .map_err(internal)?;
            let Some(last) = ids.last() else { break };
            after = last.0.clone();
            done += ids.len() as u64;
            let mut ops = Vec::with_capacity(ids.len());
            for (id,) in &ids {
                if let Some(d) = documents::get(pool, id).await? {
                    ops.push(self.document_op(&units, &d).await?);
                }
            }
            self.apply_uncommitted(ops).await?;
            progress(RebuildProgress {
                kind: "document",
                done,
            });
        }
        total += done;

        for table in [OfficeTable::Documents, OfficeTable::Drafts] {
            total += self.rebuild_office(&units, table, progress).await?;
        }

        let mut after = String::new();
        let mut done = 0u64;
        loop {
            let ids = publications::published_ids_after(pool, &after, PAGE).await?;
            let Some(last) = ids.last() else { break };
            after = last.clone();
            done += ids.len() as u64;
            let mut ops = Vec::with_capacity(ids.len());
            for id in &ids {
                ops.push(self.public_op(id).await?);
            }
            self.apply_uncommitted(ops).await?;
            progress(RebuildProgress {
                kind: "public_decision",
                done,
            });
        }
        total += done;

        let marker = uuid::Uuid::now_v7().to_string();
        apply(self.search.index.clone(), Vec::new(), Some(marker.clone())).await?;
        let horizon = id_at(started.checked_sub(HORIZON_LAG).unwrap_or(UNIX_EPOCH));
        self.advance_horizon(&horizon).await?;
        // Last: until the database names this index, a crash above means "rebuild again".
        self.set_search_state("index_id", &marker).await?;
        Ok(total)
    }

    /// Indexes every row of an office table during a rebuild, a page of ids at a time.
    async fn rebuild_office(
        &self,
        units: &UnitTree,
        table: OfficeTable,
        progress: &(dyn Fn(RebuildProgress) + Send + Sync),
    ) -> AppResult<u64> {
        let (sql, kind) = match table {
            OfficeTable::Documents => (
                "SELECT id FROM office_documents WHERE id > $1 ORDER BY id LIMIT $2",
                "office_document",
            ),
            OfficeTable::Drafts => (
                "SELECT id FROM office_drafts WHERE id > $1 ORDER BY id LIMIT $2",
                "office_draft",
            ),
        };
        let mut after = String::new();
        let mut done = 0u64;
        loop {
            let ids: Vec<(String,)> = sqlx::query_as(sql)
                .bind(&after)
                .bind(PAGE)
                .fetch_all(self.db.pool())
                .await
                .map_err(internal)?;
            let Some(last) = ids.last() else { break };
            after = last.0.clone();
            done += ids.len() as u64;
            let mut ops = Vec::with_capacity(ids.len());
            for (id,) in &ids {
                ops.push(match table {
                    OfficeTable::Documents => self.office_op(units, id).await?,
                    OfficeTable::Drafts => self.draft_op(units, id).await?,
                });
            }
            self.apply_uncommitted(ops).await?;
            progress(RebuildProgress { kind, done });
        }
        Ok(done)
    }

    /// Adds to the index without committing (a rebuild commits once, at the end).
    async fn apply_uncommitted(&self, ops: Vec<Op>) -> AppResult<()> {
        let index = self.search.index.clone();
        tokio::task::spawn_blocking(move || {
            for op in &ops {
                match op {
                    Op::Upsert(d) => index.upsert(d)?,
                    Op::Delete(id) => index.delete(id)?,
                }
            }
            Ok::<(), qltt_search::SearchError>(())
        })
        .await
        .map_err(internal)?
        .map_err(internal)
    }

    async fn advance_horizon(&self, horizon: &str) -> AppResult<()> {
        let mut tx = self.db.begin(self.now()).await?;
        FOLLOWER.advance(&mut tx, horizon).await?;
        tx.commit_bookkeeping().await?;
        Ok(())
    }

    async fn drain_outbox(&self) -> AppResult<usize> {
        let pool = self.db.pool();
        let horizon = state(pool, "horizon").await?.unwrap_or_default();
        let mut indexed = 0;
        loop {
            let entries = FOLLOWER.pending(pool, &horizon, BATCH).await?;
            if entries.is_empty() {
                break;
            }
            let units = UnitTree::load(pool).await?;
            // One re-read per entity however many entries name it.
            let mut targets: BTreeSet<(String, String)> = entries
                .iter()
                .map(|(_, topic, entity)| {
                    // A renamed unit is its own target: far less to re-read than a move.
                    let family = if topic == "unit.renamed" {
                        "unit_renamed"
                    } else {
                        topic.split('.').next().unwrap_or_default()
                    };
                    (family.to_string(), entity.clone())
                })
                .collect();
            // A business renamed, corrected or merged: the cases that show its name and tax code
            // (and, through them, their documents) are indexed again, here in the job and never
            // by the write that changed it.
            let changed: Vec<String> = targets
                .iter()
                .filter(|(family, _)| family == "business")
                .map(|(_, id)| id.clone())
                .collect();
            for case_id in cases_showing(pool, &changed).await? {
                targets.insert(("case".to_string(), case_id));
            }
            let mut ops = Vec::new();
            for (family, id) in &targets {
                match family.as_str() {
                    "business" => ops.push(self.business_op(&units, id).await?),
                    "case" => match cases::get(pool, id).await? {
                        Some(c) => ops.extend(self.case_ops(&units, &c, true).await?),
                        None => ops.push(Op::Delete(id.clone())),
                    },
                    "document" => match documents::get(pool, id).await? {
                        Some(d) => {
                            ops.push(self.document_op(&units, &d).await?);
                            // Published, withdrawn or corrected: the public copy follows (a
                            // correction changes the status of the decision it corrects).
                            ops.push(self.public_op(&d.id).await?);
                            if let Some(old) = &d.corrects_id {
                                ops.push(self.public_op(old).await?);
                            }
                            // An annulment: the public copy of the annulled decision says so.
                            if let Some(old) = &d.annuls_id {
                                ops.push(self.public_op(old).await?);
                            }
                        }
                        None => {
                            ops.push(Op::Delete(id.clone()));
                            ops.push(Op::Delete(docs::public_id(id)));
                        }
                    },
                    "office_document" => ops.push(self.office_op(&units, id).await?),
                    "office_draft" => ops.push(self.draft_op(&units, id).await?),
                    // A unit moved or merged: the scope of everything under it changed.
                    "unit" => ops.extend(self.unit_ops(&units, id).await?),
                    // A unit renamed: the scope of nothing changed (it holds unit ids); only
                    // the public copies of its published decisions name it.
                    "unit_renamed" => ops.extend(self.renamed_unit_ops(id).await?),
                    _ => {}
                }
            }
            apply(self.search.index.clone(), ops, None).await?;
            let mut tx = self.db.begin(self.now()).await?;
            FOLLOWER.mark(&mut tx, &entries).await?;
            tx.commit_bookkeeping().await?;
            indexed += entries.len();
        }
        // Everything visible is marked now; entries older than the lag can no longer appear
        // (their transactions ended), so the horizon moves up and their marks go.
        let next = id_at(
            SystemTime::now()
                .checked_sub(HORIZON_LAG)
                .unwrap_or(UNIX_EPOCH),
        );
        if next > horizon {
            self.advance_horizon(&next).await?;
        }
        Ok(indexed)
    }

    async fn business_op(&self, units: &UnitTree, id: &str) -> AppResult<Op> {
        Ok(match businesses::get(self.db.pool(), id).await? {
            // A merged duplicate is hidden from lists and search; its survivor is found instead.
            Some(b) if b.merged_into.is_none() => Op::Upsert(docs::business(units, &b)),
            _ => Op::Delete(id.to_string()),
        })
    }

    /// The case, and (when `with_documents`) its documents, whose titles name the case's business.
    async fn case_ops(
        &self,
        units: &UnitTree,
        c: &CaseRow,
        with_documents: bool,
    ) -> AppResult<Vec<Op>> {
        let pool = self.db.pool();
        let business = match &c.business_id {
            Some(id) => current_business(pool, id).await?,
            None => None,
        };
        let docs_of_case = documents::of_case(pool, &c.id).await?;
        let mut ops = vec![Op::Upsert(docs::case(
            units,
            c,
            business.as_ref(),
            &docs_of_case,
        ))];
        if with_documents {
            for d in &docs_of_case {
                ops.push(Op::Upsert(docs::document(
                    units,
                    d,
                    Some(c),
                    business.as_ref(),
                )));
                if publishable(d) {
                    ops.push(self.public_op(&d.id).await?);
                }
            }
        }
        Ok(ops)
    }

    /// The public copy of a decision: the anonymised record while it is published, else none.
    async fn public_op(&self, document_id: &str) -> AppResult<Op> {
        Ok(
            match publications::published_of(self.db.pool(), document_id).await? {
                Some(row) => {
                    let open = crate::open_data::open_decision(row, &self.public_base());
                    Op::Upsert(docs::public_decision(document_id, &open))
                }
                None => Op::Delete(docs::public_id(document_id)),
            },
        )
    }

    async fn document_op(&self, units: &UnitTree, d: &DocumentRow) -> AppResult<Op> {
        let pool = self.db.pool();
        let case = match &d.case_id {
            Some(id) => cases::get(pool, id).await?,
            None => None,
        };
        let business = match case.as_ref().and_then(|c| c.business_id.as_deref()) {
            Some(id) => current_business(pool, id).await?,
            None => None,
        };
        Ok(Op::Upsert(docs::document(
            units,
            d,
            case.as_ref(),
            business.as_ref(),
        )))
    }

    /// An office document with the text read from its files so far (a file still being read is
    /// added when its job ends: it writes an `office_document.text` entry).
    async fn office_op(&self, units: &UnitTree, id: &str) -> AppResult<Op> {
        let pool = self.db.pool();
        let Some(row) = qltt_store::office::get(pool, id).await? else {
            return Ok(Op::Delete(id.to_string()));
        };
        let texts = self.texts_read(&row.attachment_list()).await?;
        let readers = if row.confidentiality == "normal" {
            Vec::new()
        } else {
            qltt_store::office_access::readers(pool, &row.id).await?
        };
        Ok(Op::Upsert(docs::office_document(
            units, &row, &texts, readers,
        )))
    }

    /// A draft with the text read from its files so far (its current files: an edit that drops
    /// a file drops its text; a file still being read is added when its job ends, which writes
    /// an `office_draft.text` entry).
    async fn draft_op(&self, units: &UnitTree, id: &str) -> AppResult<Op> {
        let pool = self.db.pool();
        let Some(row) = qltt_store::office_drafts::get(pool, id).await? else {
            return Ok(Op::Delete(id.to_string()));
        };
        let number = match &row.document_id {
            Some(d) => qltt_store::office::get(pool, d).await?.map(|d| d.number),
            None => None,
        };
        let texts = self.texts_read(&row.attachment_list()).await?;
        Ok(Op::Upsert(docs::office_draft(
            units,
            &row,
            number.as_deref(),
            &texts,
        )))
    }

    /// The text of the files among `shas` that are read, in their order.
    async fn texts_read(&self, shas: &[String]) -> AppResult<Vec<String>> {
        let mut read = qltt_store::document_texts::of_files(self.db.pool(), shas).await?;
        let mut texts = Vec::new();
        for sha in shas {
            if let Some(i) = read.iter().position(|r| &r.sha256 == sha) {
                let r = read.swap_remove(i);
                if r.state == "done"
                    && let Some(t) = r.text
                {
                    texts.push(t);
                }
            }
        }
        Ok(texts)
    }

    /// The public copies of the decisions a renamed unit issued (they show its name).
    async fn renamed_unit_ops(&self, unit_id: &str) -> AppResult<Vec<Op>> {
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM documents WHERE unit_id = $1 ORDER BY id")
                .bind(unit_id)
                .fetch_all(self.db.pool())
                .await
                .map_err(internal)?;
        let mut ops = Vec::new();
        for (id,) in &ids {
            if let Some(d) = documents::get(self.db.pool(), id).await?
                && publishable(&d)
            {
                ops.push(self.public_op(&d.id).await?);
            }
        }
        Ok(ops)
    }

    async fn unit_ops(&self, units: &UnitTree, unit_id: &str) -> AppResult<Vec<Op>> {
        let pool = self.db.pool();
        let mut ops = Vec::new();
        for u in units::subtree(pool, unit_id).await? {
            let sql = format!("SELECT {BUSINESS_COLUMNS} FROM businesses WHERE unit_id = $1");
            let rows: Vec<BusinessRow> = sqlx::query_as(&sql)
                .bind(&u.id)
                .fetch_all(pool)
                .await
                .map_err(internal)?;
            for b in &rows {
                ops.push(if b.merged_into.is_none() {
                    Op::Upsert(docs::business(units, b))
                } else {
                    Op::Delete(b.id.clone())
                });
            }
            let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE unit_id = $1");
            let rows: Vec<CaseRow> = sqlx::query_as(&sql)
                .bind(&u.id)
                .fetch_all(pool)
                .await
                .map_err(internal)?;
            for c in &rows {
                ops.extend(self.case_ops(units, c, false).await?);
            }
            let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM documents WHERE unit_id = $1")
                .bind(&u.id)
                .fetch_all(pool)
                .await
                .map_err(internal)?;
            for (id,) in &ids {
                if let Some(d) = documents::get(pool, id).await? {
                    ops.push(self.document_op(units, &d).await?);
                    // A renamed unit: the public copy names the issuing unit.
                    if publishable(&d) {
                        ops.push(self.public_op(&d.id).await?);
                    }
                }
            }
            let ids: Vec<(String,)> = sqlx::query_as(
                "SELECT id FROM office_documents WHERE unit_id = $1 OR assigned_unit_id = $1",
            )
            .bind(&u.id)
            .fetch_all(pool)
            .await
            .map_err(internal)?;
            for (id,) in &ids {
                ops.push(self.office_op(units, id).await?);
            }
            let ids: Vec<(String,)> =
                sqlx::query_as("SELECT id FROM office_drafts WHERE unit_id = $1")
                    .bind(&u.id)
                    .fetch_all(pool)
                    .await
                    .map_err(internal)?;
            for (id,) in &ids {
                ops.push(self.draft_op(units, id).await?);
            }
        }
        Ok(ops)
    }

    /// Runs the job until the process ends: a pass at start (repairing what a crash left), then
    /// one after each wake-up from a committed change and one every `tick` in any case.
    pub fn spawn_search_job(self: &Arc<App>, tick: Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.search_catch_up().await {
                    tracing::warn!(code = e.code, error = %e.message, "search indexing failed; retrying");
                }
                tokio::select! {
                    _ = super::WAKE.notified() => {
                        // The wake-up is sent just before the writer commits: give it a moment.
                        tokio::time::sleep(Duration::from_millis(30)).await;
                    }
                    _ = tokio::time::sleep(tick) => {}
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizon_ids_sort_with_uuid_v7() {
        let now = SystemTime::now();
        let before = id_at(now - Duration::from_secs(1));
        let id = uuid::Uuid::now_v7().to_string();
        let after = id_at(now + Duration::from_secs(1));
        assert!(before < id, "{before} < {id}");
        assert!(id < after, "{id} < {after}");
    }
}
