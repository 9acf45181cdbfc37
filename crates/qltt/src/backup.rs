//! `qltt backup FILE` / `qltt restore FILE` for the embedded shape: a tar archive holding a
//! consistent copy of the SQLite database (`VACUUM INTO`, taken while the server runs), the blob
//! folder, and a manifest with the SHA-256 of every file. Restore goes only into an empty target,
//! checks every hash, SQLite's integrity check and the audit chain before it reports success.
//! PostgreSQL is backed up with pg_dump/pg_restore (docs/operations.md).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use qltt_store::audit::Verification;
use qltt_store::{Backend, Db, backup as store_backup};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::cli::Global;

const FORMAT: &str = "qltt-backup-1";
const DB_NAME: &str = "qltt.db";

fn sha256_file(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex::encode(h.finalize()), size))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if e.file_type()?.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

pub async fn backup(global: &Global, file: &Path) -> anyhow::Result<ExitCode> {
    let url = global.database_url();
    let db = Db::open(&url).await?;
    if db.backend() == Backend::Postgres {
        bail!(
            "PostgreSQL: dùng pg_dump -Fc (xem docs/operations.md); `qltt backup` sao lưu cơ sở dữ liệu SQLite."
        );
    }
    if file.exists() {
        bail!("{} đã tồn tại; chọn tên tệp khác.", file.display());
    }
    let work = tempfile::tempdir()?;
    let snapshot = work.path().join(DB_NAME);
    store_backup::sqlite_snapshot(&db, &snapshot).await?;
    db.close().await;
    let (db_hash, db_size) = sha256_file(&snapshot)?;
    let mut files = vec![json!({"path": DB_NAME, "sha256": db_hash, "size": db_size})];
    let blobs_dir = global.blobs_dir();
    if global.blob_location()? != qltt_blobs::BlobLocation::Folder(blobs_dir.clone()) {
        // Files elsewhere (a bucket, another disk) are backed up where they live (bucket
        // versioning, the disk's own backup); say so rather than imply they are in the file.
        eprintln!(
            "Lưu ý: tệp đính kèm nằm ở {}, không nằm trong bản sao lưu này.",
            global.blob_location()?
        );
    }
    let mut blobs = Vec::new();
    walk(&blobs_dir, &mut blobs)?;
    let mut blob_entries = Vec::new();
    for b in &blobs {
        let rel = b
            .strip_prefix(&global.data_dir)
            .context("blob outside data dir")?;
        let (h, s) = sha256_file(b)?;
        let name = rel.to_string_lossy().replace('\\', "/");
        files.push(json!({"path": name, "sha256": h, "size": s}));
        blob_entries.push((b.clone(), name));
    }
    let manifest = json!({
        "format": FORMAT,
        "app_version": env!("CARGO_PKG_VERSION"),
        "database": "sqlite",
        "files": files,
    });
    let tmp = file.with_extension("partial");
    {
        let out =
            File::create(&tmp).with_context(|| format!("không tạo được {}", tmp.display()))?;
        let mut tar = tar::Builder::new(out);
        let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(manifest_bytes.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, "manifest.json", manifest_bytes.as_slice())?;
        tar.append_path_with_name(&snapshot, DB_NAME)?;
        for (path, name) in &blob_entries {
            tar.append_path_with_name(path, name)?;
        }
        tar.into_inner()?.sync_all()?;
    }
    std::fs::rename(&tmp, file)?;
    println!(
        "Đã sao lưu: {} (cơ sở dữ liệu {} byte, {} tệp đính kèm).",
        file.display(),
        db_size,
        blob_entries.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether the target already holds data: a database with units, or any file in the blob folder.
async fn target_is_empty(global: &Global) -> anyhow::Result<bool> {
    let url = global.database_url();
    match Backend::from_url(&url)? {
        Backend::Postgres => {
            let db = Db::connect(&url).await?;
            // A database without our tables is empty; one with units is not.
            let has_units = sqlx::query("SELECT 1 FROM units LIMIT 1")
                .fetch_optional(db.pool())
                .await;
            db.close().await;
            Ok(!matches!(has_units, Ok(Some(_))))
        }
        Backend::Sqlite => {
            let db_file = global.data_dir.join(DB_NAME);
            let custom = global.database.is_some();
            if custom {
                let db = Db::connect(&url).await?;
                let has_units = sqlx::query("SELECT 1 FROM units LIMIT 1")
                    .fetch_optional(db.pool())
                    .await;
                db.close().await;
                if matches!(has_units, Ok(Some(_))) {
                    return Ok(false);
                }
            } else if db_file.exists() {
                return Ok(false);
            }
            let mut blobs = Vec::new();
            walk(&global.blobs_dir(), &mut blobs)?;
            Ok(blobs.is_empty())
        }
    }
}

pub async fn restore(global: &Global, file: &Path) -> anyhow::Result<ExitCode> {
    if !target_is_empty(global).await? {
        eprintln!(
            "Từ chối khôi phục: nơi đích ({}) đã có dữ liệu. Khôi phục chỉ vào cơ sở dữ liệu và thư mục trống.",
            qltt_store::db::redact_url(&global.database_url())
        );
        return Ok(ExitCode::FAILURE);
    }
    let url = global.database_url();
    if Backend::from_url(&url)? == Backend::Postgres {
        eprintln!(
            "Khôi phục PostgreSQL dùng pg_restore (xem docs/operations.md); tệp của `qltt backup` là bản SQLite."
        );
        return Ok(ExitCode::FAILURE);
    }
    if global.database.is_some() {
        bail!("khôi phục SQLite vào thư mục dữ liệu (--data-dir), không dùng --database");
    }
    std::fs::create_dir_all(&global.data_dir)?;
    let staging = tempfile::tempdir_in(&global.data_dir)?;
    let mut archive = tar::Archive::new(
        File::open(file).with_context(|| format!("không mở được {}", file.display()))?,
    );
    archive.set_overwrite(false);
    // `unpack` refuses absolute paths and `..`, so an archive cannot write outside the staging folder.
    archive.unpack(staging.path())?;
    let manifest: serde_json::Value =
        serde_json::from_reader(File::open(staging.path().join("manifest.json"))?)?;
    if manifest["format"] != FORMAT {
        bail!("không phải tệp sao lưu QLTT ({FORMAT})");
    }
    let files = manifest["files"].as_array().cloned().unwrap_or_default();
    for f in &files {
        let rel = f["path"].as_str().unwrap_or_default();
        let want = f["sha256"].as_str().unwrap_or_default();
        let (got, _) =
            sha256_file(&staging.path().join(rel)).with_context(|| format!("thiếu tệp {rel}"))?;
        if got != want {
            bail!("tệp {rel} bị hỏng hoặc bị sửa (SHA-256 không khớp)");
        }
    }
    // Check the database before putting it in place.
    let staged_db = staging.path().join(DB_NAME);
    let staged_url = format!("sqlite://{}", staged_db.display());
    let db = Db::connect(&staged_url).await?;
    store_backup::sqlite_integrity(&db).await?;
    db.migrate().await?;
    let verdict = qltt_store::audit::verify(db.pool()).await?;
    db.close().await;
    let events = match verdict {
        Verification::Intact { events } => events,
        Verification::Broken { seq, reason, .. } => {
            bail!("chuỗi nhật ký trong bản sao lưu bị phá vỡ tại #{seq}: {reason}")
        }
    };
    // Move into place: the database file, then the blob folder.
    for name in [
        DB_NAME.to_string(),
        format!("{DB_NAME}-wal"),
        format!("{DB_NAME}-shm"),
    ] {
        let p = staging.path().join(&name);
        if p.exists() && name == DB_NAME {
            std::fs::rename(&p, global.data_dir.join(&name))?;
        }
    }
    let staged_blobs = staging.path().join("blobs");
    if staged_blobs.exists() {
        if global.blobs_dir().exists() {
            std::fs::remove_dir(global.blobs_dir()).context("thư mục blobs đích không trống")?;
        }
        std::fs::rename(&staged_blobs, global.blobs_dir())?;
    }
    let mut out = std::io::stdout();
    writeln!(
        out,
        "Đã khôi phục và kiểm tra: {} tệp, chuỗi nhật ký nguyên vẹn ({events} sự kiện).",
        files.len()
    )?;
    Ok(ExitCode::SUCCESS)
}
