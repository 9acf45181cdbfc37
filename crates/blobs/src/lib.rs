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

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
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
    #[error("kho tệp: {0}")]
    Read(#[from] std::io::Error),
    /// A streamed upload went past the size it was allowed. Nothing is kept.
    #[error("tệp vượt quá {limit} byte")]
    TooLarge { limit: u64 },
    /// The sender's stream broke off (a dropped connection, an idle link). Nothing is kept.
    #[error("tệp gửi lên bị gián đoạn: {0}")]
    Source(String),
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

    /// Stores a stream of bytes (a camera clip of gigabytes) without holding it in memory: the
    /// bytes go to a staging object while they are hashed, and only then move to their address.
    /// More than `limit` bytes, or a broken stream, stops the write and leaves nothing behind.
    ///
    /// Why staging: the address is the hash of the whole file, known only at the end. On a local
    /// folder the move is a rename; on S3 a server-side copy (CopyObject, up to 5 GB); where the
    /// backend has neither (memory, tests) the staged bytes are read back and written.
    #[tracing::instrument(skip_all, fields(limit))]
    pub async fn put_stream<S, E>(&self, stream: S, limit: u64) -> Result<BlobRef, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let staging = format!("staging/{}", uuid::Uuid::now_v7());
        let written = self.stage(stream, limit, &staging).await;
        let (sha256, size) = match written {
            Ok(x) => x,
            Err(e) => {
                self.discard(&staging).await;
                return Err(e);
            }
        };
        let moved = self.settle(&staging, &sha256).await;
        self.discard(&staging).await;
        let created = moved?;
        Ok(BlobRef {
            sha256,
            size,
            created,
        })
    }

    /// Writes the stream to `staging`, hashing it; returns its SHA-256 and size.
    async fn stage<S, E>(
        &self,
        stream: S,
        limit: u64,
        staging: &str,
    ) -> Result<(String, u64), BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        // 8 MiB parts: above S3's 5 MiB multipart minimum, and the most a write holds in memory.
        let mut writer = self.op.writer_with(staging).chunk(STREAM_CHUNK).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut stream = std::pin::pin!(stream);
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(BlobError::Source(e.to_string()));
                }
            };
            size += chunk.len() as u64;
            if size > limit {
                let _ = writer.abort().await;
                return Err(BlobError::TooLarge { limit });
            }
            hasher.update(&chunk);
            if let Err(e) = writer.write(chunk).await {
                let _ = writer.abort().await;
                return Err(e.into());
            }
        }
        writer.close().await?;
        Ok((hex::encode(hasher.finalize()), size))
    }

    /// Moves a staged file to its address unless the same bytes are already there; true when
    /// this call stored them.
    async fn settle(&self, staging: &str, sha256: &str) -> Result<bool, BlobError> {
        let path = object_path(sha256)?;
        if self.op.exists(&path).await? {
            return Ok(false);
        }
        let cap = self.op.info().capability();
        if cap.rename {
            self.op.rename(staging, &path).await?;
        } else if cap.copy {
            self.op.copy(staging, &path).await?;
        } else {
            let bytes = self.op.read(staging).await?;
            self.op.write(&path, bytes).await?;
        }
        Ok(true)
    }

    /// Removes a staging object; a failure only leaves garbage for [`BlobStore::sweep_staging`].
    async fn discard(&self, staging: &str) {
        match self.op.delete(staging).await {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(%staging, error = %e, "staging object left behind"),
        }
    }

    /// Deletes staging objects older than `age`: what uploads cut off by a crash left. Run at
    /// start; a live upload is younger than any sensible `age`.
    pub async fn sweep_staging(&self, age: Duration) -> Result<usize, BlobError> {
        let entries = match self.op.list_with("staging/").recursive(true).await {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        let now = std::time::SystemTime::now();
        let mut removed = 0;
        for e in entries {
            if e.metadata().is_dir() {
                continue;
            }
            let modified = match e.metadata().last_modified() {
                Some(t) => Some(t),
                None => self.op.stat(e.path()).await?.last_modified(),
            };
            let old = modified
                .and_then(|t| now.duration_since(std::time::SystemTime::from(t)).ok())
                .is_none_or(|d| d >= age);
            if old {
                self.discard(e.path()).await;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// The bytes stored under `sha256` as a stream, with their size; `None` when there is no
    /// such file. The bytes are hashed as they pass and the last chunk is held back until the
    /// hash is known: a file that no longer matches its address ends in
    /// [`BlobError::Corrupt`] before its end, so a changed file is never delivered whole.
    pub async fn get_stream(
        &self,
        sha256: &str,
    ) -> Result<
        Option<(
            u64,
            impl Stream<Item = Result<Bytes, BlobError>> + Send + use<>,
        )>,
        BlobError,
    > {
        let path = object_path(sha256)?;
        let size = match self.op.stat(&path).await {
            Ok(m) => m.content_length(),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let reader = self.op.reader_with(&path).chunk(STREAM_CHUNK).await?;
        let inner = reader.into_bytes_stream(..).await?;
        let expected = sha256.to_string();
        let state = (inner, Sha256::new(), None::<Bytes>, expected, false);
        let stream = futures_util::stream::unfold(state, |mut st| async move {
            let (inner, hasher, held, expected, done) = &mut st;
            if *done {
                return None;
            }
            loop {
                match inner.next().await {
                    Some(Ok(chunk)) => {
                        hasher.update(&chunk);
                        if let Some(prev) = held.replace(chunk) {
                            return Some((Ok(prev), st));
                        }
                    }
                    Some(Err(e)) => {
                        *done = true;
                        return Some((Err(BlobError::Read(e)), st));
                    }
                    None => {
                        *done = true;
                        let actual = hex::encode(std::mem::take(hasher).finalize());
                        if actual != *expected {
                            tracing::error!(sha256 = %expected, %actual, "blob does not match its address");
                            let err = BlobError::Corrupt {
                                sha256: expected.clone(),
                                actual,
                            };
                            return Some((Err(err), st));
                        }
                        return held.take().map(|last| (Ok(last), st));
                    }
                }
            }
        });
        Ok(Some((size, stream)))
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

/// How much a streamed write or read holds at a time.
const STREAM_CHUNK: usize = 8 * 1024 * 1024;

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
