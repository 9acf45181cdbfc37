//! `qltt search …`: the search index under the data folder.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use qltt_app::App;
use qltt_app::search::SearchHandle;

#[derive(Subcommand, Debug, Clone)]
pub enum SearchCommand {
    /// Rebuild the index of businesses, cases, documents and the public copies of published
    /// decisions from the database (with progress).
    /// Stop `qltt serve` first: the index has one writer.
    Rebuild,
}

/// The index kept in `data_dir/search`.
pub fn open_index(data_dir: &Path) -> anyhow::Result<SearchHandle> {
    SearchHandle::open_dir(&data_dir.join("search"))
        .map_err(|e| anyhow::anyhow!("chỉ mục tìm kiếm: {} ({})", e.message, e.code))
}

pub async fn run(app: App, data_dir: &Path, cmd: SearchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SearchCommand::Rebuild => {
            let app = Arc::new(app.with_search(open_index(data_dir)?));
            let started = std::time::Instant::now();
            let bar = indicatif::ProgressBar::new_spinner();
            let shown = bar.clone();
            let total = app
                .search_rebuild(&move |p| {
                    shown.set_message(format!("{}: {}", label(p.kind), p.done));
                    shown.tick();
                })
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
            bar.finish_and_clear();
            println!(
                "Đã dựng lại chỉ mục tìm kiếm: {total} hồ sơ trong {:.1} s ({}).",
                started.elapsed().as_secs_f64(),
                data_dir.join("search").display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn label(kind: &str) -> &'static str {
    match kind {
        "business" => "cơ sở kinh doanh",
        "case" => "vụ việc",
        "public_decision" => "quyết định đã công bố (bản công khai)",
        _ => "văn bản",
    }
}
