//! Text of documents (issue 9): what the PDFs and scans attached to office documents say, so the
//! documents are found by it.
//!
//! A PDF page with a text layer is read with poppler's `pdftotext`; a page without one (a scan)
//! is rasterised at 300 dpi with `pdftoppm` and recognised by `tesseract` in Vietnamese (Debian
//! packages `tesseract-ocr`, `tesseract-ocr-vie`), as is an attached JPEG or PNG. The programs run
//! as subprocesses without a shell, one page at a time, each with a timeout, one file at a time in
//! the process (tesseract limited to one thread): on a 2-core laptop the server keeps a core.
//!
//! The job (one row of `document_texts` per file, queued in the transaction that attaches it)
//! records its progress page by page and, when done, writes an outbox entry for every office
//! document holding the file, so the search job indexes their text. A row left `running` by a
//! process that died is claimed again once its heartbeat is older than [`STALE_AFTER`]. A failure
//! that may pass on its own (a timeout, a program that crashed, the file store not answering) is
//! tried again by the job after 1 minute, 10 minutes and 1 hour (`qltt_domain::extraction`); any
//! other waits for a person. A missing program fails the row with `ocr.unavailable`, which is not
//! retried by itself: an operator installs it and requeues (from the document's page, or
//! `qltt text retry --code ocr.unavailable`). Drafts' files are read by the same job.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use qltt_domain::extraction::{MAX_AUTOMATIC_RETRIES, next_attempt};
use qltt_domain::format::format_instant;
use qltt_domain::officer::Permission;
use qltt_domain::text::{clean_extracted, excerpt};
use qltt_store::document_texts::{self as store, DocumentTextRow};
use qltt_store::{blobs, office, outbox, units};
use serde::Serialize;
use serde_json::json;
use tokio::sync::Notify;

use super::not_found;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A running job whose heartbeat (refreshed after each page) is older than this was left by a
/// process that died. Longer than one page can take alive: three programs (pdftotext, pdftoppm,
/// tesseract) of at most [`TextSettings::page_timeout`] (3 minutes) each.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Woken when a change may have queued a file (any outbox write).
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

pub(crate) fn wake() {
    WAKE.notify_one();
}

/// The programs and limits of text extraction.
#[derive(Debug, Clone)]
pub struct TextSettings {
    pub tesseract: String,
    pub pdftotext: String,
    pub pdftoppm: String,
    pub pdfinfo: String,
    /// Tesseract's language (Vietnamese; its data is the Debian package tesseract-ocr-vie).
    pub language: String,
    /// The longest one page may take in one program.
    pub page_timeout: Duration,
    /// Pages beyond this are not read (a 500-page annex must not hold the queue for hours).
    pub max_pages: u32,
}

impl Default for TextSettings {
    fn default() -> Self {
        TextSettings {
            tesseract: "tesseract".into(),
            pdftotext: "pdftotext".into(),
            pdftoppm: "pdftoppm".into(),
            pdfinfo: "pdfinfo".into(),
            language: "vie".into(),
            page_timeout: Duration::from_secs(180),
            max_pages: 200,
        }
    }
}

/// How the text of a file was read.
pub const TEXT_LAYER: &str = "text_layer";
pub const OCR: &str = "ocr";

/// A PDF page with fewer letters and digits than this in its text layer is taken for a scan.
const MIN_LAYER_CHARS: usize = 16;

/// The text status of one attached file, on the document's view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentText {
    pub sha256: String,
    pub file_name: Option<String>,
    pub content_type: String,
    /// queued | running | done | failed
    pub state: String,
    /// "Đang chờ đọc", "Đang nhận dạng chữ…", "Đã đọc", "Lỗi"
    pub state_label: String,
    /// text_layer | ocr (once started)
    pub method: Option<String>,
    pub pages_done: i64,
    pub pages_total: Option<i64>,
    pub error_code: Option<String>,
    pub error: Option<String>,
    /// The first words of the text, when done.
    pub excerpt: String,
    /// The whole text (on `GET …/text` only; empty on the document's view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How many times the job has started reading it.
    pub attempts: i64,
    /// A failed file the job tries again by itself (a timeout, a crash, the file store not
    /// answering): when (RFC 3339). None when it is not retried by itself (read, or a failure
    /// that waits for a person: `POST …/text/retry`).
    pub next_attempt_at: Option<String>,
    /// Automatic tries so far (at most [`MAX_AUTOMATIC_RETRIES`]) since it was last queued.
    pub auto_retries: i64,
}

