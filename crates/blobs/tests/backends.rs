//! The same contract on every backend: a local folder, memory, and a real S3-compatible server
//! (s3s-fs, started in-process on a loopback port and spoken to over HTTP with signed requests,
//! exactly as the product speaks to AWS or MinIO).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_blobs::{BlobError, BlobLocation, BlobStore, sha256_hex};

const ACCESS_KEY: &str = "qltt-test-access";
const SECRET_KEY: &str = "qltt-test-secret-key-0123456789";

/// Starts s3s-fs on 127.0.0.1:0 over `root` with one bucket, returns its endpoint.
async fn s3_server(root: &std::path::Path, bucket: &str) -> String {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder as ConnBuilder;
    use s3s::auth::SimpleAuth;
    use s3s::service::S3ServiceBuilder;

    // s3s-fs keeps a bucket as a folder of its root.
    std::fs::create_dir_all(root.join(bucket)).unwrap();
    let fs = s3s_fs::FileSystem::new(root).unwrap();
    let service = {
        let mut b = S3ServiceBuilder::new(fs);
        b.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        b.build()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let service = service.clone();
            tokio::spawn(async move {
                let _ = ConnBuilder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

fn s3_location(endpoint: &str, bucket: &str, prefix: &str, secret: &str) -> BlobLocation {
    BlobLocation::S3 {
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
        endpoint: Some(endpoint.to_string()),
        region: Some("us-east-1".to_string()),
        access_key_id: Some(ACCESS_KEY.to_string()),
        secret_access_key: Some(secret.to_string()),
    }
}

/// The contract every backend keeps.
async fn contract(store: &BlobStore) {
    let photo = b"\x89PNG anh bien ban vi pham, Ha Long 05/03/2026".to_vec();
    let first = store.put(photo.clone()).await.unwrap();
    assert_eq!(first.sha256, sha256_hex(&photo));
    assert_eq!(first.size, photo.len() as u64);
    assert!(first.created);

    // The same bytes again: same address, nothing written.
    let again = store.put(photo.clone()).await.unwrap();
    assert_eq!(again.sha256, first.sha256);
    assert!(
        !again.created,
        "a second upload of the same photo is deduplicated"
    );

    assert_eq!(store.get(&first.sha256).await.unwrap(), Some(photo.clone()));
    assert!(store.exists(&first.sha256).await.unwrap());

    // Unknown address: none; malformed address: refused before touching the backend.
    let unknown = sha256_hex(b"never stored");
    assert_eq!(store.get(&unknown).await.unwrap(), None);
    assert!(!store.exists(&unknown).await.unwrap());
    for bad in ["../../etc/passwd", "ABC", &first.sha256.to_uppercase(), ""] {
        assert!(
            matches!(store.get(bad).await, Err(BlobError::InvalidHash(_))),
            "{bad:?} must be refused"
        );
    }

    // Empty files and large files are files too.
    let empty = store.put(Vec::new()).await.unwrap();
    assert_eq!(store.get(&empty.sha256).await.unwrap(), Some(Vec::new()));
    let clip: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let big = store.put(clip.clone()).await.unwrap();
    assert_eq!(store.get(&big.sha256).await.unwrap(), Some(clip));

    let mut listed = store.list().await.unwrap();
    listed.sort();
    let mut expected = vec![
        first.sha256.clone(),
        empty.sha256.clone(),
        big.sha256.clone(),
    ];
    expected.sort();
    assert_eq!(listed, expected);
    assert!(store.verify_all().await.unwrap().is_empty());
}

#[tokio::test]
async fn local_folder_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().join("blobs"))).unwrap();
    contract(&store).await;
}

#[tokio::test]
async fn memory_keeps_the_contract() {
    contract(&BlobStore::memory()).await;
}

#[tokio::test]
async fn s3_compatible_server_keeps_the_contract() {
    let root = tempfile::tempdir().unwrap();
    let endpoint = s3_server(root.path(), "qltt-files").await;
    let store = BlobStore::open(&s3_location(
        &endpoint,
        "qltt-files",
        "quang-ninh",
        SECRET_KEY,
    ))
    .unwrap();
    contract(&store).await;
    // The objects really are in the bucket, under the prefix.
    let stored = walk(&root.path().join("qltt-files").join("quang-ninh"));
    assert_eq!(stored.len(), 3, "{stored:?}");
}

#[tokio::test]
async fn s3_with_a_wrong_secret_is_an_error_not_an_empty_store() {
    let root = tempfile::tempdir().unwrap();
    let endpoint = s3_server(root.path(), "qltt-files").await;
    let store = BlobStore::open(&s3_location(&endpoint, "qltt-files", "", "wrong-secret")).unwrap();
    match store.put(b"x".to_vec()).await {
        Err(BlobError::Backend(e)) => {
            assert_eq!(e.kind(), opendal::ErrorKind::PermissionDenied, "{e}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_file_changed_on_disk_is_reported_and_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().to_path_buf())).unwrap();
    let evidence = store.put(b"bien ban goc".to_vec()).await.unwrap();
    let file = walk(dir.path())
        .into_iter()
        .find(|p| p.ends_with(&evidence.sha256))
        .unwrap();
    std::fs::write(&file, b"bien ban da sua").unwrap();
    match store.get(&evidence.sha256).await {
        Err(BlobError::Corrupt { sha256, actual }) => {
            assert_eq!(sha256, evidence.sha256);
            assert_eq!(actual, sha256_hex(b"bien ban da sua"));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(store.verify_all().await.unwrap(), vec![evidence.sha256]);
}

#[tokio::test]
async fn writes_leave_no_temporary_files_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().to_path_buf())).unwrap();
    for i in 0..20u8 {
        store.put(vec![i; 1000]).await.unwrap();
    }
    let files = walk(dir.path());
    assert_eq!(files.len(), 20, "{files:?}");
    // (tempfile names its folders ".tmpXXXX": look below it only)
    assert!(
        files
            .iter()
            .all(|p| p.strip_prefix(dir.path()).unwrap().starts_with("sha256")),
        "{files:?}"
    );
}

#[tokio::test]
async fn concurrent_uploads_of_the_same_file_store_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().to_path_buf())).unwrap();
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let bytes = bytes.clone();
            tokio::spawn(async move { store.put(bytes).await.unwrap() })
        })
        .collect();
    let mut shas = Vec::new();
    for t in tasks {
        shas.push(t.await.unwrap().sha256);
    }
    shas.dedup();
    assert_eq!(shas.len(), 1);
    assert_eq!(store.get(&shas[0]).await.unwrap(), Some(bytes));
    assert_eq!(walk(dir.path()).len(), 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
