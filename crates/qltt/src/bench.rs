//! `qltt bench`: the benchmarks of issue 4. Each prints its numbers beside a baseline measured in
//! the same run on the same machine, so the ratio means something anywhere:
//!
//! - `bench import`: the product's import of a generated N-row business CSV (the use case behind
//!   `qltt import businesses`: full validation, one audit event per business) on SQLite and on
//!   PostgreSQL, against `psql \copy` of the same file into a plain table; then the re-import of
//!   the same file (the idempotent path).
//! - `bench cases`: case steps per second from C concurrent clients through the use cases, against
//!   the cheapest audited write (an API token created and revoked) at the same concurrency.
//!
//! Every run works on fresh databases (a SQLite file in a temporary folder, a PostgreSQL database
//! `qltt_bench_<random>` dropped afterwards, also on error or Ctrl-C) loaded with the demo
//! organisation. Never part of CI: performance targets live here, not in timed tests.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, TimeZone, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use qltt_app::auth::TokenKind;
use qltt_app::cases::input::NewCaseInput;
use qltt_app::{Actor, App, AppError, SystemClock};
use qltt_domain::Clock;
use qltt_domain::business::tax_code::check_digit;
use qltt_store::Db;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use secrecy::SecretString;
use serde_json::{Value, json};

#[derive(Subcommand, Debug, Clone)]
pub enum BenchCommand {
    /// Import throughput of a generated business CSV on SQLite and PostgreSQL, beside
    /// `psql \copy` of the same file into a plain table (ratio), then the re-import.
    Import(ImportArgs),
    /// Case steps per second from concurrent clients, beside an audited no-op write at the same
    /// concurrency (ratio), with latency percentiles per step and errors by code.
    Cases(CasesArgs),
    /// Search latency (p50/p95/p99) of realistic queries through the index, beside PostgreSQL
    /// (unaccent + pg_trgm) and SQLite FTS5 on the same generated rows (issue 7).
    Search(crate::bench_search::SearchBenchArgs),
    /// Load on the real server over loopback (issue 10): C clients with a mix of reads and case
    /// actions on a generated set, beside an axum hello-world in the same run (the ceiling).
    Http(crate::bench_http::HttpBenchArgs),
    /// The leader dashboard on a generated set (issue 8): from the roll-ups and recomputed from
    /// the source tables, beside DuckDB (Python package `duckdb`) over the same rows exported to
    /// Parquet, with the figures checked equal.
    Reports(crate::bench_reports::ReportsBenchArgs),
    /// The hello-world server of `bench http` (started by it).
    #[command(hide = true)]
    HelloServer(crate::bench_http::HelloArgs),
}

#[derive(Args, Debug, Clone)]
pub struct Target {
    /// PostgreSQL server on which a fresh database qltt_bench_<random> is created (and dropped
    /// afterwards); without it PostgreSQL is skipped.
    #[arg(long = "database-url", env = "QLTT_TEST_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Which databases to measure.
    #[arg(long, value_enum, default_value_t = Which::Both)]
    pub backend: Which,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    #[command(flatten)]
    pub target: Target,
    /// Rows of the generated CSV.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Every Nth row carries a tax code with a wrong check digit (to be rejected); 0 for none.
    #[arg(long, default_value_t = 1000)]
    pub invalid_every: usize,
}

#[derive(Args, Debug, Clone)]
pub struct CasesArgs {
    #[command(flatten)]
    pub target: Target,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Seconds each phase (baseline, cases) runs.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Cases opened per client before the clock starts (a client that runs out opens more,
    /// timed as the step `open`).
    #[arg(long, default_value_t = 20)]
    pub cases_per_client: usize,
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    let work = async {
        match cmd {
            BenchCommand::Import(args) => import(args).await,
            BenchCommand::Cases(args) => cases(args).await,
            BenchCommand::Search(args) => crate::bench_search::run(args).await,
            BenchCommand::Http(args) => crate::bench_http::run(args).await,
            BenchCommand::Reports(args) => crate::bench_reports::run(args).await,
            BenchCommand::HelloServer(args) => crate::bench_http::hello_server(args).await,
        }
    };
    // Ctrl-C drops the future, and with it the guards that drop the bench databases.
    tokio::select! {
        r = work => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
    }
}

// ---------------------------------------------------------------------------------------------
// Fresh databases

/// A fresh PostgreSQL database, dropped when this goes out of scope (error and Ctrl-C included).
struct PgBenchDb {
    admin_url: String,
    name: String,
    url: String,
}

impl PgBenchDb {
    async fn create(admin_url: &str) -> anyhow::Result<PgBenchDb> {
        let name = format!("qltt_bench_{:016x}", rand::rngs::OsRng.next_u64());
        let admin = Db::connect(admin_url)
            .await
            .with_context(|| format!("connect to {}", qltt_store::db::redact_url(admin_url)))?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.pool())
            .await
            .context("create the bench database")?;
        admin.close().await;
        eprintln!("(created database {name})");
        Ok(PgBenchDb {
            url: with_db_name(admin_url, &name),
            admin_url: admin_url.to_string(),
            name,
        })
    }
}

