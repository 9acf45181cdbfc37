//! The use-case layer's error: every refusal has a stable code (`area.reason`), a kind that the web
//! layer maps to an HTTP status in one place, and a Vietnamese message for people.

use qltt_domain::DomainError;
use qltt_store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    Refused,
    TooManyRequests,
    /// A body or file past its size limit (413).
    TooLarge,
    Internal,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
}

impl AppError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        AppError {
            kind,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn bad_input(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadInput, code, message)
    }

    pub fn forbidden() -> Self {
        Self::new(
            ErrorKind::Forbidden,
            "auth.forbidden",
            "Bạn không có quyền thực hiện thao tác này.",
        )
    }

    /// The target lies outside the officer's unit subtree.
    pub fn forbidden_scope() -> Self {
        Self::new(
            ErrorKind::Forbidden,
            "auth.forbidden_scope",
            "Đối tượng này nằm ngoài phạm vi đơn vị của bạn.",
        )
    }

    pub fn not_found(code: &'static str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            code,
            "Không tìm thấy (hoặc ngoài phạm vi của bạn).",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorKind::Unauthenticated,
            "auth.unauthenticated",
            "Bạn cần đăng nhập.",
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        // The detail goes to the log, never to the client.
        tracing::error!(error = %detail, "internal error");
        Self::new(
            ErrorKind::Internal,
            "internal.error",
            "Lỗi hệ thống. Vui lòng thử lại; nếu vẫn lỗi, báo quản trị viên.",
        )
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid {
                field,
                code,
                message,
            } => AppError {
                kind: ErrorKind::BadInput,
                code,
                message,
                field: Some(field),
            },
            DomainError::Refused { code, message } if code.starts_with("auth.") => {
                AppError::new(ErrorKind::Forbidden, code, message)
            }
            // An action the case's current state does not allow: the client acted on a stale
            // view (or raced another officer) and gets 409 with the case as it is now.
            DomainError::Refused { code, message }
                if code == "case.invalid_transition"
                    || code == "office.invalid_transition"
                    || code == "task.invalid_transition"
                    || code == "periodic_report.invalid_transition" =>
            {
                AppError::new(ErrorKind::Conflict, code, message)
            }
            DomainError::Refused { code, message } => {
                AppError::new(ErrorKind::Refused, code, message)
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::not_found("resource.not_found"),
            StoreError::Conflict(_) => AppError::new(
                ErrorKind::Conflict,
                "resource.conflict",
                "Dữ liệu trùng với bản ghi đã có.",
            ),
            other => AppError::internal(other),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
