//! Files attached to records (photos of seized goods, camera clips, scanned minutes). The bytes go
//! to the blob store by SHA-256; the metadata row (with the uploader's unit, which decides who may
//! fetch it) is written with its audit event. Records point at files by hash, so a file attached
//! to a custody event can never be swapped afterwards.

use qltt_domain::officer::Permission;
use qltt_store::blobs::{self, BlobRow, NewBlob};
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// What the product accepts, judged from the bytes (never from the name or the client's claim).
const ACCEPTED: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heif",
    "application/pdf",
    "video/mp4",
    "video/webm",
    "video/quicktime",
];

/// How many leading bytes decide a file's type (infer reads magic numbers in the first few
/// hundred; MP4's `ftyp` box sits at byte 4).
const SNIFF_BYTES: usize = 8 * 1024;

/// Files up to this size are read whole and checked before a byte is sent; larger ones stream
/// (see [`App::file_stream`]).
pub const WHOLE_READ_MAX: u64 = 16 * 1024 * 1024;

/// Names a browser or a phone may declare for the types above. `application/octet-stream`
/// (and no header) declares nothing.
fn normalise_declared(declared: &str) -> Option<&'static str> {
    let essence = declared.split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    Some(match essence.as_str() {
        "" | "application/octet-stream" | "binary/octet-stream" => return None,
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/heif" | "image/heic" | "image/heif-sequence" | "image/heic-sequence" => "image/heif",
        "application/pdf" | "application/x-pdf" => "application/pdf",
        "video/mp4" | "application/mp4" => "video/mp4",
        "video/webm" => "video/webm",
        "video/quicktime" => "video/quicktime",
        _ => "other",
    })
}

/// A file's bytes on their way out: whole for small files (already checked against their hash),
/// or a stream for large ones that breaks off before its end if the bytes no longer match.
pub enum FileBytes {
    Whole(Vec<u8>),
    Stream {
        size: u64,
        stream:
            futures_util::stream::BoxStream<'static, Result<bytes::Bytes, qltt_blobs::BlobError>>,
    },
}

fn blob_error(e: qltt_blobs::BlobError) -> AppError {
    match e {
        qltt_blobs::BlobError::Corrupt { .. } => AppError::new(
            ErrorKind::Internal,
            "file.corrupt",
            "Tệp lưu trữ không khớp mã băm; đã ghi nhận để kiểm tra.",
        ),
        qltt_blobs::BlobError::TooLarge { limit } => AppError::new(
            ErrorKind::TooLarge,
            "file.too_large",
            format!(
                "Tệp quá lớn: tối đa {} MB.",
                qltt_domain::format::Vnd((limit / (1024 * 1024)) as i64).grouped()
            ),
        ),
        qltt_blobs::BlobError::Source(reason) => {
            tracing::info!(%reason, "upload interrupted");
            AppError::bad_input(
                "file.interrupted",
                "Việc tải tệp lên bị gián đoạn; hãy gửi lại (phần đã nhận không được lưu).",
            )
        }
        other => AppError::internal(other),
    }
}

/// What is read and dropped of a refused upload's rest before answering.
const DRAIN_MAX: usize = 16 * 1024 * 1024;

/// Reads and drops what is left of a refused upload, up to [`DRAIN_MAX`] bytes, so that a client
/// still sending its body reads the 400 instead of a closed connection (the server closes a
/// connection whose request body was not read to its end, and a client busy writing may see that
/// first). Nothing is kept. A longer rest is not waited for: that client sees the connection
/// close, and the server is not made to swallow gigabytes it has already refused.
async fn drain_refused<S>(stream: &mut std::pin::Pin<Box<S>>)
where
    S: futures_util::Stream + ?Sized,
    S::Item: DrainChunk,
{
    use futures_util::StreamExt;
    let mut drained = 0usize;
    while drained < DRAIN_MAX {
        match stream.next().await {
            Some(item) => match item.chunk_len() {
                Some(n) => drained += n,
                None => break,
            },
            None => break,
        }
    }
}

/// A stream item of an upload: its length, or `None` for an error.
trait DrainChunk {
    fn chunk_len(&self) -> Option<usize>;
}

impl<E> DrainChunk for Result<bytes::Bytes, E> {
    fn chunk_len(&self) -> Option<usize> {
        self.as_ref().ok().map(bytes::Bytes::len)
    }
}