impl Drop for PgBenchDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop is not async: a short-lived runtime on its own thread.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let db = Db::connect(&admin_url).await.ok()?;
                let r = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(db.pool())
                    .await;
                db.close().await;
                r.ok()
            })
        })
        .join()
        .ok()
        .flatten()
        .is_some();
        if dropped {
            eprintln!("(dropped database {})", self.name);
        } else {
            eprintln!(
                "could not drop database {}: drop it by hand (DROP DATABASE {} WITH (FORCE))",
                self.name, self.name
            );
        }
    }
}

/// postgres://user@host:port/db?x → the same URL naming another database.
fn with_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| i + scheme_end);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The backends to measure: (label, PostgreSQL server URL if any).
fn backends(target: &Target) -> anyhow::Result<Vec<(&'static str, Option<String>)>> {
    let pg = target.database_url.clone().filter(|u| !u.is_empty());
    let mut out = Vec::new();
    if target.backend != Which::Postgres {
        out.push(("sqlite", None));
    }
    if target.backend != Which::Sqlite {
        match pg {
            Some(url) => out.push(("postgres", Some(url))),
            None if target.backend == Which::Postgres => {
                bail!("--backend postgres needs --database-url or QLTT_TEST_DATABASE_URL")
            }
            None => eprintln!(
                "PostgreSQL skipped: give --database-url or QLTT_TEST_DATABASE_URL to measure it."
            ),
        }
    }
    Ok(out)
}

/// A freshly bootstrapped App with the demo organisation; `admin` has `admin_password`.
async fn fresh_app(url: &str, clock: Arc<dyn Clock>, admin_password: &str) -> anyhow::Result<App> {
    let db = Db::open(url).await.context("open the bench database")?;
    let app = App::new(db, clock);
    app.bootstrap(Some(SecretString::from(admin_password.to_string())))
        .await
        .map_err(app_err)?;
    app.load_demo().await.map_err(app_err)?;
    Ok(app)
}

fn app_err(e: AppError) -> anyhow::Error {
    anyhow!("{} ({})", e.message, e.code)
}

fn spinner(message: String) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(message);
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

// ---------------------------------------------------------------------------------------------
// The CSV generator

/// Columns of the generated file, in the header names `qltt import businesses` accepts.
pub const CSV_COLUMNS: [&str; 11] = [
    "name",
    "kind",
    "tax_code",
    "address",
    "unit_code",
    "representative",
    "phone",
    "business_lines",
    "commune",
    "province",
    "registration_date",
];

/// Active teams of the demo organisation, with a province and communes of their area.
const AREAS: &[(&str, &str, &[&str])] = &[
    (
        "QN-D1",
        "Quảng Ninh",
        &["Phường Hồng Gai", "Phường Hạ Long", "Phường Bãi Cháy"],
    ),
    (
        "QN-D2",
        "Quảng Ninh",
        &["Phường Cẩm Phả", "Phường Quang Hanh", "Phường Cửa Ông"],
    ),
    (
        "QN-D3",
        "Quảng Ninh",
        &["Phường Uông Bí", "Phường Vàng Danh", "Phường Yên Tử"],
    ),
    ("QN-D4", "Quảng Ninh", &["Đặc khu Vân Đồn", "Xã Tiên Yên"]),
    ("QN-D4-CT", "Quảng Ninh", &["Đặc khu Cô Tô"]),
    (
        "QN-CD",
        "Quảng Ninh",
        &["Phường Móng Cái 1", "Phường Móng Cái 2"],
    ),
    ("BN-D1", "Bắc Ninh", &["Phường Kinh Bắc", "Phường Võ Cường"]),
    (
        "BN-D2",
        "Bắc Ninh",
        &["Phường Từ Sơn", "Phường Đồng Nguyên"],
    ),
];

const TRADES: &[(&str, &str)] = &[
    ("Mỹ phẩm", "Bán buôn, bán lẻ mỹ phẩm"),
    ("Thực phẩm", "Bán lẻ thực phẩm, đồ uống"),
    ("Điện máy", "Bán lẻ đồ điện gia dụng"),
    ("Thời trang", "Bán lẻ quần áo, giày dép"),
    ("Hải sản khô", "Bán lẻ hải sản khô"),
    ("Vật liệu xây dựng", "Bán buôn vật liệu xây dựng"),
    ("Dược phẩm", "Bán lẻ thuốc, thực phẩm chức năng"),
    ("Đồ chơi trẻ em", "Bán lẻ đồ chơi"),
    ("Rượu bia", "Bán buôn đồ uống có cồn"),
    ("Thuốc lá", "Bán lẻ thuốc lá"),
    ("Nông sản", "Bán buôn nông sản"),
    ("Điện thoại di động", "Bán lẻ điện thoại, phụ kiện"),
];

