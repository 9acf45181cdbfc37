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

/// Streamed writes and reads keep the same contract, whatever the chunking; a write past its
/// limit or broken off by its sender leaves nothing, not even its staging object.
async fn stream_contract(store: &BlobStore) {
    use bytes::Bytes;
    let before = store.list().await.unwrap();
    let chunked = |data: &[u8], size: usize| {
        futures_util::stream::iter(
            data.chunks(size)
                .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
                .collect::<Vec<_>>(),
        )
    };
    let clip: Vec<u8> = (0..9_500_000u32).map(|i| (i % 241) as u8).collect();
    let first = store
        .put_stream(chunked(&clip, 1_000_003), 10_000_000)
        .await
        .unwrap();
    assert_eq!(first.sha256, sha256_hex(&clip));
    assert_eq!(first.size, clip.len() as u64);
    assert!(first.created);
    // Same bytes in other chunks, or whole: the same address, stored once.
    let again = store
        .put_stream(chunked(&clip, 65_536), 10_000_000)
        .await
        .unwrap();
    assert_eq!(
        (again.sha256.as_str(), again.created),
        (first.sha256.as_str(), false)
    );
    assert!(!store.put(clip.clone()).await.unwrap().created);
    assert_eq!(store.get(&first.sha256).await.unwrap(), Some(clip.clone()));

    // Read back as a stream: the same bytes, and the announced size.
    let (size, stream) = store.get_stream(&first.sha256).await.unwrap().unwrap();
    assert_eq!(size, clip.len() as u64);
    let parts: Vec<Result<Bytes, BlobError>> = futures_util::StreamExt::collect(stream).await;
    let read: Vec<u8> = parts
        .into_iter()
        .flat_map(|p| p.unwrap().to_vec())
        .collect();
    assert_eq!(read, clip);
    assert!(
        store
            .get_stream(&sha256_hex(b"never stored"))
            .await
            .unwrap()
            .is_none()
    );

    // Past the limit: refused, nothing stored.
    let other: Vec<u8> = (0..3_000u32).map(|i| (i % 13) as u8).collect();
    match store.put_stream(chunked(&other, 1_000), 2_500).await {
        Err(BlobError::TooLarge { limit }) => assert_eq!(limit, 2_500),
        x => panic!("expected TooLarge, got {x:?}"),
    }
    // Broken off by the sender: refused, nothing stored.
    let broken = futures_util::stream::iter(vec![
        Ok(Bytes::from_static(b"phan dau cua clip")),
        Err(std::io::Error::other("connection reset")),
    ]);
    match store.put_stream(broken, 10_000).await {
        Err(BlobError::Source(reason)) => assert!(reason.contains("connection reset")),
        x => panic!("expected Source, got {x:?}"),
    }
    let mut expected = before.clone();
    expected.push(first.sha256.clone());
    expected.sort();
    assert_eq!(store.list().await.unwrap(), expected);
    assert_eq!(
        store
            .sweep_staging(std::time::Duration::ZERO)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn local_folder_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().join("blobs"))).unwrap();
    contract(&store).await;
    stream_contract(&store).await;
    // Only addressed files remain: no staging object of the refused writes.
    let files = walk(&dir.path().join("blobs"));
    assert_eq!(files.len(), 4, "{files:?}");
}

#[tokio::test]
async fn memory_keeps_the_contract() {
    let store = BlobStore::memory();
    contract(&store).await;
    stream_contract(&store).await;
}

#[tokio::test]
async fn staging_left_by_a_crash_is_swept() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().to_path_buf())).unwrap();
    let kept = store.put(b"bien ban".to_vec()).await.unwrap();
    std::fs::create_dir_all(dir.path().join("staging")).unwrap();
    std::fs::write(
        dir.path().join("staging").join("0190-cut-off"),
        b"half a clip",
    )
    .unwrap();
    // A live upload (younger than the age) is left alone.
    assert_eq!(
        store
            .sweep_staging(std::time::Duration::from_secs(3600))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .sweep_staging(std::time::Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    let files = walk(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(&kept.sha256));
}

#[tokio::test]
async fn a_changed_file_never_streams_out_whole() {
    use bytes::Bytes;
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Folder(dir.path().to_path_buf())).unwrap();
    let clip: Vec<u8> = (0..20_000_000u32).map(|i| (i % 199) as u8).collect();
    let stored = store.put(clip.clone()).await.unwrap();
    let file = walk(dir.path())
        .into_iter()
        .find(|p| p.ends_with(&stored.sha256))
        .unwrap();
    let mut changed = clip.clone();
    changed[19_999_999] ^= 1; // one bit, in the last chunk
    std::fs::write(&file, &changed).unwrap();
    let (_, stream) = store.get_stream(&stored.sha256).await.unwrap().unwrap();
    let parts: Vec<Result<Bytes, BlobError>> = futures_util::StreamExt::collect(stream).await;
    let delivered: usize = parts
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(Bytes::len)
        .sum();
    assert!(
        matches!(parts.last(), Some(Err(BlobError::Corrupt { .. }))),
        "the stream must end in an error"
    );
    assert!(
        delivered < clip.len(),
        "the changed file was delivered whole"
    );
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
    // Streamed (multipart upload, server-side copy from staging): one more object, and no
    // staging object left by the stored, the refused or the broken write.
    stream_contract(&store).await;
    let stored = walk(&root.path().join("qltt-files").join("quang-ninh"));
    assert_eq!(stored.len(), 4, "{stored:?}");
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
