//! `qltt reports …`: the report roll-ups.

use std::process::ExitCode;

use clap::Subcommand;
use qltt_app::App;

#[derive(Subcommand, Debug, Clone)]
pub enum ReportsCommand {
    /// Recompute the figures from the source tables and compare them with the roll-ups; print
    /// each difference. Exit 0 when they agree, 1 otherwise.
    Reconcile {
        /// Rebuild the roll-ups from the source tables when they differ.
        #[arg(long)]
        repair: bool,
    },
}

pub async fn run(app: App, cmd: ReportsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ReportsCommand::Reconcile { repair } => {
            let started = std::time::Instant::now();
            let r = app
                .reports_reconcile(repair)
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
            for d in r.differences.iter().take(50) {
                println!(
                    "Lệch: đơn vị {} ngày {} chỉ tiêu {} (nhóm {:?}, kênh {}, phối hợp {:?}): tổng hợp {} ≠ nguồn {}",
                    d.unit_id, d.day, d.measure, d.group, d.channel, d.agency, d.rollup, d.source
                );
            }
            if r.differences.len() > 50 {
                println!("… và {} chỗ lệch khác.", r.differences.len() - 50);
            }
            println!(
                "Đã đối chiếu {} vụ việc, {} dòng tổng hợp trong {:.1} s: {} chỗ lệch{}.",
                r.cases,
                r.keys,
                started.elapsed().as_secs_f64(),
                r.differences.len(),
                if r.repaired {
                    " (đã dựng lại số liệu tổng hợp)"
                } else {
                    ""
                }
            );
            Ok(if r.differences.is_empty() || r.repaired {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