const PLACES: &[&str] = &[
    "Hạ Long",
    "Cẩm Phả",
    "Uông Bí",
    "Móng Cái",
    "Vân Đồn",
    "Quảng Yên",
    "Đông Triều",
    "Bắc Ninh",
    "Từ Sơn",
    "Tiên Du",
];

const STREETS: &[&str] = &[
    "đường Trần Hưng Đạo",
    "đường Lê Thánh Tông",
    "phố Cao Thắng",
    "đường Nguyễn Văn Cừ",
    "đường Hạ Long",
    "đường Trần Phú",
    "phố Hai Bà Trưng",
    "đường Quang Trung",
    "đường Lý Thái Tổ",
    "phố Bến Đoan",
    "đường 25/4",
    "đường Kim Đồng",
];

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc", "Quang"];
const GIVEN: &[&str] = &[
    "Anh", "Hạnh", "Lan", "Tuấn", "Hải", "Hoa", "Bình", "Long", "Mai", "Ngọc", "Sơn", "Trang",
    "Hùng", "Dũng", "Phương", "Hằng",
];

/// What the generator wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub rows: usize,
    /// Rows with a wrong check digit, which the import must reject.
    pub invalid: usize,
}

/// The next valid 10-digit tax code of province prefix "57" after sequence `*seq` (sequences whose
/// check digit would be 10 are never issued, so they are skipped). Sequences start above the
/// demo businesses' ones so the file never touches them.
fn next_tax_code(seq: &mut u32) -> String {
    loop {
        *seq += 1;
        let s = format!("57{:07}", *seq);
        let mut d = [0u32; 9];
        for (slot, c) in d.iter_mut().zip(s.chars()) {
            *slot = c.to_digit(10).unwrap_or(0);
        }
        if let Some(check) = check_digit(&d) {
            return format!("{s}{check}");
        }
    }
}

/// Writes a header and `rows` businesses of the demo organisation's teams: realistic Vietnamese
/// names and addresses, kinds in a plausible mix, unique valid tax codes (branches with the
/// 13-digit dependent form), some households and individuals without one (told apart by a unique
/// address); every `invalid_every`-th row has a wrong check digit. Deterministic.
pub fn write_csv(
    out: impl Write,
    rows: usize,
    invalid_every: usize,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<Generated> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    let mut rng = StdRng::seed_from_u64(2026);
    let mut seq: u32 = 1_000_000;
    let mut invalid = 0;
    for i in 0..rows {
        let (unit, province, communes) = AREAS[i % AREAS.len()];
        let commune = communes[rng.gen_range(0..communes.len())];
        let (trade, lines) = TRADES[rng.gen_range(0..TRADES.len())];
        let place = PLACES[rng.gen_range(0..PLACES.len())];
        let person = format!(
            "{} {} {}",
            SURNAMES[rng.gen_range(0..SURNAMES.len())],
            MIDDLE[rng.gen_range(0..MIDDLE.len())],
            GIVEN[rng.gen_range(0..GIVEN.len())]
        );
        let given = person.rsplit(' ').next().unwrap_or_default().to_string();
        let bad = invalid_every > 0 && i % invalid_every == invalid_every - 1;
        let roll: u32 = rng.gen_range(0..100);
        let (kind, name, tax_code) = if bad {
            // An enterprise must have a code: a wrong check digit makes the row fail.
            let good = next_tax_code(&mut seq);
            let last = good
                .chars()
                .last()
                .and_then(|c| c.to_digit(10))
                .unwrap_or(0);
            let wrong = format!("{}{}", &good[..9], (last + 1) % 10);
            invalid += 1;
            ("enterprise", format!("Công ty TNHH {trade} {place}"), wrong)
        } else if roll < 45 {
            let code = if rng.gen_bool(0.7) {
                next_tax_code(&mut seq)
            } else {
                String::new()
            };
            ("household", format!("Cửa hàng {trade} {given}"), code)
        } else if roll < 65 {
            let form = if rng.gen_bool(0.5) { "TNHH" } else { "CP" };
            (
                "enterprise",
                format!("Công ty {form} {trade} {place}"),
                next_tax_code(&mut seq),
            )
        } else if roll < 80 {
            let code = if rng.gen_bool(0.4) {
                next_tax_code(&mut seq)
            } else {
                String::new()
            };
            ("individual", format!("Quầy {trade} {person}"), code)
        } else if roll < 88 {
            let code = if rng.gen_bool(0.5) {
                next_tax_code(&mut seq)
            } else {
                String::new()
            };
            (
                "online_store",
                format!("Gian hàng {trade} {given} (Shopee)"),
                code,
            )
        } else if roll < 92 {
            (
                "cooperative",
                format!("Hợp tác xã {trade} {place}"),
                next_tax_code(&mut seq),
            )
        } else {
            let parent = next_tax_code(&mut seq);
            (
                "branch",
                format!("Chi nhánh Công ty TNHH {trade} {place} tại {commune}"),
                format!("{parent}-{:03}", rng.gen_range(1..=20)),
            )
        };
        // Unique per row: (house number, street) never repeats, so rows without a tax code
        // stay distinct businesses and a re-import matches each to itself.
        let address = format!(
            "Số {} {}, {commune}",
            i / STREETS.len() + 1,
            STREETS[i % STREETS.len()]
        );
        let phone = format!("09{:08}", rng.gen_range(0..100_000_000u32));
        let registration_date = if tax_code.is_empty() {
            String::new()
        } else {
            format!(
                "{:02}/{:02}/{}",
                rng.gen_range(1..=28),
                rng.gen_range(1..=12),
                rng.gen_range(2005..=2025)
            )
        };
        w.write_record([
            name.as_str(),
            kind,
            tax_code.as_str(),
            address.as_str(),
            unit,
            person.as_str(),
            phone.as_str(),
            lines,
            commune,
            province,
            registration_date.as_str(),
        ])?;
        if i % 10_000 == 9_999 {
            progress(i + 1);
        }
    }
    w.flush()?;
    progress(rows);
    Ok(Generated { rows, invalid })
}

