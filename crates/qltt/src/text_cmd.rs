//! `qltt text …`: the text of attached files (pdftotext, tesseract OCR), for the operator.

use std::process::ExitCode;

use clap::Subcommand;
use qltt_app::App;

#[derive(Subcommand, Debug, Clone)]
pub enum TextCommand {
    /// How many files are queued, being read, read and failed.
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
            let counts = qltt_store::document_texts::counts(app.db.pool()).await?;
            if counts.is_empty() {
                println!("Chưa có tệp nào cần đọc chữ.");
            }
            for (state, n) in counts {
                let label = match state.as_str() {
                    "queued" => "đang chờ",
                    "running" => "đang đọc",
                    "done" => "đã đọc",
                    "failed" => "lỗi",
                    other => other,
                };
                println!("{label}: {n}");
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
