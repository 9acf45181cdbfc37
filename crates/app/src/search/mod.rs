//! Search across businesses, cases and documents (issue 7): the use case behind
//! `GET /api/v1/search` and the header's search box, and the job that feeds the index.

mod docs;
pub mod indexer;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use qltt_domain::officer::Permission;
use qltt_domain::text::bounded;
use qltt_search::{
    Kind, PUBLIC_SCOPE, SearchError, SearchIndex, SearchPage, SearchQuery, TantivyIndex,
};
use serde::Serialize;
use tokio::sync::{Mutex, Notify};

use crate::{Actor, App, AppError, AppResult, ErrorKind};

pub use indexer::RebuildProgress;

/// Woken after a use case writes an outbox entry, so the job indexes it within moments instead of
/// at the next tick. One per process: a wake-up meant for another app in the same process (tests)
/// only causes an extra, empty pass.
pub(crate) static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Called by [`crate::record`] for every outbox entry.
pub(crate) fn outbox_written() {
    WAKE.notify_one();
    // A change that attached a file queued its text in the same transaction.
    crate::office::text::wake();
}

/// The index and the job's lock.
#[derive(Clone)]
pub struct SearchHandle {
    pub index: Arc<dyn SearchIndex>,
    /// Held for a pass of the job or a rebuild; `true` once the index is known to follow this
    /// database (checked at the first pass).
    pub(crate) gate: Arc<Mutex<bool>>,
    /// Searches of the public portal per client address (see [`PublicLimiter`]).
    pub(crate) public_limiter: Arc<PublicLimiter>,
}

impl SearchHandle {
    pub fn new(index: Arc<dyn SearchIndex>) -> SearchHandle {
        SearchHandle {
            index,
            gate: Arc::new(Mutex::new(false)),
            public_limiter: Arc::default(),
        }
    }

    /// An index in memory, rebuilt from the database by the first pass of the job.
    pub fn in_ram() -> SearchHandle {
        match TantivyIndex::in_ram() {
            Ok(ix) => SearchHandle::new(Arc::new(ix)),
            Err(e) => SearchHandle::new(Arc::new(Unavailable(e.to_string()))),
        }
    }

    /// The index kept in `dir` (`./data/search` by default).
    pub fn open_dir(dir: &Path) -> AppResult<SearchHandle> {
        let ix = TantivyIndex::open_dir(dir).map_err(AppError::internal)?;
        Ok(SearchHandle::new(Arc::new(ix)))
    }
}

/// Searches of the public portal a client address may make per minute: plenty for a person typing
/// (the box asks once per pause), too few to read the dataset through the search (the CSV and JSON
/// downloads are there for that) or to keep the index busy.
pub const PUBLIC_SEARCHES_PER_MINUTE: u32 = 120;

/// Addresses remembered before the expired ones are forgotten.
const LIMITER_ADDRESSES: usize = 10_000;

/// A fixed one-minute window per client address, in memory (a restart forgets it: a limit of
/// load, not a security boundary). Real time, not the application's clock.
#[derive(Default)]
pub(crate) struct PublicLimiter {
    windows: std::sync::Mutex<HashMap<String, (Instant, u32)>>,
}

impl PublicLimiter {
    /// Counts a search of `client`; false when it is over the limit of its current minute.
    fn allow(&self, client: &str) -> bool {
        const WINDOW: Duration = Duration::from_secs(60);
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            // A poisoned lock only means another search panicked: do not refuse everyone.
            return true;
        };
        if windows.len() >= LIMITER_ADDRESSES && !windows.contains_key(client) {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if windows.len() >= LIMITER_ADDRESSES {
                // Under a flood of addresses, the oldest windows go first.
                if let Some(oldest) = windows
                    .iter()
                    .min_by_key(|(_, (start, _))| *start)
                    .map(|(k, _)| k.clone())
                {
                    windows.remove(&oldest);
                }
            }
        }
        let entry = windows.entry(client.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= PUBLIC_SEARCHES_PER_MINUTE
    }
}

/// Stands in when no index could be created: searches fail with search.unavailable, nothing else
/// breaks.
struct Unavailable(String);

impl SearchIndex for Unavailable {
    fn upsert(&self, _: &qltt_search::SearchDoc) -> Result<(), SearchError> {
        Err(SearchError::Index(self.0.clone()))
    }
    fn delete(&self, _: &str) -> Result<(), SearchError> {
        Err(SearchError::Index(self.0.clone()))
    }
    fn delete_all(&self) -> Result<(), SearchError> {
        Err(SearchError::Index(self.0.clone()))
    }
    fn commit(&self, _: Option<&str>) -> Result<(), SearchError> {
        Err(SearchError::Index(self.0.clone()))
    }
    fn marker(&self) -> Result<Option<String>, SearchError> {
        Ok(None)
    }
    fn search(&self, _: &SearchQuery<'_>) -> Result<SearchPage, SearchError> {
        Err(SearchError::Index(self.0.clone()))
    }
    fn doc_count(&self) -> Result<u64, SearchError> {
        Ok(0)
    }
}

