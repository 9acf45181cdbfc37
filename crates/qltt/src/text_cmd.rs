//! `qltt text …`: the text of attached files (pdftotext, tesseract OCR), for the operator.

use std::process::ExitCode;

use clap::Subcommand;
use qltt_app::App;
use qltt_domain::extraction::MAX_AUTOMATIC_RETRIES;
use qltt_domain::format::format_instant;

/// Failed files listed by `qltt text status` (the counts cover them all).
const FAILURES_SHOWN: i64 = 50;

#[derive(Subcommand, Debug, Clone)]
pub enum TextCommand {
    /// How many files are queued, being read, read and failed (and, for each failed file, when
    /// the job tries it again by itself).
    Status,
    /// Put the files that failed back in the queue (e.g. after `apt-get install tesseract-ocr
    /// tesseract-ocr-vie`); the running server reads them.
    Retry {
        /// Only the failures with this code (e.g. `ocr.unavailable`).
        #[arg(long)]
        code: Option<String>,
    },
}

pub async fn run(app: App, cmd: TextCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TextCommand::Status => {
            let pool = app.db.pool();
            let counts = qltt_store::document_texts::counts(pool).await?;
            if counts.is_empty() {
                println!("Chưa có tệp nào cần đọc chữ.");
            }
            for (state, n) in counts {
                let label = match state.as_str() {
                    "queued" => "đang chờ",
                    "running" => "đang đọc",
                    "done" => "đã đọc",
                    "retrying" => "lỗi, sẽ tự thử lại",
                    "failed" => "lỗi, chờ người đọc lại",
                    other => other,
                };
                println!("{label}: {n}");
            }
            // Each failed file: when it is tried again, or that it waits for `qltt text retry`.
            let failures = qltt_store::document_texts::failures(pool, FAILURES_SHOWN).await?;
            if !failures.is_empty() {
                println!();
            }
            for f in &failures {
                let when = match f.next_attempt_at.as_deref().map(qltt_store::parse_ts) {
                    Some(Ok(at)) => format!(
                        "Thử lại lúc {} (lần tự động {}/{})",
                        format_instant(at),
                        f.auto_retries,
                        MAX_AUTOMATIC_RETRIES
                    ),
                    _ => "không tự thử lại".to_string(),
                };
                println!(
                    "{}  {}  đã đọc {} lần  {}",
                    &f.sha256[..f.sha256.len().min(12)],
                    f.error_code.as_deref().unwrap_or("?"),
                    f.attempts,
                    when
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        TextCommand::Retry { code } => {
            let n = app
                .requeue_failed_texts(code.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
            println!("Đã đưa {n} tệp lỗi vào hàng đợi đọc chữ.");
            Ok(ExitCode::SUCCESS)
        }
    }
}