impl AttachmentText {
    /// "Đang nhận dạng chữ… 2/5 trang" while running.
    pub fn progress_text(&self) -> String {
        match (self.state.as_str(), self.pages_total) {
            ("running", Some(total)) if self.method.as_deref() == Some(OCR) => {
                format!("Đang nhận dạng chữ… {}/{} trang", self.pages_done, total)
            }
            ("running", Some(total)) => {
                format!("Đang đọc chữ… {}/{} trang", self.pages_done, total)
            }
            _ => self.state_label.clone(),
        }
    }
    pub fn pending(&self) -> bool {
        matches!(self.state.as_str(), "queued" | "running")
    }
    /// For a failed file: "Thử lại lúc 05/03/2026 09:01 (lần tự động 1/3) · đã đọc 1 lần" when the
    /// job tries it again by itself, else "Đã đọc 4 lần; không tự thử lại nữa".
    pub fn retry_text(&self) -> Option<String> {
        if self.state != "failed" {
            return None;
        }
        Some(
            match self
                .next_attempt_at
                .as_deref()
                .and_then(|t| qltt_store::parse_ts(t).ok())
            {
                Some(at) => format!(
                    "Thử lại lúc {} (lần tự động {}/{MAX_AUTOMATIC_RETRIES}) · đã đọc {} lần",
                    format_instant(at),
                    self.auto_retries,
                    self.attempts
                ),
                None => format!("Đã đọc {} lần; không tự thử lại nữa", self.attempts),
            },
        )
    }
    pub fn method_label(&self) -> &'static str {
        match self.method.as_deref() {
            Some(OCR) => "nhận dạng chữ (OCR)",
            Some(TEXT_LAYER) => "lớp chữ của PDF",
            _ => "",
        }
    }
}

/// The text of a document's files (`GET /api/v1/office-documents/{id}/text`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentText {
    pub document_id: String,
    pub files: Vec<AttachmentText>,
    /// Every file's text that is read, in attachment order, separated by a blank line.
    pub text: String,
    /// Some file is still queued or being read.
    pub pending: bool,
}

fn state_label(state: &str) -> &'static str {
    match state {
        "queued" => "Đang chờ đọc chữ",
        "running" => "Đang đọc chữ…",
        "done" => "Đã đọc chữ",
        "failed" => "Không đọc được chữ",
        _ => "",
    }
}

fn attachment_text(
    row: DocumentTextRow,
    file_name: Option<String>,
    with_text: bool,
) -> AttachmentText {
    AttachmentText {
        state_label: state_label(&row.state).to_string(),
        excerpt: row
            .text
            .as_deref()
            .map(|t| excerpt(t, 300))
            .unwrap_or_default(),
        text: if with_text {
            Some(row.text.clone().unwrap_or_default())
        } else {
            None
        },
        sha256: row.sha256,
        file_name,
        content_type: row.content_type,
        state: row.state,
        method: row.method,
        pages_done: row.pages_done,
        pages_total: row.pages_total,
        error_code: row.error_code,
        error: row.error,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        auto_retries: row.auto_retries,
    }
}

/// Why a file could not be read: the code and the message recorded on its row.
#[derive(Debug)]
pub struct ExtractError {
    pub code: &'static str,
    pub message: String,
}

fn unavailable(program: &str, package: &str) -> ExtractError {
    ExtractError {
        code: "ocr.unavailable",
        message: format!(
            "Máy chủ chưa cài chương trình {program} (gói Debian {package}); người vận hành cài \
             đặt rồi cho đọc lại."
        ),
    }
}

fn failed(code: &'static str, message: impl Into<String>) -> ExtractError {
    ExtractError {
        code,
        message: message.into(),
    }
}

/// What extraction reports as it goes.
pub enum Progress {
    Pages {
        method: &'static str,
        done: u32,
        total: u32,
    },
}