/// Whose records a query may return: a unit's subtree (or [`PUBLIC_SCOPE`]), the records naming
/// `officer`, and the secret records of the subtree when `reads_secrets`.
pub(crate) struct Scope {
    pub unit: String,
    pub officer: Option<String>,
    pub reads_secrets: bool,
}

/// One result, with where it opens.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchItem {
    pub id: String,
    /// business | case | document | office_document | office_draft
    pub kind: String,
    /// "Cơ sở kinh doanh", "Vụ việc", "Văn bản"
    pub kind_label: String,
    pub title: String,
    pub subtitle: String,
    pub unit_id: String,
    /// The page that shows it.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchItem>,
    /// Matches in the actor's scope.
    pub total: usize,
    /// Offset of the next page, if any.
    pub next_offset: Option<usize>,
}

/// Deep pages are not a way to read the register (that is the list with its cursor).
pub const MAX_OFFSET: usize = 1000;

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Business => "Cơ sở kinh doanh",
        Kind::Case => "Vụ việc",
        Kind::Document => "Văn bản",
        Kind::OfficeDocument => "Văn bản đến/đi",
        Kind::OfficeDraft => "Dự thảo văn bản đi",
        Kind::PublicDecision => "Quyết định xử phạt đã công bố",
    }
}

impl App {
    /// Replaces the default in-memory index (e.g. with the one under the data folder).
    pub fn with_search(mut self, search: SearchHandle) -> App {
        self.search = search;
        self
    }

    /// Records of `kind` (all kinds the actor may see when `None`) matching `q`, in the actor's
    /// unit subtree only.
    pub async fn search(
        &self,
        actor: &Actor,
        q: &str,
        kind: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> AppResult<SearchResults> {
        let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            // The public copies of decisions are the portal's (`search_open_decisions`).
            Some(k) => Some(
                Kind::parse(k)
                    .filter(|k| *k != Kind::PublicDecision)
                    .ok_or_else(|| {
                        AppError::bad_input(
                            "search.invalid_kind",
                            "Loại cần tìm phải là business, case, document, office_document hoặc \
                             office_draft.",
                        )
                    })?,
            ),
        };
        let may_cases = actor.may(Permission::ViewCases);
        let may_businesses = actor.may(Permission::ViewBusinesses);
        let may_office = actor.may(Permission::ViewOfficeDocuments);
        let kind = match kind {
            Some(Kind::Business) if !may_businesses => return Err(AppError::forbidden()),
            Some(Kind::Case | Kind::Document) if !may_cases => return Err(AppError::forbidden()),
            Some(Kind::OfficeDocument | Kind::OfficeDraft) if !may_office => {
                return Err(AppError::forbidden());
            }
            Some(k) => Some(k),
            // Every kind, office documents included (every role may view them; a role that may
            // not is offered businesses or cases below, one kind at a time).
            None if may_cases && may_businesses && may_office => None,
            None if may_businesses => Some(Kind::Business),
            None if may_cases => Some(Kind::Case),
            None if may_office => Some(Kind::OfficeDocument),
            None => return Err(AppError::forbidden()),
        };
        // The actor's subtree, or a record naming the actor (a document routed to them, their own
        // draft): what the read rules let them open.
        // Secret documents and drafts: of the subtree only for who reads secrets (leaders, the
        // secret-book clerk); otherwise only those naming the actor (see `office::secrecy`).
        let page = self
            .query_index(
                q,
                kind,
                Scope {
                    unit: actor.unit_id.clone(),
                    officer: Some(actor.id.clone()),
                    reads_secrets: actor.may(Permission::ReadSecretDocuments),
                },
                offset,
                limit,
            )
            .await?;
        let mut items = Vec::with_capacity(page.hits.len());
        for h in page.hits {
            let url = match h.kind {
                Kind::Business => format!("/businesses/{}", h.id),
                Kind::OfficeDocument => format!("/office/{}", h.id),
                Kind::OfficeDraft => format!("/office/drafts/{}", h.id),
                Kind::Case => format!("/cases/{}", h.id),
                // Never in an officer's scope; the portal lists it.
                Kind::PublicDecision => "/public/open-data".to_string(),
                Kind::Document => {
                    match qltt_store::documents::get(self.db.pool(), &h.id)
                        .await?
                        .and_then(|d| d.case_id)
                    {
                        Some(case_id) => format!("/cases/{case_id}"),
                        None => format!("/api/v1/documents/{}", h.id),
                    }
                }
            };
            items.push(SearchItem {
                kind: h.kind.as_str().into(),
                kind_label: kind_label(h.kind).into(),
                id: h.id,
                title: h.title,
                subtitle: h.subtitle,
                unit_id: h.unit_id,
                url,
            });
        }
        let next = offset + items.len();
        let next_offset = (next < page.total && !items.is_empty()).then_some(next);
        Ok(SearchResults {
            items,
            total: page.total,
            next_offset,
        })
    }
}

