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

impl App {
    /// Stores an uploaded file and records who brought it. Uploading the same bytes again returns
    /// the first record (deduplicated), with no second write.
    #[tracing::instrument(skip(self, actor, bytes), fields(actor = %actor.id, size = bytes.len()))]
    pub async fn upload_file(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        file_name: Option<&str>,
    ) -> AppResult<BlobRow> {
        actor.require(Permission::UploadFiles)?;
        if bytes.is_empty() {
            return Err(AppError::bad_input("file.empty", "Tệp rỗng."));
        }
        let content_type = infer::get(&bytes)
            .map(|t| t.mime_type())
            .filter(|m| ACCEPTED.contains(m))
            .ok_or_else(|| {
                AppError::bad_input(
                    "file.unsupported_type",
                    "Chỉ nhận ảnh (JPEG, PNG, WebP, HEIF), PDF hoặc video (MP4, WebM, MOV).",
                )
            })?;
        let name = file_name
            .map(|n| n.trim().chars().take(200).collect::<String>())
            .filter(|n| !n.is_empty());
        let size = bytes.len() as i64;
        // Bytes first (idempotent by address), then the row in one audited transaction.
        let stored = self.blobs.put(bytes).await.map_err(AppError::internal)?;
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

    /// A stored file, if the actor's scope covers the unit that uploaded it. The bytes are checked
    /// against their hash on the way out.
    pub async fn file(&self, actor: &Actor, sha256: &str) -> AppResult<(BlobRow, Vec<u8>)> {
        let row = self.file_meta(actor, sha256).await?;
        let bytes = self
            .blobs
            .get(&row.sha256)
            .await
            .map_err(|e| match e {
                qltt_blobs::BlobError::Corrupt { .. } => AppError::new(
                    ErrorKind::Internal,
                    "file.corrupt",
                    "Tệp lưu trữ không khớp mã băm; đã ghi nhận để kiểm tra.",
                ),
                other => AppError::internal(other),
            })?
            .ok_or_else(|| AppError::not_found("file.not_found"))?;
        Ok((row, bytes))
    }

    pub async fn file_meta(&self, actor: &Actor, sha256: &str) -> AppResult<BlobRow> {
        let sha = sha256.trim().to_ascii_lowercase();
        let row = blobs::get(self.db.pool(), &sha)
            .await?
            .ok_or_else(|| AppError::not_found("file.not_found"))?;
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
