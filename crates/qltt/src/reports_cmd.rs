//! `qltt reports …`: the report roll-ups.

use std::process::ExitCode;

use clap::Subcommand;
use qltt_app::App;

#[derive(Subcommand, Debug, Clone)]
pub enum ReportsCommand {
    /// Recompute the figures from the source tables and compare them with the roll-ups; print
    /// each difference. Exit 0 when they agree, 1 otherwise.
    Reconcile {
        /// Set the differing roll-up rows right (unit by unit, in short write transactions,
        /// each with its audit event).
        #[arg(long)]
        repair: bool,
    },
}

pub async fn run(app: App, cmd: ReportsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ReportsCommand::Reconcile { repair } => {
            let started = std::time::Instant::now();
            // Progress on stderr, one line every 5 s at most (a national run reads every case).
            let last = std::sync::Mutex::new(std::time::Instant::now());
            let progress = |p: &qltt_app::reports::ReconcileProgress| {
                let Ok(mut last) = last.lock() else { return };
                if p.unit_id.is_empty() || last.elapsed().as_secs() >= 5 {
                    *last = std::time::Instant::now();
                    eprintln!(
                        "… {}/{} đơn vị, {} vụ việc, {} chỗ lệch, {} giao dịch sửa (dài nhất {} ms)",
                        p.units_done,
                        p.units_total,
                        p.cases,
                        p.differences,
                        p.repair_transactions,
                        p.longest_write.as_millis()
                    );
                }
            };
            let r = app
                .reports_reconcile_with(repair, &progress)
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
            for id in &r.cases_with_wrong_facts {
                println!(
                    "Số liệu của vụ việc {id} lệch với nguồn (tổng theo ngày có thể vẫn đúng)"
                );
            }
            if r.wrong_fact_count > r.cases_with_wrong_facts.len() {
                println!(
                    "… và {} vụ việc khác có số liệu lệch.",
                    r.wrong_fact_count - r.cases_with_wrong_facts.len()
                );
            }
            println!(
                "Đã đối chiếu {} vụ việc, {} dòng tổng hợp trong {:.1} s: {} chỗ lệch, {} vụ việc có số liệu lệch{}.",
                r.cases,
                r.keys,
                started.elapsed().as_secs_f64(),
                r.differences.len(),
                r.wrong_fact_count,
                if r.repaired { " (đã sửa)" } else { "" }
            );
            Ok(
                if (r.differences.is_empty() && r.wrong_fact_count == 0) || r.repaired {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                },
            )
        }
    }
}
