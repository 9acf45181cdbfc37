//! Reading a page's `multipart/form-data` form: its text fields and the files of one input,
//! with the same errors on every page (a body past the limit, a broken upload, too many files).
//! The forms that post files (a lot's photos, a periodic report's file) are small enough to be
//! held in memory up to the pages' body limit; large files go through `POST /api/v1/files`,
//! which streams.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;
use qltt_app::AppError;

/// What a form's file input accepts.
pub struct FileInput {
    /// The input's name ("photos", "file").
    pub field: &'static str,
    /// How many non-empty files it takes.
    pub max_files: usize,
    /// The error code of a body that cannot be read ("exhibit.bad_upload").
    pub bad_code: &'static str,
    /// The error code and message past `max_files`.
    pub too_many_code: &'static str,
    pub too_many_message: &'static str,
    /// What the size message calls the files ("Ảnh", "Tệp").
    pub noun: &'static str,
}

/// (name, content) of each non-empty file, in the order sent.
pub type Files = Vec<(String, Bytes)>;

/// What was read of a form: its text fields (the last value of a repeated name wins), its
/// files, and why reading stopped early, if it did. The fields read before the error are kept,
/// so the session token can be checked and the form given back with what was typed.
pub struct FormRead {
    pub fields: HashMap<String, String>,
    pub files: Files,
    pub error: Option<AppError>,
}

impl FormRead {
    pub fn csrf(&self) -> Option<&str> {
        self.fields.get("csrf").map(String::as_str)
    }
}

pub async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
    input: &FileInput,
) -> FormRead {
    let mut read = FormRead {
        fields: HashMap::new(),
        files: Vec::new(),
        error: None,
    };
    let bad = || {
        AppError::bad_input(
            input.bad_code,
            "Không đọc được nội dung gửi lên; hãy gửi lại.",
        )
    };
    let too_large = || {
        AppError::bad_input(
            "request.too_large",
            format!(
                "{} quá lớn (tổng tối đa {} MB).",
                input.noun,
                crate::MAX_IMPORT_BODY / (1024 * 1024)
            ),
        )
    };
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(_) => {
            read.error = Some(bad());
            return read;
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                read.error = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    bad()
                });
                break;
            }
        };
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if name == input.field {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    read.error = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        bad()
                    });
                    break;
                }
            };
            // A file input left empty still sends an empty part.
            if bytes.is_empty() {
                continue;
            }
            if read.files.len() == input.max_files {
                read.error = Some(AppError::bad_input(
                    input.too_many_code,
                    input.too_many_message,
                ));
                break;
            }
            read.files.push((file_name, bytes));
        } else if let Ok(text) = field.text().await {
            read.fields.insert(name, text);
        }
    }
    // Nothing read after an error is used: the files of a refused form are not stored.
    if read.error.is_some() {
        read.files.clear();
    }
    read
}