/// The result of reading a file.
#[derive(Debug)]
pub struct Extracted {
    pub method: &'static str,
    pub pages: u32,
    pub text: String,
}

/// Runs `program args…` (no shell) with a timeout; its standard output is returned, its error
/// output goes into the error.
fn run(
    program: &str,
    package: &str,
    args: &[&std::ffi::OsStr],
    timeout: Duration,
) -> Result<Vec<u8>, ExtractError> {
    let mut child = Command::new(program)
        .args(args)
        // One thread: OCR must leave the other core to the server.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                unavailable(program, package)
            }
            _ => failed("ocr.failed", format!("Không chạy được {program}: {e}")),
        })?;
    // Read both pipes on threads so a chatty program never blocks on a full pipe.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(
                    "ocr.timeout",
                    format!(
                        "{program} chạy quá {} giây cho một trang; đã dừng.",
                        timeout.as_secs()
                    ),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => return Err(failed("ocr.failed", format!("{program}: {e}"))),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let why = String::from_utf8_lossy(&stderr);
        let why: String = why.trim().chars().take(500).collect();
        return Err(failed(
            "ocr.failed",
            format!("{program} báo lỗi ({status}): {why}"),
        ));
    }
    Ok(stdout)
}

/// A folder of our own under the system's temporary folder, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<WorkDir, ExtractError> {
        let dir = std::env::temp_dir().join(format!("qltt-text-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| failed("ocr.failed", format!("Không tạo được thư mục tạm: {e}")))?;
        Ok(WorkDir(dir))
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn ocr_image(s: &TextSettings, image: &Path) -> Result<String, ExtractError> {
    let out = run(
        &s.tesseract,
        "tesseract-ocr",
        &[
            image.as_os_str(),
            os("stdout"),
            os("-l"),
            os(&s.language),
            os("--psm"),
            os("3"),
        ],
        s.page_timeout,
    )
    .map_err(|e| {
        // tesseract without its Vietnamese data says so on stderr.
        if e.code == "ocr.failed" && e.message.contains("Failed loading language") {
            unavailable(&format!("tesseract ({})", s.language), "tesseract-ocr-vie")
        } else {
            e
        }
    })?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn pdf_pages(s: &TextSettings, pdf: &Path) -> Result<u32, ExtractError> {
    let out = run(
        &s.pdfinfo,
        "poppler-utils",
        &[pdf.as_os_str()],
        s.page_timeout,
    )
    .map_err(|e| {
        if e.code == "ocr.failed" {
            failed("ocr.bad_file", "Tệp PDF bị hỏng hoặc có mật khẩu.")
        } else {
            e
        }
    })?;
    let info = String::from_utf8_lossy(&out);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse::<u32>().ok())
        .ok_or_else(|| failed("ocr.bad_file", "Không đọc được số trang của tệp PDF."))
}

/// Reads the text of a file (blocking: run it on a blocking thread). `report` is told after each
/// page.
pub fn extract(
    s: &TextSettings,
    content_type: &str,
    bytes: &[u8],
    report: &mut dyn FnMut(Progress),
) -> Result<Extracted, ExtractError> {
    let dir = WorkDir::new()?;
    let write = |name: &str| -> Result<PathBuf, ExtractError> {
        let p = dir.path(name);
        std::fs::write(&p, bytes)
            .map_err(|e| failed("ocr.failed", format!("Không ghi được tệp tạm: {e}")))?;
        Ok(p)
    };
    match content_type {
        "image/jpeg" | "image/png" => {
            let image = write(if content_type == "image/png" {
                "scan.png"
            } else {
                "scan.jpg"
            })?;
            report(Progress::Pages {
                method: OCR,
                done: 0,
                total: 1,
            });
            let text = ocr_image(s, &image)?;
            report(Progress::Pages {
                method: OCR,
                done: 1,
                total: 1,
            });
            Ok(Extracted {
                method: OCR,
                pages: 1,
                text: clean_extracted(&text),
            })
        }
        "application/pdf" => {
            let pdf = write("file.pdf")?;
            let total = pdf_pages(s, &pdf)?.min(s.max_pages);
            let mut method = TEXT_LAYER;
            let mut pages = Vec::with_capacity(total as usize);
            for page in 1..=total {
                let n = page.to_string();
                let layer = run(
                    &s.pdftotext,
                    "poppler-utils",
                    &[
                        os("-enc"),
                        os("UTF-8"),
                        os("-f"),
                        os(&n),
                        os("-l"),
                        os(&n),
                        pdf.as_os_str(),
                        os("-"),
                    ],
                    s.page_timeout,
                )?;
                let layer = String::from_utf8_lossy(&layer).into_owned();
                let text = if letters(&layer) >= MIN_LAYER_CHARS {
                    layer
                } else {
                    // No text layer on this page: a scan. Rasterise it and recognise it.
                    method = OCR;
                    let base = dir.path(&format!("page-{page}"));
                    run(
                        &s.pdftoppm,
                        "poppler-utils",
                        &[
                            os("-r"),
                            os("300"),
                            os("-gray"),
                            os("-png"),
                            os("-singlefile"),
                            os("-f"),
                            os(&n),
                            os("-l"),
                            os(&n),
                            pdf.as_os_str(),
                            base.as_os_str(),
                        ],
                        s.page_timeout,
                    )?;
                    let image = base.with_extension("png");
                    let text = ocr_image(s, &image)?;
                    let _ = std::fs::remove_file(&image);
                    text
                };
                pages.push(clean_extracted(&text));
                report(Progress::Pages {
                    method,
                    done: page,
                    total,
                });
            }
            Ok(Extracted {
                method,
                pages: total,
                text: pages
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n"),
            })
        }
        other => Err(failed(
            "ocr.unsupported_type",
            format!("Không đọc chữ được từ tệp loại {other}."),
        )),
    }
}

impl App {
    /// The text status of a document's files (those that are read: PDFs and images).
    pub(crate) async fn attachment_texts(
        &self,
        shas: &[String],
        with_text: bool,
    ) -> AppResult<Vec<AttachmentText>> {
        let pool = self.db.pool();
        let mut rows = store::of_files(pool, shas).await?;
        let mut out = Vec::with_capacity(rows.len());
        for sha in shas {
            let Some(i) = rows.iter().position(|r| &r.sha256 == sha) else {
                continue;
            };
            let row = rows.swap_remove(i);
            let name = blobs::get(pool, sha).await?.and_then(|b| b.file_name);
            out.push(attachment_text(row, name, with_text));
        }
        Ok(out)
    }

    /// The text read from a document's files, if the actor sees the document (else 404) and, for
    /// a secret one, is entitled to it (else 403; the reading is recorded).
    pub async fn office_document_text(&self, actor: &Actor, id: &str) -> AppResult<DocumentText> {
        let row = self.readable_document(actor, id).await?;
        self.record_secret_read(
            actor,
            &row,
            "office_document.secret_text_read",
            json!({}),
            false,
        )
        .await?;
        let doc = self.office_view(row, true).await?;
        self.text_of(&doc).await
    }

    /// A document's page: the document and the text of its files, one opening recorded.
    pub async fn office_document_with_text(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(super::OfficeDocument, DocumentText)> {
        let doc = self.office_document(actor, id).await?;
        let text = self.text_of(&doc).await?;
        Ok((doc, text))
    }

    async fn text_of(&self, doc: &super::OfficeDocument) -> AppResult<DocumentText> {
        let files = self.attachment_texts(&doc.attachment_shas, true).await?;
        let text = files
            .iter()
            .filter_map(|f| f.text.as_deref())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        Ok(DocumentText {
            document_id: doc.row.id.clone(),
            pending: files.iter().any(AttachmentText::pending),
            files,
            text,
        })
    }

    /// Reads a document's files again (after tesseract was installed, or a bad OCR): a leader of
    /// the register's scope or an administrator. Files being read are left alone; when nothing
    /// can be requeued the answer is 409 `text.in_progress`.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id, document_id = %id))]
    pub async fn retry_office_document_text(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<DocumentText> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let mut tx = self.db.begin(self.now()).await?;
        let row = office::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        let in_scope = units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await?;
        if !super::sees_in(tx.conn(), actor, &row).await? {
            return Err(not_found());
        }
        if super::secrecy::entitlement_in(tx.conn(), actor, &row)
            .await?
            .is_none()
        {
            return Err(super::secrecy::restricted());
        }
        if !(actor.may(Permission::RouteDocuments) && in_scope) {
            return Err(AppError::forbidden());
        }
        let shas = row.attachment_list();
        let mut requeued = Vec::new();
        for sha in &shas {
            let again = if store::get_in(tx.conn(), sha).await?.is_none() {
                // A readable file without a job (attached before it existed) gets one now.
                store::enqueue(&mut tx, std::slice::from_ref(sha)).await?;
                store::get_in(tx.conn(), sha).await?.is_some()
            } else {
                store::requeue(&mut tx, sha).await?
            };
            if again {
                requeued.push(sha.clone());
            }
        }
        if requeued.is_empty() {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "text.in_progress",
                "Các tệp đang chờ hoặc đang được đọc chữ; không có gì để đọc lại.",
            ));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_document.text_retry",
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_document.changed",
                details: json!({"files": requeued}),
            },
        )
        .await?;
        tx.commit().await?;
        wake();
        let doc = self.office_document_unlogged(actor, id).await?;
        self.text_of(&doc).await
    }

    /// Reads the next file due (queued, due for an automatic retry, or left by a dead process), if
    /// any. Returns whether one was processed (done or failed).
    pub async fn text_job_step(&self) -> AppResult<bool> {
        let stale_before =
            self.now() - chrono::Duration::from_std(STALE_AFTER).map_err(AppError::internal)?;
        let mut tx = self.db.begin(self.now()).await?;
        let claimed = store::claim(&mut tx, stale_before).await?;
        tx.commit_bookkeeping().await?;
        let Some(job) = claimed else {
            return Ok(false);
        };
        let started = Instant::now();
        let result = match self.blobs.get(&job.sha256).await {
            Ok(Some(bytes)) => self.extract_reporting(&job, bytes).await?,
            Ok(None) => Err(failed(
                "ocr.file_missing",
                "Không tìm thấy tệp trong kho lưu trữ.",
            )),
            // Changed on the disk since it was stored: reading it again gives the same bytes.
            Err(e @ qltt_blobs::BlobError::Corrupt { .. }) => Err(failed(
                "ocr.file_corrupt",
                format!("Tệp trong kho lưu trữ đã bị thay đổi: {e}"),
            )),
            // The store did not answer (a network share, S3): it may on the next try.
            Err(e) => Err(failed(
                "ocr.file_unreadable",
                format!("Không đọc được tệp từ kho lưu trữ: {e}"),
            )),
        };
        let mut tx = self.db.begin(self.now()).await?;
        match result {
            Ok(x) => {
                tracing::info!(
                    sha256 = %job.sha256, method = x.method, pages = x.pages,
                    ms = started.elapsed().as_millis() as u64, "text of a file read"
                );
                if store::finish(&mut tx, &job.sha256, x.method, i64::from(x.pages), &x.text)
                    .await?
                {
                    // The documents and drafts holding the file are indexed again, now with its
                    // text.
                    let payload = json!({"sha256": job.sha256, "method": x.method});
                    for (doc_id, _unit) in
                        store::documents_with_file(tx.conn(), &job.sha256).await?
                    {
                        outbox::push(&mut tx, "office_document.text", &doc_id, &payload).await?;
                    }
                    for draft_id in store::drafts_with_file(tx.conn(), &job.sha256).await? {
                        outbox::push(&mut tx, "office_draft.text", &draft_id, &payload).await?;
                    }
                }
            }
            Err(e) => {
                // A failure that may pass on its own is tried again later by the job itself.
                let retry_at = next_attempt(e.code, job.auto_retries, self.now());
                tracing::warn!(sha256 = %job.sha256, code = e.code, error = %e.message,
                    attempts = job.attempts, retry_at = ?retry_at,
                    "text of a file could not be read");
                store::fail(&mut tx, &job.sha256, e.code, &e.message, retry_at).await?;
            }
        }
        tx.commit_bookkeeping().await?;
        crate::search::WAKE.notify_one();
        Ok(true)
    }

    /// Runs extraction on a blocking thread and records its progress as it comes.
    async fn extract_reporting(
        &self,
        job: &DocumentTextRow,
        bytes: Vec<u8>,
    ) -> AppResult<Result<Extracted, ExtractError>> {
        let (sender, mut progress) = tokio::sync::mpsc::unbounded_channel();
        let settings = self.text_settings.clone();
        let content_type = job.content_type.clone();
        let work = tokio::task::spawn_blocking(move || {
            extract(&settings, &content_type, &bytes, &mut |p| {
                let _ = sender.send(p);
            })
        });
        while let Some(Progress::Pages {
            method,
            done,
            total,
        }) = progress.recv().await
        {
            let mut tx = self.db.begin(self.now()).await?;
            store::progress(
                &mut tx,
                &job.sha256,
                method,
                i64::from(done),
                i64::from(total),
            )
            .await?;
            tx.commit_bookkeeping().await?;
        }
        work.await.map_err(AppError::internal)
    }

    /// Reads every queued file (one at a time); returns how many were processed.
    pub async fn text_catch_up(&self) -> AppResult<usize> {
        let _one = self.text_gate.lock().await;
        let mut n = 0;
        while self.text_job_step().await? {
            n += 1;
        }
        Ok(n)
    }

    /// Puts every failed file back in the queue (`qltt text retry`, after installing tesseract);
    /// `code` keeps only the failures with that code. Returns how many.
    pub async fn requeue_failed_texts(&self, code: Option<&str>) -> AppResult<u64> {
        let mut tx = self.db.begin(self.now()).await?;
        let n = store::requeue_failed(&mut tx, code).await?;
        tx.commit_bookkeeping().await?;
        wake();
        Ok(n)
    }

    /// Runs the text job until the process ends: a pass at start (taking up what a crash left),
    /// then after each wake-up and every `tick`.
    pub fn spawn_text_job(self: &Arc<App>, tick: Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.text_catch_up().await {
                    tracing::warn!(code = e.code, error = %e.message, "text extraction failed; retrying");
                }
                tokio::select! {
                    _ = WAKE.notified() => {
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
    fn a_missing_program_is_reported_as_unavailable() {
        let r = run(
            "qltt-no-such-program",
            "qltt-no-such-package",
            &[],
            Duration::from_secs(5),
        );
        let e = r.err().map(|e| (e.code, e.message)).unwrap_or_default();
        assert_eq!(e.0, "ocr.unavailable");
        assert!(e.1.contains("qltt-no-such-package"), "{}", e.1);
    }

    #[test]
    fn progress_reads_like_the_page() {
        let t = AttachmentText {
            sha256: String::new(),
            file_name: None,
            content_type: "application/pdf".into(),
            state: "running".into(),
            state_label: state_label("running").into(),
            method: Some(OCR.into()),
            pages_done: 2,
            pages_total: Some(5),
            error_code: None,
            error: None,
            excerpt: String::new(),
            text: None,
            attempts: 1,
            next_attempt_at: None,
            auto_retries: 0,
        };
        assert_eq!(t.progress_text(), "Đang nhận dạng chữ… 2/5 trang");
        assert!(t.pending());
    }

    #[test]
    fn a_failed_file_says_when_it_is_tried_again() {
        let mut t = AttachmentText {
            sha256: String::new(),
            file_name: None,
            content_type: "application/pdf".into(),
            state: "failed".into(),
            state_label: state_label("failed").into(),
            method: None,
            pages_done: 0,
            pages_total: None,
            error_code: Some("ocr.timeout".into()),
            error: Some("…".into()),
            excerpt: String::new(),
            text: None,
            attempts: 2,
            // 02:01 UTC is 09:01 in Vietnam.
            next_attempt_at: Some("2026-03-05T02:01:00.000000Z".into()),
            auto_retries: 2,
        };
        assert_eq!(
            t.retry_text().as_deref(),
            Some("Thử lại lúc 05/03/2026 09:01 (lần tự động 2/3) · đã đọc 2 lần")
        );
        t.next_attempt_at = None;
        assert_eq!(
            t.retry_text().as_deref(),
            Some("Đã đọc 2 lần; không tự thử lại nữa")
        );
        t.state = "done".into();
        assert_eq!(t.retry_text(), None);
    }
}
