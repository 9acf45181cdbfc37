//! The blob store: every file of the product (photos of a violation, camera clips, scans, issued
//! PDFs) is kept by the SHA-256 of its bytes. The database keeps only metadata and the hash, so:
//! - the same file uploaded twice is stored once (deduplication comes for free);
//! - a file can never be changed under a record that points at it: new bytes are a new address,
//!   and every read re-hashes the bytes and refuses them if they do not match (tampering or rot on
//!   the disk or in the bucket is reported, never served as evidence);
//! - a write outside the database transaction is safe: writing the same bytes again is a no-op,
//!   and a blob whose transaction rolled back is an unreferenced file, not a wrong one.
//!
//! Two backends behind one [`opendal::Operator`]: a local folder (the embedded default,
//! `file://data/blobs`) and any S3-compatible service (`s3://bucket/prefix`, configured with the
//! usual `AWS_*` variables). `memory://` exists for tests.

mod location;

use std::time::Duration;

use opendal::layers::{RetryLayer, TimeoutLayer};
use opendal::{ErrorKind, Operator};
use sha2::{Digest, Sha256};

pub use location::{BlobLocation, LocationError};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("địa chỉ kho tệp không hợp lệ: {0}")]
    Location(#[from] LocationError),
    #[error("mã băm không hợp lệ: {0}")]
    InvalidHash(String),
    /// The bytes stored under a hash no longer hash to it. Never served.
    #[error("tệp {sha256} bị hỏng hoặc bị sửa: nội dung có mã băm {actual}")]
    Corrupt { sha256: String, actual: String },
    #[error("kho tệp: {0}")]
    Backend(#[from] opendal::Error),
}

/// What the database keeps about a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    /// Lower-case hex SHA-256 of the bytes: the file's address.
    pub sha256: String,
    pub size: u64,
    /// False when the same bytes were already stored (deduplicated).
    pub created: bool,
}

#[derive(Clone)]
pub struct BlobStore {
    op: Operator,
    location: BlobLocation,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobStore")
            .field("location", &self.location.to_string())
            .finish()
    }
}

/// The SHA-256 of some bytes, as the store names them.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl BlobStore {
    /// Opens the store at a location (`file://…`, `s3://bucket/prefix`, `memory://`).
    pub fn open(location: &BlobLocation) -> Result<BlobStore, BlobError> {
        // Registers the services and the HTTP transport (reqwest) once per process; without the
        // `ctor` auto-registration this must be called before the first S3 operator is used.
        opendal::install_default();
        let op = location.operator()?;
        // Network backends get retries with backoff and a timeout per call: a field office on a
        // weak link must see a clear error, not a request hanging forever.
        let op = match location {
            BlobLocation::S3 { .. } => op
                .layer(RetryLayer::new().with_max_times(4))
                .layer(TimeoutLayer::new().with_timeout(Duration::from_secs(60))),
            _ => op,
        };
        Ok(BlobStore {
            op,
            location: location.clone(),
        })
    }

    /// An in-memory store (tests, throwaway apps).
    #[allow(clippy::expect_used)] // the memory service takes no configuration: it cannot fail
    pub fn memory() -> BlobStore {
        BlobStore::open(&BlobLocation::Memory).expect("the memory blob store always opens")
    }

    pub fn location(&self) -> &BlobLocation {
        &self.location
    }

    /// Stores bytes under their SHA-256 and returns the address. Storing the same bytes again
    /// writes nothing.
    #[tracing::instrument(skip_all, fields(size = bytes.len()))]
    pub async fn put(&self, bytes: Vec<u8>) -> Result<BlobRef, BlobError> {
        let sha256 = sha256_hex(&bytes);
        let size = bytes.len() as u64;
        let path = object_path(&sha256)?;
        if self.op.exists(&path).await? {
            return Ok(BlobRef {
                sha256,
                size,
                created: false,
            });
        }
        self.op.write(&path, bytes).await?;
        Ok(BlobRef {
            sha256,
            size,
            created: true,
        })
    }

    /// The bytes stored under `sha256`, checked against it; `None` when there is no such file.
    #[tracing::instrument(skip(self))]
    pub async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let path = object_path(sha256)?;
        let bytes = match self.op.read(&path).await {
            Ok(buf) => buf.to_vec(),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let actual = sha256_hex(&bytes);
        if actual != sha256 {
            tracing::error!(%sha256, %actual, "blob does not match its address");
            return Err(BlobError::Corrupt {
                sha256: sha256.to_string(),
                actual,
            });
        }
        Ok(Some(bytes))
    }

    pub async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        Ok(self.op.exists(&object_path(sha256)?).await?)
    }

    /// Every stored address, for integrity sweeps and backups.
    pub async fn list(&self) -> Result<Vec<String>, BlobError> {
        let entries = self.op.list_with("sha256/").recursive(true).await?;
        let mut out: Vec<String> = entries
            .into_iter()
            .filter_map(|e| {
                let name = e.path().rsplit('/').next()?.to_string();
                is_sha256(&name).then_some(name)
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// Re-reads every blob and returns the addresses whose bytes no longer match.
    pub async fn verify_all(&self) -> Result<Vec<String>, BlobError> {
        let mut bad = Vec::new();
        for sha in self.list().await? {
            match self.get(&sha).await {
                Ok(Some(_)) => {}
                Ok(None) | Err(BlobError::Corrupt { .. }) => bad.push(sha),
                Err(e) => return Err(e),
            }
        }
        Ok(bad)
    }
}

pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `sha256/ab/cd/abcd…`: two levels of fan-out keep folders small on a local disk (a million
/// photos make 65,536 folders of ~15 files) and cost nothing on S3.
fn object_path(sha256: &str) -> Result<String, BlobError> {
    if !is_sha256(sha256) {
        return Err(BlobError::InvalidHash(sha256.to_string()));
    }
    Ok(format!(
        "sha256/{}/{}/{}",
        &sha256[0..2],
        &sha256[2..4],
        sha256
    ))
}
