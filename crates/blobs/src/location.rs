//! Where the blobs live, as the operator writes it in `QLTT_BLOBS`:
//! `file://data/blobs` (relative or absolute folder), `s3://bucket/prefix`, or `memory://`.
//! S3 credentials, region and endpoint come from the usual `AWS_*` variables
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`), so the same
//! binary talks to AWS, MinIO, Ceph or a provider's object storage without new settings.

use std::fmt;
use std::path::PathBuf;

use opendal::Operator;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    Folder(PathBuf),
    S3 {
        bucket: String,
        prefix: String,
        /// Overrides `AWS_ENDPOINT_URL` (tests point it at their own server).
        endpoint: Option<String>,
        region: Option<String>,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
    },
    Memory,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error("'{0}': cần dạng file://thư-mục, s3://bucket/tiền-tố hoặc memory://")]
    UnknownScheme(String),
    #[error("'{0}': thiếu tên bucket")]
    MissingBucket(String),
    #[error("'{0}': thiếu thư mục")]
    MissingFolder(String),
}

impl BlobLocation {
    /// Parses `QLTT_BLOBS`. A bare path (no scheme) is a folder, as operators type it.
    pub fn parse(s: &str) -> Result<BlobLocation, LocationError> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("file://") {
            if rest.is_empty() {
                return Err(LocationError::MissingFolder(s.to_string()));
            }
            return Ok(BlobLocation::Folder(PathBuf::from(rest)));
        }
        if let Some(rest) = s.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(LocationError::MissingBucket(s.to_string()));
            }
            return Ok(BlobLocation::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
                endpoint: None,
                region: None,
                access_key_id: None,
                secret_access_key: None,
            });
        }
        if s == "memory://" {
            return Ok(BlobLocation::Memory);
        }
        if s.contains("://") {
            return Err(LocationError::UnknownScheme(s.to_string()));
        }
        if s.is_empty() {
            return Err(LocationError::MissingFolder(s.to_string()));
        }
        Ok(BlobLocation::Folder(PathBuf::from(s)))
    }

    pub(crate) fn operator(&self) -> Result<Operator, opendal::Error> {
        Ok(match self {
            BlobLocation::Folder(path) => {
                let root = path.to_string_lossy().to_string();
                // Writes go to a temporary file in the same folder and are renamed into place, so
                // a crash mid-write never leaves a truncated file under a valid address.
                let tmp = path.join(".tmp").to_string_lossy().to_string();
                let builder = opendal::services::Fs::default()
                    .root(&root)
                    .atomic_write_dir(&tmp);
                Operator::new(builder)?
            }
            BlobLocation::S3 {
                bucket,
                prefix,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
            } => {
                let mut builder = opendal::services::S3::default()
                    .bucket(bucket)
                    .root(&format!("/{prefix}"));
                let endpoint = endpoint
                    .clone()
                    .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
                if let Some(e) = endpoint {
                    builder = builder.endpoint(&e);
                }
                let region = region
                    .clone()
                    .or_else(|| std::env::var("AWS_REGION").ok())
                    .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
                    .unwrap_or_else(|| "us-east-1".to_string());
                builder = builder.region(&region);
                if let (Some(k), Some(s)) = (access_key_id, secret_access_key) {
                    builder = builder.access_key_id(k).secret_access_key(s);
                }
                Operator::new(builder)?
            }
            BlobLocation::Memory => Operator::new(opendal::services::Memory::default())?,
        })
    }
}

impl fmt::Display for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobLocation::Folder(p) => write!(f, "file://{}", p.display()),
            BlobLocation::S3 { bucket, prefix, .. } if prefix.is_empty() => {
                write!(f, "s3://{bucket}")
            }
            BlobLocation::S3 { bucket, prefix, .. } => write!(f, "s3://{bucket}/{prefix}"),
            BlobLocation::Memory => write!(f, "memory://"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_an_operator_writes() {
        assert_eq!(
            BlobLocation::parse("file://data/blobs"),
            Ok(BlobLocation::Folder(PathBuf::from("data/blobs")))
        );
        assert_eq!(
            BlobLocation::parse("/srv/qltt/blobs"),
            Ok(BlobLocation::Folder(PathBuf::from("/srv/qltt/blobs")))
        );
        let BlobLocation::S3 { bucket, prefix, .. } =
            BlobLocation::parse("s3://qltt-files/quang-ninh/").unwrap()
        else {
            panic!("not s3")
        };
        assert_eq!(
            (bucket.as_str(), prefix.as_str()),
            ("qltt-files", "quang-ninh")
        );
        assert_eq!(BlobLocation::parse("memory://"), Ok(BlobLocation::Memory));
    }

    #[test]
    fn refuses_what_it_cannot_reach() {
        assert!(matches!(
            BlobLocation::parse("ftp://x/y"),
            Err(LocationError::UnknownScheme(_))
        ));
        assert!(matches!(
            BlobLocation::parse("s3:///prefix"),
            Err(LocationError::MissingBucket(_))
        ));
        assert!(matches!(
            BlobLocation::parse("file://"),
            Err(LocationError::MissingFolder(_))
        ));
    }
}
