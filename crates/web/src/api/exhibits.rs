//! Exhibits, warehouses and files: `GET/POST /api/v1/exhibits`, `GET /api/v1/exhibits/{id}`,
//! `POST /api/v1/exhibits/{id}/moves`, `GET /api/v1/exhibits/{id}/custody`,
//! `GET/POST /api/v1/warehouses`, `GET/POST /api/v1/warehouses/{id}/cameras`,
//! `POST /api/v1/files`, `GET /api/v1/files/{sha256}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qltt_app::exhibits::{
    CameraInput, Custody, Exhibit, ExhibitInput, ExhibitQuery, MoveInput, WarehouseInput,
};
use qltt_store::blobs::BlobRow;
use qltt_store::warehouses::{CameraRow, WarehouseRow};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

/// Lots of the caller's scope, newest first; `to_return=true` lists those a decision did not
/// confiscate and still held; `overdue=true` lists those held past the seizure
/// period with no decision yet.
#[utoipa::path(operation_id = "exhibits_list", get, path = "/api/v1/exhibits", params(ExhibitQuery),
    responses((status = 200, body = [Exhibit]), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<ExhibitQuery>,
) -> ApiResult<Json<Vec<Exhibit>>> {
    Ok(Json(state.app.list_exhibits(&actor, &q).await?))
}

/// Registers a lot seized in a case (status `seized`; its custody chain opens with `seize`).
#[utoipa::path(operation_id = "exhibits_create", post, path = "/api/v1/exhibits", request_body = ExhibitInput,
    responses((status = 201, body = Exhibit), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<ExhibitInput>,
) -> ApiResult<(StatusCode, Json<Exhibit>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.register_exhibit(&actor, input).await?),
    ))
}

#[utoipa::path(operation_id = "exhibits_get_one", get, path = "/api/v1/exhibits/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Exhibit), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Exhibit>> {
    Ok(Json(state.app.exhibit(&actor, &id).await?))
}

/// Records a custody move. Moving part of a lot splits it: the answer is the new lot holding
/// the part that moved (its `parent_id` is the lot in the path).
#[utoipa::path(operation_id = "exhibits_move", post, path = "/api/v1/exhibits/{id}/moves", params(("id" = String, Path)), request_body = MoveInput,
    responses((status = 201, body = Exhibit), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_lot(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MoveInput>,
) -> ApiResult<(StatusCode, Json<Exhibit>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.move_exhibit(&actor, &id, input).await?),
    ))
}

/// The lot's printable label (PDF, A4 sheet) with a QR code to the lot in the product.
#[utoipa::path(operation_id = "exhibits_label", get, path = "/api/v1/exhibits/{id}/label", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn label(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let pdf = state.app.exhibit_labels(&actor, Some(&id), None).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        pdf,
    )
        .into_response())
}

/// The lot's custody events in order, with the chain recomputed on this read.
#[utoipa::path(operation_id = "exhibits_custody", get, path = "/api/v1/exhibits/{id}/custody", params(("id" = String, Path)),
    responses((status = 200, body = Custody), (status = 404, body = ErrorBody)))]
pub async fn custody(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Custody>> {
    Ok(Json(state.app.custody(&actor, &id).await?))
}

#[utoipa::path(operation_id = "warehouses_list", get, path = "/api/v1/warehouses",
    responses((status = 200, body = [WarehouseRow])))]
pub async fn warehouses(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> ApiResult<Json<Vec<WarehouseRow>>> {
    Ok(Json(state.app.list_warehouses(&actor).await?))
}

#[utoipa::path(operation_id = "warehouses_create", post, path = "/api/v1/warehouses", request_body = WarehouseInput,
    responses((status = 201, body = WarehouseRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_warehouse(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<WarehouseInput>,
) -> ApiResult<(StatusCode, Json<WarehouseRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_warehouse(&actor, input).await?),
    ))
}

