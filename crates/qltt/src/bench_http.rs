//! `qltt bench http` (issue 10): load on the real server over loopback. The product runs as its
//! own process (`qltt serve`, this same binary) on a generated data set; C clients, each with
//! its own connection and an officer's token, send a realistic mix (by default 80 % reads: case
//! lists, case pages, business search, business pages, queues; 20 % case actions: open a case
//! from a tip, propose an inspection on it) for a fixed time. In the same run, the same clients
//! hammer an axum hello-world in its own process (`qltt bench hello-server`): the ceiling of this
//! machine, HTTP stack and client. Printed: throughput and p50/p95/p99 per kind of request, and
//! the ratios against the ceiling. Bounded in time; never part of CI.

use std::collections::BTreeMap;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use clap::Args;
use qltt_app::App;
use qltt_app::bootstrap::scale::{Quiet, ScaleOptions};
use qltt_store::Db;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

#[derive(Args, Debug, Clone)]
pub struct HttpBenchArgs {
    /// A database holding a generated set (`qltt demo --scale N`); without it a fresh SQLite
    /// file in a temporary folder is generated with --scale.
    #[arg(long)]
    pub database: Option<String>,
    /// Cases of the generated set when no --database is given (6 businesses per case).
    #[arg(long, default_value_t = 20_000)]
    pub scale: u64,
    /// Concurrent clients, each with its own connection.
    #[arg(long, default_value_t = 200)]
    pub clients: usize,
    /// Seconds per phase (ceiling, then the product).
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Share of case actions in the mix, in percent.
    #[arg(long, default_value_t = 20)]
    pub write_percent: u32,
}

#[derive(Args, Debug, Clone)]
pub struct HelloArgs {
    #[arg(long)]
    pub bind: String,
}

/// The ceiling: the smallest axum server, on the same runtime settings as the product.
pub async fn hello_server(args: HelloArgs) -> anyhow::Result<ExitCode> {
    let router = axum::Router::new().route(
        "/",
        axum::routing::get(|| async { axum::Json(json!({"status": "ok"})) }),
    );
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    axum::serve(listener, router).await?;
    Ok(ExitCode::SUCCESS)
}

/// A child process killed when dropped (error and Ctrl-C included).
struct ChildServer(Child);

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_ready(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(url).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{url} did not answer in 120 s")
}

/// Latencies by kind of request, failures by kind and status.
#[derive(Default)]
struct Samples {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<String, usize>,
}

