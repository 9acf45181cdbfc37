//! `qltt bench reports` (issue 8): the leader dashboard on a generated set, beside DuckDB.
//!
//! On a database filled by `qltt demo --scale N` (or a temporary SQLite file it generates), it
//! measures, in one run:
//! 1. the build of the roll-ups when the database has none (what `qltt reports reconcile
//!    --repair` does on a generated set);
//! 2. the dashboard through the product: the five views a leader opens (trend by month, by unit,
//!    by violation group, by channel, by joint agency; each with its totals) for the national
//!    unit, read from the roll-ups: median of `--repeat` runs;
//! 3. the product's from-scratch recomputation: the reconciliation's check, which reads every
//!    case's source rows and recomputes its figures (`qltt reports reconcile`);
//! 4. the same rows exported to CSV, converted to Parquet by DuckDB (Python package `duckdb`), and
//!    the same dashboard computed by DuckDB from those files with no roll-up (`bench_reports.py`):
//!    median of `--repeat` runs.
//!
//! It checks that DuckDB's figures equal the product's, view by view (exit 1 otherwise), and prints
//! the ratios: dashboard ÷ DuckDB (goal ≤ 1, thanks to the roll-ups) and recomputation ÷ DuckDB
//! (goal ≤ 5). Never part of CI.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use chrono::NaiveDate;
use clap::Args;
use futures_util::TryStreamExt;
use qltt_app::App;
use qltt_app::bootstrap::scale::{Quiet, ScaleOptions};
use qltt_app::reports::{Summary, SummaryQuery};
use qltt_domain::report::Measure;
use qltt_store::Db;
use serde_json::{Value, json};
use sqlx::Row;

#[derive(Args, Debug, Clone)]
pub struct ReportsBenchArgs {
    /// A database holding a generated set (`qltt demo --scale N`); without it a fresh SQLite
    /// file in a temporary folder is generated with --scale.
    #[arg(long)]
    pub database: Option<String>,
    /// Cases of the generated set when no --database is given.
    #[arg(long, default_value_t = 20_000)]
    pub scale: u64,
    /// First day of the dashboard's period (the generated cases start in December 2023).
    #[arg(long, default_value = "2023-01-01")]
    pub from: NaiveDate,
    /// Runs of each dashboard (the median is printed).
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// The Python interpreter that has the package `duckdb` (`pip install duckdb`).
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// DuckDB threads (default: all cores, as DuckDB chooses).
    #[arg(long)]
    pub duckdb_threads: Option<usize>,
}

/// The five views of the dashboard, as the summary's `group_by`.
const VIEWS: [&str; 5] = ["month", "unit", "group", "channel", "agency"];

fn app_err(e: qltt_app::AppError) -> anyhow::Error {
    anyhow!("{} ({})", e.message, e.code)
}