#[utoipa::path(operation_id = "warehouses_cameras", get, path = "/api/v1/warehouses/{id}/cameras", params(("id" = String, Path)),
    responses((status = 200, body = [CameraRow]), (status = 404, body = ErrorBody)))]
pub async fn cameras(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CameraRow>>> {
    Ok(Json(state.app.warehouse_cameras(&actor, &id).await?))
}

#[utoipa::path(operation_id = "warehouses_register_camera", post, path = "/api/v1/warehouses/{id}/cameras", params(("id" = String, Path)), request_body = CameraInput,
    responses((status = 201, body = CameraRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register_camera(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CameraInput>,
) -> ApiResult<(StatusCode, Json<CameraRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.register_camera(&actor, &id, input).await?),
    ))
}

/// Uploads a file (the raw bytes as the body; `X-File-Name` optional). The type is judged from
/// the bytes: photos (JPEG, PNG, WebP, HEIF), PDF, video (MP4, WebM, MOV). The answer names the
/// file by its SHA-256, which records then cite; the same bytes again give the same answer.
#[utoipa::path(operation_id = "files_upload", post, path = "/api/v1/files", request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file's bytes (streamed; up to the server's upload limit, 2 GB by default). The type is judged from the content; a `Content-Type` other than application/octet-stream must match it. `X-File-Name` may carry the (percent-encoded) name. Sending the same bytes again returns the same record."),
    responses((status = 201, body = BlobRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<BlobRow>)> {
    use futures_util::StreamExt;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode);
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // A body announced larger than the limit is refused before a byte is stored.
    let limit = state.app.settings.max_upload_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit
    {
        return Err(qltt_app::AppError::new(
            qltt_app::ErrorKind::TooLarge,
            "file.too_large",
            format!(
                "Tệp quá lớn: tối đa {} MB.",
                qltt_domain::format::Vnd((limit / (1024 * 1024)) as i64).grouped()
            ),
        )
        .into());
    }
    // No overall time limit (see `crate::time_limit`), but a link that sends nothing for
    // REQUEST_TIMEOUT ends the upload, and nothing of it is kept.
    let idle = crate::REQUEST_TIMEOUT;
    let stream = futures_util::stream::unfold(body.into_data_stream(), move |mut s| async move {
        match tokio::time::timeout(idle, s.next()).await {
            Ok(Some(item)) => Some((item.map_err(|e| e.to_string()), s)),
            Ok(None) => None,
            Err(_) => Some((Err("no data for 60 s".to_string()), s)),
        }
    });
    let row = state
        .app
        .upload_file_stream(&actor, stream, name.as_deref(), declared.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// A stored file's bytes (checked against their hash on the way out; a large file streams and
/// breaks off before its end if its bytes no longer match).
#[utoipa::path(operation_id = "files_get", get, path = "/api/v1/files/{id}", params(("id" = String, Path, description = "the file's SHA-256")),
    responses((status = 200, description = "the file's bytes"), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (row, bytes) = state.app.file_stream(&actor, &id).await?;
    Ok(file_response(&row, bytes))
}

/// The bytes with their type; immutable (the address is the content) but private to the
/// signed-in officer.
pub fn file_response(row: &BlobRow, bytes: qltt_app::files::FileBytes) -> Response {
    use qltt_app::files::FileBytes;
    let (body, len) = match bytes {
        FileBytes::Whole(b) => {
            let len = b.len() as u64;
            (axum::body::Body::from(b), len)
        }
        FileBytes::Stream { size, stream } => (axum::body::Body::from_stream(stream), size),
    };
    (
        [
            (header::CONTENT_TYPE, row.content_type.clone()),
            (header::CONTENT_LENGTH, len.to_string()),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_string(),
            ),
            (header::ETAG, format!("\"{}\"", row.sha256)),
            (
                header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_string(),
            ),
        ],
        body,
    )
        .into_response()
}

/// `X-File-Name` may carry a percent-encoded UTF-8 name ("%E1%BA%A2nh.jpg").
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