impl App {
    /// Stores an uploaded file and records who brought it. Uploading the same bytes again returns
    /// the first record (deduplicated), with no second write. (Small files already in memory:
    /// the photos of a page form; the API streams, see [`App::upload_file_stream`].)
    pub async fn upload_file(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        file_name: Option<&str>,
    ) -> AppResult<BlobRow> {
        let stream = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
            bytes::Bytes::from(bytes),
        )]);
        self.upload_file_stream(actor, stream, file_name, None)
            .await
    }

    /// Stores a file as it arrives (a 2 GB camera clip is never held in memory): its type is
    /// judged from its first bytes (never from its name), must match the type the sender
    /// declared, if any, and it may not exceed `settings.max_upload_bytes`. A refused, too large
    /// or interrupted upload leaves nothing behind: no row, no audit event, no stored bytes.
    #[tracing::instrument(skip(self, actor, stream), fields(actor = %actor.id))]
    pub async fn upload_file_stream<S, E>(
        &self,
        actor: &Actor,
        stream: S,
        file_name: Option<&str>,
        declared_type: Option<&str>,
    ) -> AppResult<BlobRow>
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        use futures_util::StreamExt;
        actor.require(Permission::UploadFiles)?;
        let limit = self.settings.max_upload_bytes;
        // Fused: a file shorter than the sniffed head has ended before the rest is chained.
        let mut stream = Box::pin(stream.fuse());
        // The first bytes decide the type before anything is stored.
        let mut head: Vec<bytes::Bytes> = Vec::new();
        let mut head_len = 0usize;
        while head_len < SNIFF_BYTES {
            match stream.next().await {
                Some(Ok(chunk)) => {
                    head_len += chunk.len();
                    head.push(chunk);
                }
                Some(Err(e)) => {
                    return Err(blob_error(qltt_blobs::BlobError::Source(e.to_string())));
                }
                None => break,
            }
        }
        if head_len == 0 {
            return Err(AppError::bad_input("file.empty", "Tệp rỗng."));
        }
        let prefix: Vec<u8> = head
            .iter()
            .flat_map(|c| c.iter().copied())
            .take(SNIFF_BYTES)
            .collect();
        let Some(content_type) = infer::get(&prefix)
            .map(|t| t.mime_type())
            .filter(|m| ACCEPTED.contains(m))
        else {
            drain_refused(&mut stream).await;
            return Err(AppError::bad_input(
                "file.unsupported_type",
                "Chỉ nhận ảnh (JPEG, PNG, WebP, HEIF), PDF hoặc video (MP4, WebM, MOV).",
            ));
        };
        if let Some(declared) = declared_type.and_then(normalise_declared)
            && declared != content_type
        {
            drain_refused(&mut stream).await;
            return Err(AppError::bad_input(
                "file.type_mismatch",
                format!(
                    "Tệp được khai báo là “{}” nhưng nội dung là “{content_type}”; hãy chọn đúng tệp.",
                    declared_type.unwrap_or_default().trim()
                ),
            ));
        }
        let name = file_name
            .map(|n| n.trim().chars().take(200).collect::<String>())
            .filter(|n| !n.is_empty());
        // Bytes first (idempotent by address), then the row in one audited transaction.
        let whole = futures_util::stream::iter(head.into_iter().map(Ok::<_, String>))
            .chain(stream.map(|r| r.map_err(|e| e.to_string())));
        let stored = self
            .blobs
            .put_stream(whole, limit)
            .await
            .map_err(blob_error)?;
        let size = stored.size as i64;
        let mut tx = self.db.begin(self.now()).await?;
        if let Some(existing) = blobs::get_in(tx.conn(), &stored.sha256).await? {
            tx.rollback().await?;
            return Ok(existing);
        }
        let row = blobs::register(
            &mut tx,
            &NewBlob {
                sha256: &stored.sha256,
                size,
                content_type,
                file_name: name.as_deref(),
                unit_id: &actor.unit_id,
                created_by: &actor.id,
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "file.upload",
                entity_type: "file",
                entity_id: &row.sha256,
                unit_id: &row.unit_id,
                topic: "file.uploaded",
                details: json!({"sha256": row.sha256, "size": row.size, "content_type": row.content_type}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// A stored file for download: small files whole and checked, large ones as a checked
    /// stream (see [`FileBytes`]).
    pub async fn file_stream(
        &self,
        actor: &Actor,
        sha256: &str,
    ) -> AppResult<(BlobRow, FileBytes)> {
        let row = self.file_meta(actor, sha256).await?;
        if (row.size as u64) <= WHOLE_READ_MAX {
            let bytes = self
                .blobs
                .get(&row.sha256)
                .await
                .map_err(blob_error)?
                .ok_or_else(|| AppError::not_found("file.not_found"))?;
            return Ok((row, FileBytes::Whole(bytes)));
        }
        let (size, stream) = self
            .blobs
            .get_stream(&row.sha256)
            .await
            .map_err(blob_error)?
            .ok_or_else(|| AppError::not_found("file.not_found"))?;
        Ok((
            row,
            FileBytes::Stream {
                size,
                stream: Box::pin(stream),
            },
        ))
    }

    /// A stored file, if the actor's scope covers the unit that uploaded it. The bytes are checked
    /// against their hash on the way out.
    pub async fn file(&self, actor: &Actor, sha256: &str) -> AppResult<(BlobRow, Vec<u8>)> {
        let row = self.file_meta(actor, sha256).await?;
        let bytes = self
            .blobs
            .get(&row.sha256)
            .await
            .map_err(blob_error)?
            .ok_or_else(|| AppError::not_found("file.not_found"))?;
        Ok((row, bytes))
    }

    pub async fn file_meta(&self, actor: &Actor, sha256: &str) -> AppResult<BlobRow> {
        let sha = sha256.trim().to_ascii_lowercase();
        let row = blobs::get(self.db.pool(), &sha)
            .await?
            .ok_or_else(|| AppError::not_found("file.not_found"))?;
        // A file attached to a document with a secrecy level opens only for those entitled to
        // one of the secret documents holding it (else 404, as for a file out of scope, whoever
        // uploaded it), wherever their unit is, and each opening is recorded against that
        // document (see `office::secrecy`).
        {
            let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
            let holders =
                qltt_store::office_access::secret_documents_with_file(&mut conn, &row.sha256)
                    .await?;
            if !holders.is_empty() {
                for doc in &holders {
                    if crate::office::secrecy::entitlement_in(&mut conn, actor, doc)
                        .await?
                        .is_some()
                    {
                        drop(conn);
                        self.record_secret_read(
                            actor,
                            doc,
                            "office_document.secret_file_read",
                            json!({"sha256": row.sha256}),
                            true,
                        )
                        .await?;
                        return Ok(row);
                    }
                }
                return Err(AppError::not_found("file.not_found"));
            }
            // A secret draft's file: for those who read the draft (its unit's leaders and
            // secret-book clerk, the people named on it).
            let drafts =
                qltt_store::office_access::secret_drafts_with_file(&mut conn, &row.sha256).await?;
            if !drafts.is_empty() {
                for d in &drafts {
                    if self.sees_draft(&mut conn, actor, d).await? {
                        return Ok(row);
                    }
                }
                return Err(AppError::not_found("file.not_found"));
            }
        }
        // Outside the scope the file does not exist, as for any other record, unless it is
        // attached to an office document routed to the officer's scope or to a directive their
        // scope received, or to a task (or a note of a task) they see.
        if !self.in_scope(actor, &row.unit_id).await? {
            let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
            let reaches =
                qltt_store::office::file_reaches(&mut conn, &row.sha256, &actor.unit_id, &actor.id)
                    .await?
                    || qltt_store::tasks::file_reaches(
                        &mut conn,
                        &row.sha256,
                        &actor.unit_id,
                        &actor.id,
                    )
                    .await?;
            if !reaches {
                return Err(AppError::not_found("file.not_found"));
            }
        }
        Ok(row)
    }

    /// Checks, inside a write transaction, that every hash names a file the actor may attach.
    pub(crate) async fn require_files(
        &self,
        tx: &mut qltt_store::WriteTx,
        actor: &Actor,
        shas: &[String],
    ) -> AppResult<Vec<String>> {
        let mut out = Vec::new();
        for s in shas {
            let sha = s.trim().to_ascii_lowercase();
            let row = blobs::get_in(tx.conn(), &sha).await?;
            let visible = match &row {
                Some(r) => {
                    qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &r.unit_id).await?
                }
                None => false,
            };
            if !visible {
                return Err(AppError::bad_input(
                    "file.unknown",
                    format!("Tệp {sha} chưa được tải lên."),
                ));
            }
            if !out.contains(&sha) {
                out.push(sha);
            }
        }
        Ok(out)
    }
}