impl App {
    /// Checks the query's bounds and asks the index, off the async workers. `scope` is a unit id
    /// (an officer's subtree) or [`PUBLIC_SCOPE`] (the portal); `officer` (an officer's user id)
    /// adds the records naming that officer.
    pub(crate) async fn query_index(
        &self,
        q: &str,
        kind: Option<Kind>,
        scope: Scope,
        offset: usize,
        limit: usize,
    ) -> AppResult<SearchPage> {
        let Scope {
            unit: scope,
            officer,
            reads_secrets,
        } = scope;
        bounded("q", q, 200, false)?;
        if offset > MAX_OFFSET {
            return Err(AppError::bad_input(
                "search.offset_too_large",
                format!("Chỉ xem được {MAX_OFFSET} kết quả đầu; hãy gõ cụ thể hơn."),
            ));
        }
        let limit = limit.clamp(1, 50);
        // Untrimmed: a trailing space tells the index the last word is complete.
        let text = q.to_string();
        let index = self.search.index.clone();
        tokio::task::spawn_blocking(move || {
            index.search(&SearchQuery {
                text: &text,
                kind,
                scope: Some(&scope),
                officer: officer.as_deref(),
                reads_secrets,
                offset,
                limit,
            })
        })
        .await
        .map_err(AppError::internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "search index failed");
            AppError::new(
                ErrorKind::Internal,
                "search.unavailable",
                "Chức năng tìm kiếm tạm thời không dùng được.",
            )
        })
    }

    /// The public portal's search (issue 7): the sanction decisions published now, anonymised as
    /// the open dataset shows them, matching `q` (number, organisation's name or tax code, acts,
    /// issuing unit). Only the public copies are searched (their kind and scope are clauses of
    /// the query, so counts and pages are right); each hit is read back from its live
    /// publication, so a decision withdrawn a moment ago is not shown even before the job has
    /// removed it. `client` is the caller's address, for [`PUBLIC_SEARCHES_PER_MINUTE`].
    pub async fn search_open_decisions(
        &self,
        client: &str,
        q: &str,
        offset: usize,
        limit: usize,
    ) -> AppResult<OpenSearchResults> {
        if !self.search.public_limiter.allow(client) {
            return Err(AppError::new(
                ErrorKind::TooManyRequests,
                "open_data.search_throttled",
                "Bạn đã tìm kiếm quá nhiều lần trong một phút; xin thử lại sau ít phút, hoặc tải toàn bộ dữ liệu (CSV, JSON).",
            ));
        }
        let page = self
            .query_index(
                q,
                Some(Kind::PublicDecision),
                Scope {
                    unit: PUBLIC_SCOPE.to_string(),
                    officer: None,
                    reads_secrets: false,
                },
                offset,
                limit,
            )
            .await?;
        let ids: Vec<&str> = page
            .hits
            .iter()
            .filter_map(|h| h.id.strip_prefix(docs::PUBLIC_ID_PREFIX))
            .collect();
        let mut rows = qltt_store::publications::published_among(self.db.pool(), &ids).await?;
        let base = self.public_base();
        let mut items = Vec::with_capacity(ids.len());
        for id in &ids {
            if let Some(i) = rows.iter().position(|r| r.document_id == *id) {
                items.push(crate::open_data::open_decision(rows.swap_remove(i), &base));
            }
        }
        let next = offset + page.hits.len();
        let next_offset = (next < page.total && !page.hits.is_empty()).then_some(next);
        Ok(OpenSearchResults {
            items,
            total: page.total,
            next_offset,
        })
    }
}

/// Published decisions matching a query of the portal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenSearchResults {
    pub items: Vec<crate::open_data::OpenDecision>,
    /// Published decisions matching.
    pub total: usize,
    /// Offset of the next page, if any.
    pub next_offset: Option<usize>,
}