// ---------------------------------------------------------------------------------------------
// bench import

/// A line of /proc/self/status in KiB (Linux only; 0 elsewhere).
fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the peak resident set (VmHWM) to the current one, so each phase reports its own peak.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct ImportRow {
    backend: &'static str,
    phase: &'static str,
    rows: usize,
    secs: f64,
    created: usize,
    unchanged: usize,
    rejected: usize,
    rss_before_mib: f64,
    peak_rss_mib: f64,
}

impl ImportRow {
    fn rate(&self) -> f64 {
        self.rows as f64 / self.secs.max(1e-9)
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let backends = backends(&args.target)?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("co-so.csv");
    let pb = ProgressBar::new(args.rows as u64);
    pb.set_style(
        ProgressStyle::with_template("tạo tệp CSV {bar:40} {pos}/{len} dòng ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let generated = {
        let out = std::io::BufWriter::new(std::fs::File::create(&file)?);
        let pb2 = pb.clone();
        let rows = args.rows;
        let invalid_every = args.invalid_every;
        tokio::task::spawn_blocking(move || {
            write_csv(out, rows, invalid_every, |n| pb2.set_position(n as u64))
        })
        .await??
    };
    pb.finish_and_clear();
    let size = std::fs::metadata(&file)?.len();
    println!(
        "Tệp: {} dòng ({} dòng sai chữ số kiểm tra), {:.1} MiB, tạo trong {:.1} s.",
        generated.rows,
        generated.invalid,
        size as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64()
    );

    // The baseline, whenever a PostgreSQL server is given: the same file into a plain table of
    // a fresh database (the one the PostgreSQL import then uses, if measured).
    let server = args.target.database_url.clone().filter(|u| !u.is_empty());
    let pg = match &server {
        Some(server) => Some(PgBenchDb::create(server).await?),
        None => None,
    };
    let psql = match &pg {
        Some(db) => {
            let (secs, n) = psql_copy(&db.url, &file).await?;
            println!(
                "psql \\copy: {n} dòng trong {secs:.2} s ({:.0} dòng/s)",
                n as f64 / secs
            );
            Some((secs, n))
        }
        None => None,
    };
    let mut results: Vec<ImportRow> = Vec::new();
    for (backend, server) in backends {
        let url = match (&server, &pg) {
            (None, _) => format!("sqlite://{}", dir.path().join("bench.db").display()),
            (Some(_), Some(db)) => db.url.clone(),
            (Some(_), None) => bail!("no PostgreSQL bench database"),
        };
        let app = fresh_app(&url, Arc::new(SystemClock), "bench-admin-password").await?;
        let actor = app.system_actor().await.map_err(app_err)?;
        for phase in ["import", "re-import"] {
            reset_peak_rss();
            let rss_before = proc_status_kib("VmRSS:");
            let pb = spinner(format!("{backend}: {phase} {} dòng", generated.rows));
            let reader = BufReader::new(std::fs::File::open(&file)?);
            let t = Instant::now();
            let report = app.import_businesses(&actor, reader).await;
            let secs = t.elapsed().as_secs_f64();
            pb.finish_and_clear();
            let report = report.map_err(app_err)?;
            let row = ImportRow {
                backend,
                phase,
                rows: report.rows,
                secs,
                created: report.created,
                unchanged: report.unchanged,
                rejected: report.rejected.len(),
                rss_before_mib: mib(rss_before),
                peak_rss_mib: mib(proc_status_kib("VmHWM:")),
            };
            println!(
                "{backend} {phase}: {} dòng trong {secs:.1} s ({:.0} dòng/s): {} thêm mới, {} cập nhật, {} không đổi, {} bị từ chối; RSS đỉnh {:.0} MiB",
                row.rows,
                row.rate(),
                report.created,
                report.updated,
                report.unchanged,
                row.rejected,
                row.peak_rss_mib
            );
            results.push(row);
        }
        app.db.close().await;
    }

    println!();
    println!(
        "{:<10} {:<10} {:>9} {:>8} {:>9} {:>8} {:>9} {:>8} {:>10} {:>11}",
        "backend",
        "phase",
        "rows",
        "s",
        "rows/s",
        "created",
        "unchanged",
        "rejected",
        "peak MiB",
        "ratio/psql"
    );
    if let Some((secs, n)) = psql {
        println!(
            "{:<10} {:<10} {:>9} {:>8.2} {:>9.0} {:>8} {:>9} {:>8} {:>10} {:>11}",
            "psql",
            "\\copy",
            n,
            secs,
            n as f64 / secs,
            "-",
            "-",
            "-",
            "-",
            "1.00"
        );
    }
    for r in &results {
        let ratio = psql
            .map(|(secs, n)| format!("{:.3}", r.rate() / (n as f64 / secs)))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<10} {:<10} {:>9} {:>8.1} {:>9.0} {:>8} {:>9} {:>8} {:>10.0} {:>11}",
            r.backend,
            r.phase,
            r.rows,
            r.secs,
            r.rate(),
            r.created,
            r.unchanged,
            r.rejected,
            r.peak_rss_mib,
            ratio
        );
    }
    println!(
        "(peak MiB: VmHWM of this process, reset before each phase; RSS before the phases: {})",
        results
            .iter()
            .map(|r| format!("{} {} {:.0}", r.backend, r.phase, r.rss_before_mib))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if psql.is_some() {
        println!("Goal of issue 4: import ≥ 0.5 × psql \\copy with full validation.");
    }
    let expected_rejects = generated.invalid;
    if results
        .iter()
        .any(|r| r.rejected != expected_rejects || r.rows != generated.rows)
    {
        println!(
            "WARNING: expected {expected_rejects} rejected of {} rows in every phase.",
            generated.rows
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `psql \copy` of the file into a new plain table (text columns, no keys) of the database at
/// `url`; returns (seconds of the copy, rows in the table).
async fn psql_copy(url: &str, file: &Path) -> anyhow::Result<(f64, usize)> {
    let columns = CSV_COLUMNS.join(", ");
    let table = CSV_COLUMNS
        .iter()
        .map(|c| format!("{c} text"))
        .collect::<Vec<_>>()
        .join(", ");
    psql(url, &format!("CREATE TABLE bench_plain ({table})")).await?;
    let path = file.display().to_string().replace('\'', "''");
    let t = Instant::now();
    psql(
        url,
        &format!("\\copy bench_plain({columns}) from '{path}' with (format csv, header true)"),
    )
    .await?;
    let secs = t.elapsed().as_secs_f64();
    let n = psql(url, "SELECT count(*) FROM bench_plain")
        .await?
        .trim()
        .parse()
        .context("count of bench_plain")?;
    Ok((secs, n))
}

async fn psql(url: &str, command: &str) -> anyhow::Result<String> {
    let out = tokio::process::Command::new("psql")
        .arg(url)
        .args([
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            command,
        ])
        .output()
        .await
        .context("run psql (is the PostgreSQL client installed?)")?;
    if !out.status.success() {
        bail!(
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------------------------------------
// bench cases

/// A clock that starts on Thu 05/03/2026 10:00 in Việt Nam and runs at real speed, so the fixed
/// dates of the step bodies below are always "today" and the law's date checks pass on any day
/// the benchmark is run.
struct BenchClock {
    anchor: DateTime<Utc>,
    started: Instant,
}

impl Clock for BenchClock {
    fn now(&self) -> DateTime<Utc> {
        self.anchor + chrono::Duration::from_std(self.started.elapsed()).unwrap_or_default()
    }
}

struct Officers {
    inspector: Actor,
    leader: Actor,
    accountant: Actor,
    admin: Actor,
}

async fn sign_in(app: &App, username: &str, password: &str) -> anyhow::Result<Actor> {
    let signed = app
        .login(
            username,
            SecretString::from(password.to_string()),
            "127.0.0.1",
            TokenKind::Api,
        )
        .await
        .map_err(app_err)?;
    app.authenticate(&signed.token).await.map_err(app_err)
}

/// The steps of one case from lead to closing (ins.md), who takes each, and the body: an
/// inspection finds smuggled cosmetics, the team leader fines 750,000 đồng, the accountant
/// records the payment, the inspector closes.
fn case_steps(o: &Officers, receipt: &str) -> Vec<(&'static str, Actor, Value)> {
    vec![
        (
            "propose",
            o.inspector.clone(),
            json!({"content": "Kiểm tra đột xuất cơ sở", "suspected_violation": "Hàng nhập lậu"}),
        ),
        (
            "decide_inspection",
            o.leader.clone(),
            json!({"inspection_team": [o.inspector.id], "scope": "Nguồn gốc hàng hóa", "start_on": "2026-03-05", "end_on": "2026-03-06"}),
        ),
        (
            "record_inspection",
            o.inspector.clone(),
            json!({"inspected_at": "2026-03-05T02:00:00Z", "place": "Tại cơ sở", "findings": "Phát hiện hàng nhập lậu", "violation_found": true}),
        ),
        (
            "record_violation",
            o.inspector.clone(),
            json!({
                "recorded_at": "2026-03-05T02:30:00Z",
                "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
                "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
                "violations": [{"violation_type_id": "D98-15-1-a", "facts": "Bày bán 12 hộp kem dưỡng da nhập lậu"}],
                "exhibits": [{"description": "Kem dưỡng da", "quantity": "12", "unit_of_measure": "hộp", "estimated_value": 2500000}],
                "witnesses": [{"name": "Trần Thị B"}],
                "location": {"lat": 20.95, "lon": 107.08}
            }),
        ),
        (
            "issue_sanction",
            o.leader.clone(),
            json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-a", "amount": 750000}]}),
        ),
        (
            "deliver_decision",
            o.inspector.clone(),
            json!({"delivered_on": "2026-03-05"}),
        ),
        (
            "record_payment",
            o.accountant.clone(),
            json!({"paid_on": "2026-03-05", "amount": 750000, "receipt_no": receipt}),
        ),
        (
            "close",
            o.inspector.clone(),
            json!({"closed_on": "2026-03-05", "note": "Đã chấp hành xong"}),
        ),
    ]
}

/// What one client measured: latencies by step, failures by error code.
#[derive(Default)]
struct Samples {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<String, usize>,
}

impl Samples {
    fn record(&mut self, step: &'static str, took: Duration, outcome: Result<(), &AppError>) {
        match outcome {
            Ok(()) => self.latencies.entry(step).or_default().push(took),
            Err(e) => {
                *self
                    .errors
                    .entry(format!("{step}: {}", e.code))
                    .or_default() += 1
            }
        }
    }

    fn merge(&mut self, other: Samples) {
        for (k, mut v) in other.latencies {
            self.latencies.entry(k).or_default().append(&mut v);
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
    }

    fn ok(&self) -> usize {
        self.latencies.values().map(Vec::len).sum()
    }

    fn failed(&self) -> usize {
        self.errors.values().sum()
    }
}

/// Nearest-rank percentile in milliseconds of sorted latencies.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

struct Phase {
    samples: Samples,
    secs: f64,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.samples.ok() as f64 / self.secs.max(1e-9)
    }

    fn all_sorted(&self) -> Vec<Duration> {
        let mut all: Vec<Duration> = self.samples.latencies.values().flatten().copied().collect();
        all.sort_unstable();
        all
    }

    fn print(&self, title: &str) {
        println!(
            "  {title}: {} ok, {} failed in {:.1} s → {:.1}/s",
            self.samples.ok(),
            self.samples.failed(),
            self.secs,
            self.rate()
        );
        println!(
            "    {:<20} {:>7} {:>9} {:>9} {:>9}",
            "step", "count", "p50 ms", "p95 ms", "p99 ms"
        );
        for (step, v) in &self.samples.latencies {
            let mut v = v.clone();
            v.sort_unstable();
            println!(
                "    {:<20} {:>7} {:>9.1} {:>9.1} {:>9.1}",
                step,
                v.len(),
                percentile_ms(&v, 50.0),
                percentile_ms(&v, 95.0),
                percentile_ms(&v, 99.0)
            );
        }
        let all = self.all_sorted();
        println!(
            "    {:<20} {:>7} {:>9.1} {:>9.1} {:>9.1}",
            "(all)",
            all.len(),
            percentile_ms(&all, 50.0),
            percentile_ms(&all, 95.0),
            percentile_ms(&all, 99.0)
        );
        for (code, n) in &self.samples.errors {
            println!("    error {code}: {n}");
        }
    }
}

/// Runs `client(i, deadline)` for `clients` clients at once until `seconds` have passed; the wall
/// time runs until the last client finished its step in flight.
async fn run_clients<F, Fut>(clients: usize, seconds: u64, client: F) -> anyhow::Result<Phase>
where
    F: Fn(usize, Instant) -> Fut,
    Fut: std::future::Future<Output = Samples> + Send + 'static,
{
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let handles: Vec<_> = (0..clients)
        .map(|i| tokio::spawn(client(i, deadline)))
        .collect();
    let mut samples = Samples::default();
    for h in handles {
        samples.merge(h.await?);
    }
    Ok(Phase {
        samples,
        secs: started.elapsed().as_secs_f64(),
    })
}

async fn cases(args: CasesArgs) -> anyhow::Result<ExitCode> {
    if args.clients == 0 {
        bail!("--clients must be at least 1");
    }
    let backends = backends(&args.target)?;
    let mut summary = Vec::new();
    for (backend, server) in backends {
        let dir = tempfile::tempdir()?;
        let _pg;
        let url = match &server {
            None => format!("sqlite://{}", dir.path().join("bench.db").display()),
            Some(server) => {
                let db = PgBenchDb::create(server).await?;
                let url = db.url.clone();
                _pg = db;
                url
            }
        };
        let clock = Arc::new(BenchClock {
            anchor: Utc
                .with_ymd_and_hms(2026, 3, 5, 3, 0, 0)
                .single()
                .ok_or_else(|| anyhow!("anchor date"))?,
            started: Instant::now(),
        });
        let admin_password = format!("bench-{:016x}", rand::rngs::OsRng.next_u64());
        let app = Arc::new(fresh_app(&url, clock, &admin_password).await?);
        let demo = qltt_app::bootstrap::demo::DEMO_PASSWORD;
        let officers = Arc::new(Officers {
            inspector: sign_in(&app, "qn.ksv1", demo).await?,
            leader: sign_in(&app, "qn.doitruong1", demo).await?,
            accountant: sign_in(&app, "qn.ketoan", demo).await?,
            admin: sign_in(&app, "admin", &admin_password).await?,
        });
        let d1 = qltt_store::units::get_by_code(app.db.pool(), "QN-D1")
            .await?
            .ok_or_else(|| anyhow!("demo unit QN-D1 missing"))?
            .id;
        let total = args.clients * args.cases_per_client;
        let pb = ProgressBar::new(total as u64);
        pb.set_style(
            ProgressStyle::with_template("{msg} {bar:40} {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb.set_message(format!("{backend}: mở vụ việc"));
        let mut queues: Vec<Vec<String>> = vec![Vec::new(); args.clients];
        for n in 0..total {
            let case = open_case(&app, &officers.inspector, &d1).await?;
            queues[n % args.clients].push(case);
            pb.inc(1);
        }
        pb.finish_and_clear();

        // The baseline: the cheapest audited write at the same concurrency.
        let pb = spinner(format!(
            "{backend}: mốc so sánh (khóa API), {} máy khách, {} s",
            args.clients, args.seconds
        ));
        let baseline = {
            let (app, officers) = (app.clone(), officers.clone());
            run_clients(args.clients, args.seconds, move |i, deadline| {
                let (app, officers) = (app.clone(), officers.clone());
                async move { token_client(&app, &officers.admin, i, deadline).await }
            })
            .await?
        };
        pb.finish_and_clear();

        let pb = spinner(format!(
            "{backend}: các bước vụ việc, {} máy khách, {} s",
            args.clients, args.seconds
        ));
        let steps = {
            let (app, officers, d1) = (app.clone(), officers.clone(), d1.clone());
            let queues = Arc::new(std::sync::Mutex::new(queues));
            run_clients(args.clients, args.seconds, move |i, deadline| {
                let (app, officers, d1) = (app.clone(), officers.clone(), d1.clone());
                let queue = queues
                    .lock()
                    .map(|mut q| std::mem::take(&mut q[i]))
                    .unwrap_or_default();
                async move { case_client(&app, &officers, &d1, queue, i, deadline).await }
            })
            .await?
        };
        pb.finish_and_clear();

        println!(
            "{backend}: {} máy khách, {} s mỗi pha",
            args.clients, args.seconds
        );
        baseline.print("baseline: audited no-op write (API token create/revoke)");
        steps.print("case steps");
        let ratio = steps.rate() / baseline.rate().max(1e-9);
        println!(
            "  ratio case steps/s ÷ audited no-op writes/s = {ratio:.3}  (p50 {:.1} ms vs {:.1} ms)",
            percentile_ms(&steps.all_sorted(), 50.0),
            percentile_ms(&baseline.all_sorted(), 50.0)
        );
        println!();
        summary.push((
            backend,
            steps.rate(),
            baseline.rate(),
            ratio,
            steps.samples.failed(),
        ));
        app.db.close().await;
    }
    println!(
        "{:<10} {:>8} {:>12} {:>14} {:>8} {:>8}",
        "backend", "clients", "case steps/s", "no-op writes/s", "ratio", "errors"
    );
    for (backend, steps, base, ratio, errors) in &summary {
        println!(
            "{:<10} {:>8} {:>12.1} {:>14.1} {:>8.3} {:>8}",
            backend, args.clients, steps, base, ratio, errors
        );
    }
    Ok(if summary.iter().all(|(_, _, _, _, errors)| *errors == 0) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn open_case(app: &App, actor: &Actor, unit_id: &str) -> anyhow::Result<String> {
    let case = app
        .open_case(
            actor,
            NewCaseInput {
                business_id: None,
                unit_id: unit_id.to_string(),
                origin: "signs".into(),
                summary: "Cơ sở bày bán mỹ phẩm không rõ nguồn gốc".into(),
            },
        )
        .await
        .map_err(app_err)?;
    Ok(case.row.id)
}

/// The baseline: the cheapest audited write through the use cases, an API token created and
/// revoked again (each one transaction with its audit event, no other work inside it).
async fn token_client(app: &App, actor: &Actor, client: usize, deadline: Instant) -> Samples {
    let mut samples = Samples::default();
    let name = format!("bench {client}");
    while Instant::now() < deadline {
        let t = Instant::now();
        let r = app.create_api_token(actor, &name, 1).await;
        samples.record("token.create", t.elapsed(), r.as_ref().map(|_| ()));
        let Ok(signed) = r else { continue };
        let t = Instant::now();
        let r = app.revoke_token(actor, &signed.token_id).await;
        samples.record("token.revoke", t.elapsed(), r.as_ref().map(|_| ()));
    }
    samples
}

async fn case_client(
    app: &App,
    officers: &Officers,
    unit_id: &str,
    mut queue: Vec<String>,
    client: usize,
    deadline: Instant,
) -> Samples {
    let mut samples = Samples::default();
    let mut n = 0;
    while Instant::now() < deadline {
        let id = match queue.pop() {
            Some(id) => id,
            None => {
                let t = Instant::now();
                let r = app
                    .open_case(
                        &officers.inspector,
                        NewCaseInput {
                            business_id: None,
                            unit_id: unit_id.to_string(),
                            origin: "signs".into(),
                            summary: "Cơ sở bày bán mỹ phẩm không rõ nguồn gốc".into(),
                        },
                    )
                    .await;
                samples.record("open", t.elapsed(), r.as_ref().map(|_| ()));
                match r {
                    Ok(c) => c.row.id,
                    Err(_) => continue,
                }
            }
        };
        n += 1;
        for (step, actor, body) in case_steps(officers, &format!("BL-{client}-{n}")) {
            if Instant::now() >= deadline {
                break;
            }
            let t = Instant::now();
            let r = app.act_on_case(&actor, &id, step, body).await;
            samples.record(step, t.elapsed(), r.as_ref().map(|_| ()));
            if r.is_err() {
                // The case is stuck in an unexpected state: go on with the next one.
                break;
            }
        }
    }
    samples
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use qltt_domain::business::TaxCode;

    #[test]
    fn the_generator_writes_n_rows_with_valid_unique_tax_codes_but_the_planted_ones() {
        let mut buf = Vec::new();
        let mut last_progress = 0;
        let g = write_csv(&mut buf, 5_000, 1000, |n| last_progress = n).unwrap();
        assert_eq!(
            g,
            Generated {
                rows: 5_000,
                invalid: 5
            }
        );
        assert_eq!(last_progress, 5_000);
        let mut rdr = csv::Reader::from_reader(buf.as_slice());
        assert_eq!(
            rdr.headers().unwrap().iter().collect::<Vec<_>>(),
            CSV_COLUMNS
        );
        let mut rows = 0;
        let mut bad = 0;
        let mut codes = std::collections::HashSet::new();
        let mut addresses = std::collections::HashSet::new();
        for r in rdr.records() {
            let r = r.unwrap();
            rows += 1;
            let (kind, code) = (&r[1], &r[2]);
            assert!(AREAS.iter().any(|(u, _, _)| *u == &r[4]), "{r:?}");
            assert!(addresses.insert(r[3].to_string()), "address repeats: {r:?}");
            if code.is_empty() {
                assert!(["household", "individual", "online_store"].contains(&kind));
                continue;
            }
            match TaxCode::parse(code) {
                Ok(t) => {
                    assert_eq!(t.is_branch(), kind == "branch", "{r:?}");
                    assert!(codes.insert(t.as_str().to_string()), "duplicate {code}");
                }
                Err(_) => bad += 1,
            }
        }
        assert_eq!((rows, bad), (5_000, 5));
    }
}
