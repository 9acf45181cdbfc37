//! `qltt demo --scale N [--seed S]`: the large generated data set of api.md, with a progress bar
//! per phase on stderr (rows/s and ETA). The generator is `App::generate_scale`.

use std::process::ExitCode;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qltt_app::App;
use qltt_app::bootstrap::scale::{ScaleOptions, ScaleProgress};

/// One bar per phase, drawn on stderr (hidden when stderr is not a terminal).
struct Bars(Mutex<Option<ProgressBar>>);

impl ScaleProgress for Bars {
    fn phase(&self, name: &str, total: u64) {
        let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{msg:18} {bar:36} {human_pos}/{human_len} ({per_sec}, còn {eta}) {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb.set_message(name.to_string());
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(pb);
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(slot) = self.0.lock()
            && let Some(pb) = slot.as_ref()
        {
            pb.inc(n);
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.0.lock()
            && let Some(pb) = slot.take()
        {
            pb.finish();
        }
    }
}

pub async fn run(app: &App, scale: u64, seed: u64) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let bars = Bars(Mutex::new(None));
    let report = match app
        .generate_scale(ScaleOptions { scale, seed }, &bars)
        .await
    {
        Ok(r) => r,
        Err(e) if e.code == "demo.already_generated" || e.code == "demo.invalid_scale" => {
            bars.finish();
            eprintln!("{} ({})", e.message, e.code);
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(anyhow::anyhow!("{} ({})", e.message, e.code)),
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Đã tạo {} vụ việc, {} cơ sở kinh doanh, {} đơn vị, {} công chức: {} dòng trong {:.1} s ({:.0} dòng/s), {} sự kiện nhật ký.",
        report.cases,
        report.businesses,
        report.units,
        report.officers,
        report.rows,
        secs,
        report.rows as f64 / secs.max(1e-9),
        report.audit_events
    );
    for (phase, rows, s) in &report.phases {
        println!(
            "  {phase:<11} {rows:>11} dòng  {s:>8.1} s  {:>9.0} dòng/s",
            *rows as f64 / s.max(1e-9)
        );
    }
    println!(
        "Công chức mẫu đăng nhập bằng mật khẩu {} (ví dụ hn-t01.doitruong, hn-t01.ksv01).",
        qltt_app::bootstrap::demo::DEMO_PASSWORD
    );
    println!(
        "Chỉ mục tìm kiếm chưa có dữ liệu mới: chạy `qltt search rebuild` (khi máy chủ đã dừng)."
    );
    Ok(ExitCode::SUCCESS)
}
