//! Static assets (CSS, htmx), embedded in the binary so the product runs from one file with no
//! CDN (officers on an island may have no route to one).

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;

use crate::AppState;

#[derive(Embed)]
#[folder = "../../assets/"]
struct Assets;

pub fn routes() -> (Router<AppState>, Vec<crate::routes::RouteRow>) {
    crate::routes::routes! {
        "/assets/{*path}" => get(serve),
    }
}

async fn serve(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
                ],
                file.data,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