pub async fn run(args: ReportsBenchArgs) -> anyhow::Result<ExitCode> {
    let check = Command::new(&args.python)
        .args(["-c", "import duckdb; print(duckdb.__version__)"])
        .output()
        .with_context(|| format!("running {}", args.python))?;
    if !check.status.success() {
        bail!(
            "{} cannot import duckdb: install it with `{} -m pip install duckdb`",
            args.python,
            args.python
        );
    }
    let tmp = tempfile::tempdir()?;
    let url = match &args.database {
        Some(u) => u.clone(),
        None => {
            let url = format!("sqlite://{}", tmp.path().join("bench.db").display());
            eprintln!("Sinh dữ liệu: {} vụ việc (SQLite tạm)…", args.scale);
            let db = Db::open(&url).await?;
            let app = App::new(db, Arc::new(qltt_app::SystemClock));
            app.bootstrap(Some(secrecy::SecretString::from(
                "bench-admin-password".to_string(),
            )))
            .await
            .map_err(app_err)?;
            app.generate_scale(
                ScaleOptions {
                    scale: args.scale,
                    seed: 1,
                },
                &Quiet,
            )
            .await
            .map_err(app_err)?;
            app.db.close().await;
            url
        }
    };
    let db = Db::connect(&url).await?;
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let app = App::new(db, Arc::new(qltt_app::SystemClock));
    let pool = app.db.pool().clone();
    let (cases,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cases")
        .fetch_one(&pool)
        .await?;
    if cases == 0 {
        bail!("no cases in this database: run `qltt demo --scale N` first");
    }
    let root = app.root_unit().await.map_err(app_err)?;
    let actor = app.system_actor().await.map_err(app_err)?;
    let to = qltt_domain::format::legal_day(chrono::Utc::now());
    println!(
        "Bảng điều hành trên {backend}: {cases} vụ việc, đơn vị {} ({}), {} – {}",
        root.name,
        root.code,
        args.from.format("%d/%m/%Y"),
        to.format("%d/%m/%Y")
    );

    // 1. The roll-ups, built if the generator left none.
    let (rollup_rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM report_daily")
        .fetch_one(&pool)
        .await?;
    if rollup_rows == 0 {
        eprintln!("Dựng bảng tổng hợp (reports reconcile --repair)…");
        let started = Instant::now();
        let r = app.reports_reconcile(true).await.map_err(app_err)?;
        println!(
            "Dựng bảng tổng hợp lần đầu: {:.1} s ({} vụ việc, {} dòng)",
            started.elapsed().as_secs_f64(),
            r.cases,
            r.differences.len()
        );
    } else {
        println!("Bảng tổng hợp đã có: {rollup_rows} dòng (không đo lần dựng đầu)");
    }

    // 2. The dashboard through the product, from the roll-ups.
    let query = |view: &str| SummaryQuery {
        from: Some(args.from),
        to: Some(to),
        unit_id: Some(root.id.clone()),
        group_by: Some(view.to_string()),
    };
    let mut product: BTreeMap<&str, Summary> = BTreeMap::new();
    let mut dash_times = Vec::new();
    for run in 0..=args.repeat {
        let started = Instant::now();
        for view in VIEWS {
            let s = app
                .report_summary(&actor, &query(view))
                .await
                .map_err(app_err)?;
            product.insert(view, s);
        }
        // The first run warms the caches, as DuckDB's first run reads its files.
        if run > 0 {
            dash_times.push(started.elapsed());
        }
    }
    let dash = median(&mut dash_times);

    // 3. The product's recomputation from the source tables.
    eprintln!("Tính lại từ bảng nguồn (reports reconcile)…");
    let started = Instant::now();
    let r = app.reports_reconcile(false).await.map_err(app_err)?;
    let recompute = started.elapsed();
    if !r.differences.is_empty() || r.wrong_fact_count > 0 {
        bail!(
            "the roll-ups differ from the source ({} rows, {} cases): run `qltt reports reconcile --repair` first",
            r.differences.len(),
            r.wrong_fact_count
        );
    }

    // 4. The same rows, exported, and DuckDB.
    eprintln!("Xuất dữ liệu nguồn ra CSV…");
    let started = Instant::now();
    let exported = export(&pool, tmp.path()).await?;
    let export_s = started.elapsed();
    let size: u64 = std::fs::read_dir(tmp.path())?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
        .filter_map(|e| e.metadata().ok().map(|m| m.len()))
        .sum();
    app.db.close().await;
    let script = tmp.path().join("bench_reports.py");
    std::fs::write(&script, include_str!("bench_reports.py"))?;
    let params = tmp.path().join("params.json");
    std::fs::write(
        &params,
        json!({"from": args.from.to_string(), "to": to.to_string(), "root": root.id,
            "repeat": args.repeat + 1, "threads": args.duckdb_threads})
        .to_string(),
    )?;
    eprintln!("DuckDB: Parquet và bảng điều hành…");
    let out = Command::new(&args.python)
        .arg(&script)
        .arg(tmp.path())
        .arg(&params)
        .output()
        .context("running the DuckDB script")?;
    if !out.status.success() {
        bail!(
            "the DuckDB script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let duck: Value = serde_json::from_slice(&out.stdout).context("reading DuckDB's answer")?;
    // Its first run (reading the files cold) is left out too.
    let mut duck_times: Vec<Duration> = duck["dashboard_s"]
        .as_array()
        .map(|a| {
            a.iter()
                .skip(1)
                .filter_map(Value::as_f64)
                .map(Duration::from_secs_f64)
                .collect()
        })
        .unwrap_or_default();
    let duck_dash = median(&mut duck_times);

    // The same figures, or the comparison means nothing.
    let mismatches = compare(&product, &duck["views"]);

    println!(
        "Xuất {} dòng nguồn ra CSV ({:.0} MB) trong {:.1} s; DuckDB {} nạp Parquet trong {:.1} s",
        exported,
        size as f64 / 1e6,
        export_s.as_secs_f64(),
        duck["duckdb_version"].as_str().unwrap_or("?"),
        duck["load_s"].as_f64().unwrap_or(0.0)
    );
    println!(
        "| {:<44} | {:>12} | {:>16} |",
        "phép đo", "thời gian", "so với DuckDB"
    );
    println!("|{:-<46}|{:-<14}|{:-<18}|", "", "", "");
    let ratio = |d: Duration| d.as_secs_f64() / duck_dash.as_secs_f64().max(1e-9);
    println!(
        "| {:<44} | {:>9.1} ms | {:>16} |",
        "DuckDB: bảng điều hành từ dữ liệu gốc",
        ms(duck_dash),
        "1"
    );
    println!(
        "| {:<44} | {:>9.1} ms | {:>15.3}× |",
        format!("QLTT {backend}: bảng điều hành (bảng tổng hợp)"),
        ms(dash),
        ratio(dash)
    );
    println!(
        "| {:<44} | {:>9.1} ms | {:>15.1}× |",
        format!("QLTT {backend}: tính lại từ bảng nguồn"),
        ms(recompute),
        ratio(recompute)
    );
    println!(
        "Mục tiêu: bảng điều hành ≤ 1× DuckDB ({}), tính lại ≤ 5× DuckDB ({}).",
        if ratio(dash) <= 1.0 {
            "đạt"
        } else {
            "chưa đạt"
        },
        if ratio(recompute) <= 5.0 {
            "đạt"
        } else {
            "chưa đạt"
        }
    );
    if mismatches.is_empty() {
        println!("Số liệu của DuckDB và của QLTT trùng nhau ở cả năm góc nhìn và tổng.");
        Ok(ExitCode::SUCCESS)
    } else {
        for m in mismatches.iter().take(20) {
            println!("Lệch: {m}");
        }
        println!("{} chỗ lệch giữa DuckDB và QLTT.", mismatches.len());
        Ok(ExitCode::FAILURE)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Every non-zero (view, key, measure) of one side that the other does not have equal.
fn compare(product: &BTreeMap<&str, Summary>, duck: &Value) -> Vec<String> {
    let mut ours: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    let mut totals = None;
    for (view, s) in product {
        totals.get_or_insert(s.totals.clone());
        for row in &s.rows {
            for m in Measure::ALL {
                let v = row.figures.get(*m);
                if v != 0 {
                    ours.insert((view.to_string(), row.key.clone(), m.as_str().into()), v);
                }
            }
        }
    }
    if let Some(t) = totals {
        for m in Measure::ALL {
            if t.get(*m) != 0 {
                ours.insert(
                    ("totals".into(), String::new(), m.as_str().into()),
                    t.get(*m),
                );
            }
        }
        ours.insert(
            ("totals".into(), String::new(), "fines_outstanding".into()),
            t.fines_outstanding,
        );
    }
    let mut theirs: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    if let Some(views) = duck.as_object() {
        for (view, keys) in views {
            for (key, measures) in keys.as_object().into_iter().flatten() {
                for (m, v) in measures.as_object().into_iter().flatten() {
                    let v = v.as_i64().unwrap_or(0);
                    if v != 0 || m == "fines_outstanding" {
                        theirs.insert((view.clone(), key.clone(), m.clone()), v);
                    }
                }
            }
        }
    }
    let keys: std::collections::BTreeSet<_> = ours.keys().chain(theirs.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (ours.get(k), theirs.get(k));
            (a != b).then(|| format!("{} {:?} {}: QLTT {:?}, DuckDB {:?}", k.0, k.1, k.2, a, b))
        })
        .collect()
}

/// Writes the source rows the figures derive from (the columns `bench_reports.py` reads) as CSV
/// files, streaming; returns the rows written.
async fn export(pool: &sqlx::AnyPool, dir: &Path) -> anyhow::Result<u64> {
    let tables: [(&str, &str, usize); 5] = [
        ("cases", "SELECT id, unit_id, origin, data FROM cases", 4),
        (
            "acts",
            "SELECT case_id, seq, violation_group, discovered_on, fine FROM case_violations",
            5,
        ),
        (
            "payments",
            "SELECT case_id, id, paid_on, amount FROM case_payments",
            4,
        ),
        (
            "lots",
            "SELECT e.case_id, e.id, e.seized_on, e.estimated_value, e.status, \
             COALESCE(c.occurred_at, e.created_at) FROM exhibits e LEFT JOIN custody_events c \
             ON c.exhibit_id = e.id AND c.seq = e.head_seq",
            6,
        ),
        ("units", "SELECT id, parent_id, merged_into FROM units", 3),
    ];
    let headers: BTreeMap<&str, &[&str]> = [
        ("cases", &["id", "unit_id", "origin", "data"][..]),
        (
            "acts",
            &["case_id", "seq", "violation_group", "discovered_on", "fine"][..],
        ),
        ("payments", &["case_id", "id", "paid_on", "amount"][..]),
        (
            "lots",
            &[
                "case_id",
                "id",
                "seized_on",
                "estimated_value",
                "status",
                "last_moved",
            ][..],
        ),
        ("units", &["id", "parent_id", "merged_into"][..]),
    ]
    .into_iter()
    .collect();
    let mut total = 0u64;
    for (name, sql, n) in tables {
        let file = std::fs::File::create(dir.join(format!("{name}.csv")))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
        w.write_record(headers[name])?;
        let mut rows = sqlx::query(sql).fetch(pool);
        while let Some(row) = rows.try_next().await? {
            let mut rec: Vec<String> = Vec::with_capacity(n);
            for i in 0..n {
                // Text, integer or NULL (an empty field; DuckDB reads it as NULL).
                let v = match row.try_get::<Option<String>, _>(i) {
                    Ok(v) => v.unwrap_or_default(),
                    Err(_) => row
                        .try_get::<Option<i64>, _>(i)?
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                };
                rec.push(v);
            }
            w.write_record(&rec)?;
            total += 1;
        }
        w.flush()?;
        w.into_inner()
            .map_err(|e| anyhow!("{e}"))?
            .flush()
            .context("writing CSV")?;
    }
    Ok(total)
}
