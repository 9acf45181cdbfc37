//! The verification QR code, drawn as SVG so it stays sharp in print and adds no raster image.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::RenderError;

/// An SVG QR code of `url`. Error correction level M (15 %) survives a crease or a stamp's edge on
/// paper while keeping the code small enough for a ~2 cm block.
pub(crate) fn svg(url: &str) -> Result<String, RenderError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| RenderError::Qr(e.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build())
}

/// A blank 1×1 SVG for documents without a verification block (previews): the file always
/// exists, so templates do not branch on it.
pub(crate) const BLANK: &str =
    r#"<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"></svg>"#;