impl Samples {
    fn merge(&mut self, other: Samples) {
        for (k, mut v) in other.latencies {
            self.latencies.entry(k).or_default().append(&mut v);
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
    }

    fn count(&self, kinds: &[&str]) -> usize {
        self.latencies
            .iter()
            .filter(|(k, _)| kinds.is_empty() || kinds.contains(k))
            .map(|(_, v)| v.len())
            .sum()
    }

    fn sorted(&self, kinds: &[&str]) -> Vec<Duration> {
        let mut all: Vec<Duration> = self
            .latencies
            .iter()
            .filter(|(k, _)| kinds.is_empty() || kinds.contains(k))
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        all.sort_unstable();
        all
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
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
    fn rate(&self, kinds: &[&str]) -> f64 {
        self.samples.count(kinds) as f64 / self.secs.max(1e-9)
    }

    fn line(&self, label: &str, kinds: &[&str]) {
        let s = self.samples.sorted(kinds);
        println!(
            "    {:<22} {:>8} {:>9.0} {:>8.1} {:>8.1} {:>8.1}",
            label,
            s.len(),
            self.rate(kinds),
            pct(&s, 50.0),
            pct(&s, 95.0),
            pct(&s, 99.0)
        );
    }
}

fn header() {
    println!(
        "    {:<22} {:>8} {:>9} {:>8} {:>8} {:>8}",
        "requests", "count", "per s", "p50 ms", "p95 ms", "p99 ms"
    );
}

const READS: &[&str] = &[
    "GET case list",
    "GET case",
    "GET business search",
    "GET business",
    "GET queues",
];
const WRITES: &[&str] = &["POST open case", "POST propose"];

/// One officer's client: its token, its team and what it may read.
#[derive(Clone)]
struct Officer {
    token: String,
    unit_id: String,
    cases: Arc<Vec<String>>,
    businesses: Arc<Vec<(String, String)>>,
}

pub async fn run(args: HttpBenchArgs) -> anyhow::Result<ExitCode> {
    if args.clients == 0 || args.seconds == 0 {
        bail!("--clients and --seconds must be at least 1");
    }
    let exe = std::env::current_exe()?;
    let tmp = tempfile::tempdir()?;
    let url = match &args.database {
        Some(u) => u.clone(),
        None => {
            let url = format!("sqlite://{}", tmp.path().join("bench.db").display());
            eprintln!(
                "Sinh dữ liệu: {} vụ việc, {} cơ sở (SQLite tạm)…",
                args.scale,
                args.scale * 6
            );
            let started = Instant::now();
            let db = Db::open(&url).await?;
            let app = App::new(db, Arc::new(qltt_app::SystemClock));
            app.bootstrap(Some(secrecy::SecretString::from(
                "bench-admin-password".to_string(),
            )))
            .await
            .map_err(|e| anyhow!("{} ({})", e.message, e.code))?;
            app.generate_scale(
                ScaleOptions {
                    scale: args.scale,
                    seed: 1,
                },
                &Quiet,
            )
            .await
            .map_err(|e| anyhow!("{} ({})", e.message, e.code))?;
            // The generator writes no roll-ups: build them now, as `qltt reports reconcile
            // --repair` would, or the server's first nightly reconciliation would build them
            // (in short batches, but all of them) while the clients sign in.
            app.reports_reconcile(true)
                .await
                .map_err(|e| anyhow!("{} ({})", e.message, e.code))?;
            app.db.close().await;
            eprintln!("  xong trong {:.0} s", started.elapsed().as_secs_f64());
            url
        }
    };
    // Officers of the generated set: the inspectors of many teams, one client each (round robin).
    let db = Db::connect(&url).await?;
    let usernames: Vec<(String,)> = sqlx::query_as(
        "SELECT username FROM users WHERE username LIKE '%-t%.ksv01' ORDER BY username LIMIT 200",
    )
    .fetch_all(db.pool())
    .await?;
    let (cases_total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cases")
        .fetch_one(db.pool())
        .await?;
    db.close().await;
    if usernames.is_empty() {
        bail!(
            "no generated officers (…-tNN.ksv01) in this database: run `qltt demo --scale N` first"
        );
    }

    // The two servers, each in its own process.
    let port = free_port()?;
    let _product = ChildServer(
        Command::new(&exe)
            .args([
                "--database",
                &url,
                "--data-dir",
                &tmp.path().join("data").display().to_string(),
                "serve",
                "--no-demo",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .env("QLTT_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .context("start qltt serve")?,
    );
    let hello_port = free_port()?;
    let _hello = ChildServer(
        Command::new(&exe)
            .args([
                "bench",
                "hello-server",
                "--bind",
                &format!("127.0.0.1:{hello_port}"),
            ])
            .stdout(Stdio::null())
            .spawn()
            .context("start hello-server")?,
    );
    let base = format!("http://127.0.0.1:{port}");
    let hello = format!("http://127.0.0.1:{hello_port}/");
    wait_ready(&format!("{base}/healthz")).await?;
    wait_ready(&hello).await?;

    // Sign in and learn what each officer can read (its own scope only).
    let setup = reqwest::Client::new();
    let mut officers = Vec::new();
    for (u,) in &usernames {
        let r = setup
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": u, "password": qltt_app::bootstrap::demo::DEMO_PASSWORD}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("sign-in of {u}: {}", r.status());
        }
        let token = r.json::<Value>().await?["token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let me: Value = setup
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let list: Value = setup
            .get(format!("{base}/api/v1/cases?limit=100"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let businesses: Value = setup
            .get(format!("{base}/api/v1/businesses?limit=100"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let ids = |v: &Value| -> Vec<String> {
            v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["id"].as_str().map(str::to_string))
                .collect()
        };
        let names: Vec<(String, String)> = businesses["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| {
                Some((
                    i["id"].as_str()?.to_string(),
                    i["name"].as_str()?.to_string(),
                ))
            })
            .collect();
        officers.push(Officer {
            token,
            unit_id: me["unit_id"].as_str().unwrap_or_default().to_string(),
            cases: Arc::new(ids(&list)),
            businesses: Arc::new(names),
        });
    }
    println!(
        "qltt bench http: {} vụ việc trong cơ sở dữ liệu, {} cán bộ, {} client đồng thời, {} s mỗi pha, {} % thao tác ghi",
        cases_total,
        officers.len(),
        args.clients,
        args.seconds,
        args.write_percent
    );

    // Phase 1: the ceiling.
    let ceiling = phase(args.clients, args.seconds, |_, deadline| {
        let hello = hello.clone();
        async move {
            let client = client();
            let mut s = Samples::default();
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.get(&hello).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        s.latencies
                            .entry("GET hello")
                            .or_default()
                            .push(t.elapsed());
                    }
                    Ok(r) => *s.errors.entry(format!("hello {}", r.status())).or_default() += 1,
                    Err(_) => *s.errors.entry("hello connection".into()).or_default() += 1,
                }
            }
            s
        }
    })
    .await?;

    // Phase 2: the product.
    let officers = Arc::new(officers);
    let write_percent = args.write_percent.min(100);
    let product = phase(args.clients, args.seconds, |i, deadline| {
        let base = base.clone();
        let officers = officers.clone();
        async move {
            let me = officers[i % officers.len()].clone();
            let client = client();
            let mut rng = StdRng::seed_from_u64(i as u64);
            let mut s = Samples::default();
            let mut opened: Vec<String> = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let (kind, req) = if rng.gen_range(0..100) < write_percent {
                    if let Some(case) = opened.pop().filter(|_| rng.gen_bool(0.5)) {
                        (
                            "POST propose",
                            client
                                .post(format!("{base}/api/v1/cases/{case}/actions/propose"))
                                .json(&json!({"content": "Đề xuất kiểm tra theo tin báo"})),
                        )
                    } else {
                        (
                            "POST open case",
                            client.post(format!("{base}/api/v1/cases")).json(&json!({
                                "unit_id": me.unit_id,
                                "origin": "tip",
                                "summary": format!("Tin báo tải thử {i}-{n}"),
                            })),
                        )
                    }
                    .pipe(|(k, r)| (k, r.header("idempotency-key", format!("bench-{i}-{n}"))))
                } else {
                    match rng.gen_range(0..5) {
                        0 => (
                            "GET case list",
                            client.get(format!("{base}/api/v1/cases?limit=20")),
                        ),
                        1 if !me.cases.is_empty() => {
                            let c = &me.cases[rng.gen_range(0..me.cases.len())];
                            ("GET case", client.get(format!("{base}/api/v1/cases/{c}")))
                        }
                        2 if !me.businesses.is_empty() => {
                            let (_, name) = &me.businesses[rng.gen_range(0..me.businesses.len())];
                            let q: String = qltt_domain::business::fold(name)
                                .split_whitespace()
                                .take(2)
                                .collect::<Vec<_>>()
                                .join(" ");
                            (
                                "GET business search",
                                client
                                    .get(format!("{base}/api/v1/businesses"))
                                    .query(&[("q", q.as_str()), ("limit", "20")]),
                            )
                        }
                        3 if !me.businesses.is_empty() => {
                            let (b, _) = &me.businesses[rng.gen_range(0..me.businesses.len())];
                            (
                                "GET business",
                                client.get(format!("{base}/api/v1/businesses/{b}")),
                            )
                        }
                        _ => ("GET queues", client.get(format!("{base}/api/v1/queues"))),
                    }
                };
                let t = Instant::now();
                match req.bearer_auth(&me.token).send().await {
                    Ok(r) if r.status().is_success() => {
                        let body = r.bytes().await.unwrap_or_default();
                        s.latencies.entry(kind).or_default().push(t.elapsed());
                        if kind == "POST open case"
                            && let Ok(v) = serde_json::from_slice::<Value>(&body)
                            && let Some(id) = v["id"].as_str()
                        {
                            opened.push(id.to_string());
                        }
                    }
                    Ok(r) => {
                        let status = r.status();
                        let body: Value = r.json().await.unwrap_or(Value::Null);
                        let code = body["error"]["code"].as_str().unwrap_or("").to_string();
                        *s.errors
                            .entry(format!("{kind} {status} {code}"))
                            .or_default() += 1;
                    }
                    Err(_) => *s.errors.entry(format!("{kind} connection")).or_default() += 1,
                }
            }
            s
        }
    })
    .await?;

    println!();
    println!("  Trần (axum hello-world, cùng máy, cùng lúc chạy):");
    header();
    ceiling.line("GET hello", &[]);
    for (k, n) in &ceiling.samples.errors {
        println!("    lỗi {k}: {n}");
    }
    println!();
    println!("  QLTT (qltt serve, {cases_total} vụ việc):");
    header();
    for k in READS.iter().chain(WRITES) {
        product.line(k, &[k]);
    }
    product.line("(reads)", READS);
    product.line("(case actions)", WRITES);
    product.line("(all)", &[]);
    for (k, n) in &product.samples.errors {
        println!("    lỗi {k}: {n}");
    }
    let reads = product.samples.sorted(READS);
    let all = product.samples.sorted(&[]);
    println!();
    println!(
        "  tỉ lệ: đọc / trần = {:.3} (mục tiêu ≥ 0,20); tất cả / trần = {:.3}",
        product.rate(READS) / ceiling.rate(&[]).max(1e-9),
        product.rate(&[]) / ceiling.rate(&[]).max(1e-9)
    );
    println!(
        "  p99: đọc {:.1} ms, tất cả {:.1} ms (mục tiêu ≤ 50 ms)",
        pct(&reads, 99.0),
        pct(&all, 99.0)
    );
    let failed: usize = product.samples.errors.values().sum();
    Ok(if failed * 100 > product.samples.count(&[]).max(1) {
        eprintln!("hơn 1 % yêu cầu lỗi: {failed}");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A client with one connection of its own (as one phone or desk would have).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

async fn phase<F, Fut>(clients: usize, seconds: u64, client: F) -> anyhow::Result<Phase>
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

/// `x.pipe(f)` = `f(x)`: keeps the request-building match readable.
trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}
