//! `qltt bench search` (issue 7): latency of realistic register queries through the search index,
//! beside the same queries on the same rows through PostgreSQL (unaccent + pg_trgm, the route
//! without an index of our own) and SQLite FTS5, printed as ratios.
//!
//! Rows are generated (shop kinds, goods, owner names, streets and places of Vietnam, 10-digit
//! tax codes) from a fixed seed, so two runs measure the same data. Queries are a mix of what
//! officers type on a phone: a name without diacritics, a house number and street, a tax-code
//! prefix, a name with one typo. One client, one query at a time: the number is the latency an
//! officer sees, not the throughput of the machine.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use clap::Args;
use qltt_domain::business::fold;
use qltt_search::{Kind, SearchDoc, SearchIndex, SearchQuery, TantivyIndex};
use qltt_store::Db;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

#[derive(Args, Debug, Clone)]
pub struct SearchBenchArgs {
    /// PostgreSQL server on which a fresh database qltt_bench_<random> is created and dropped;
    /// without it the PostgreSQL route is skipped.
    #[arg(long = "database-url", env = "QLTT_TEST_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Generated businesses.
    #[arg(long, default_value_t = 200_000)]
    pub rows: usize,
    /// Queries per route.
    #[arg(long, default_value_t = 1000)]
    pub queries: usize,
}

const KINDS: &[&str] = &[
    "Cửa hàng",
    "Công ty TNHH",
    "Tạp hóa",
    "Nhà thuốc",
    "Đại lý",
    "Hộ kinh doanh",
    "Siêu thị mini",
];
const GOODS: &[&str] = &[
    "Mỹ phẩm",
    "Điện thoại",
    "Thời trang",
    "Thực phẩm",
    "Giày dép",
    "Đồ chơi",
    "Văn phòng phẩm",
    "Điện máy",
    "Dược phẩm",
    "Rượu bia",
    "Vật tư nông nghiệp",
    "Đồng hồ",
];
const NAMES: &[&str] = &[
    "Hương Giang",
    "Đức Dũng",
    "Minh Anh",
    "Thành Công",
    "Phú Quý",
    "Hoàng Long",
    "Bình An",
    "Tâm Đức",
    "Hải Đăng",
    "Ngọc Lan",
    "Quang Huy",
    "Thu Trang",
    "Kim Ngân",
    "Việt Hưng",
    "Đông Á",
    "Sơn Hà",
];
const STREETS: &[&str] = &[
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Điện Biên Phủ",
    "Lý Thái Tổ",
    "Quang Trung",
    "Hùng Vương",
    "Nguyễn Văn Cừ",
    "Bạch Đằng",
];
const PLACES: &[&str] = &[
    "Hạ Long",
    "Hoàn Kiếm",
    "Cầu Giấy",
    "Bắc Ninh",
    "Hải Châu",
    "Ninh Kiều",
    "Móng Cái",
    "Cẩm Phả",
    "Thủ Đức",
    "Đống Đa",
];

struct Row {
    id: String,
    name: String,
    address: String,
    tax_code: String,
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

fn generate(n: usize) -> Vec<Row> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..n)
        .map(|i| Row {
            id: format!("b{i:08}"),
            name: format!(
                "{} {} {}",
                pick(&mut rng, KINDS),
                pick(&mut rng, GOODS),
                pick(&mut rng, NAMES)
            ),
            address: format!(
                "{} {}, {}",
                rng.gen_range(1..400),
                pick(&mut rng, STREETS),
                pick(&mut rng, PLACES)
            ),
            tax_code: format!("{:010}", rng.next_u64() % 10_000_000_000),
        })
        .collect()
}

/// Officers' queries against rows that exist: (what, query).
fn queries(rows: &[Row], n: usize) -> Vec<(&'static str, String)> {
    let mut rng = StdRng::seed_from_u64(11);
    (0..n)
        .map(|i| {
            let r = &rows[rng.gen_range(0..rows.len())];
            let name = fold(&r.name);
            let words: Vec<&str> = name.split(' ').collect();
            match i % 4 {
                // goods and owner name, no diacritics: "my pham duc dung"
                0 => ("name", words[words.len().saturating_sub(4)..].join(" ")),
                1 => {
                    let addr = fold(&r.address);
                    let street: Vec<&str> =
                        addr.split(',').next().unwrap_or("").split(' ').collect();
                    ("address", street.join(" "))
                }
                2 => ("tax code prefix", r.tax_code[..7].to_string()),
                _ => {
                    // One letter doubled in the longest word (5+ letters).
                    let long = words.iter().copied().max_by_key(|w| w.len()).unwrap_or("");
                    let typo = format!("{long}{}", long.chars().last().unwrap_or('a'));
                    let q = words[words.len().saturating_sub(3)..]
                        .iter()
                        .map(|w| if *w == long { typo.as_str() } else { w })
                        .collect::<Vec<_>>()
                        .join(" ");
                    ("typo", q)
                }
            }
        })
        .collect()
}

fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

struct Route {
    name: &'static str,
    sorted: Vec<Duration>,
    found: usize,
}

impl Route {
    fn p(&self, p: f64) -> f64 {
        percentile_ms(&self.sorted, p)
    }
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

pub async fn run(args: SearchBenchArgs) -> anyhow::Result<std::process::ExitCode> {
    let rows = generate(args.rows);
    let qs = queries(&rows, args.queries);
    println!(
        "{} cơ sở sinh ngẫu nhiên, {} truy vấn (tên không dấu, địa chỉ, đầu mã số thuế, gõ sai một chữ).",
        rows.len(),
        qs.len()
    );

    // The index.
    let dir = tempfile::tempdir()?;
    let rss_before = rss_mb();
    let started = Instant::now();
    let index = TantivyIndex::open_dir(dir.path())?;
    for r in &rows {
        index.upsert(&SearchDoc {
            id: r.id.clone(),
            kind: Kind::Business,
            unit_id: "team".into(),
            scope: vec!["root".into(), "province".into(), "team".into()],
            officers: Vec::new(),
            secret_scope: Vec::new(),
            title: r.name.clone(),
            subtitle: r.address.clone(),
            body: String::new(),
            identifiers: vec![r.tax_code.clone()],
        })?;
    }
    index.commit(None)?;
    let build = started.elapsed();
    let size = dir_size(dir.path());
    let mut routes = Vec::new();
    let mut times = Vec::with_capacity(qs.len());
    let mut found = 0;
    for (_, q) in &qs {
        let t = Instant::now();
        let page = index.search(&SearchQuery {
            text: q,
            kind: None,
            scope: Some("province"),
            officer: None,
            reads_secrets: false,
            offset: 0,
            limit: 20,
        })?;
        times.push(t.elapsed());
        found += usize::from(!page.hits.is_empty());
    }
    times.sort();
    routes.push(Route {
        name: "tantivy (qltt-search)",
        sorted: times,
        found,
    });
    println!(
        "Chỉ mục: dựng {:.1} s ({:.0} cơ sở/s), {:.1} MB trên đĩa, RSS {:.0} MB (+{:.0} MB).",
        build.as_secs_f64(),
        rows.len() as f64 / build.as_secs_f64().max(1e-9),
        size as f64 / 1e6,
        rss_mb(),
        rss_mb() - rss_before
    );
    drop(index);

    if let Some(url) = &args.database_url {
        routes.push(postgres(url, &rows, &qs).await?);
    } else {
        println!("PostgreSQL: bỏ qua (không có --database-url / QLTT_TEST_DATABASE_URL).");
    }
    routes.push(sqlite(&rows, &qs).await?);

    println!();
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>10} {:>12}",
        "đường truy vấn", "p50 ms", "p95 ms", "p99 ms", "có kết quả", "p95 / index"
    );
    let base = routes[0].p(0.95).max(1e-6);
    for r in &routes {
        println!(
            "{:<26} {:>9.2} {:>9.2} {:>9.2} {:>9.0}% {:>11.1}×",
            r.name,
            r.p(0.50),
            r.p(0.95),
            r.p(0.99),
            100.0 * r.found as f64 / qs.len().max(1) as f64,
            r.p(0.95) / base
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}

async fn postgres(admin_url: &str, rows: &[Row], qs: &[(&str, String)]) -> anyhow::Result<Route> {
    let name = format!("qltt_bench_{:016x}", rand::rngs::OsRng.next_u64());
    let admin = Db::connect(admin_url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await?;
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => return Err(anyhow!("database URL without a database name")),
    };
    let result = postgres_on(&url, rows, qs).await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(admin.pool())
        .await;
    admin.close().await;
    result
}

async fn postgres_on(url: &str, rows: &[Row], qs: &[(&str, String)]) -> anyhow::Result<Route> {
    let db = Db::connect(url).await?;
    let pool = db.pool();
    for sql in [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        // unaccent() is only STABLE (its dictionary could change); an index needs IMMUTABLE.
        "CREATE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE \
         AS $$ SELECT public.unaccent('public.unaccent', $1) $$",
        "CREATE TABLE biz (id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, \
         tax_code TEXT NOT NULL)",
    ] {
        sqlx::query(sql).execute(pool).await.context(sql)?;
    }
    let started = Instant::now();
    for chunk in rows.chunks(1000) {
        let mut sql = String::from("INSERT INTO biz (id, name, address, tax_code) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${})",
                4 * i + 1,
                4 * i + 2,
                4 * i + 3,
                4 * i + 4
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.id)
                .bind(&r.name)
                .bind(&r.address)
                .bind(&r.tax_code);
        }
        q.execute(pool).await?;
    }
    const DOC: &str = "f_unaccent(lower(name || ' ' || address || ' ' || tax_code))";
    sqlx::query(&format!(
        "CREATE INDEX biz_trgm ON biz USING gin ({DOC} gin_trgm_ops)"
    ))
    .execute(pool)
    .await?;
    sqlx::query("ANALYZE biz").execute(pool).await?;
    println!(
        "PostgreSQL: nạp và lập chỉ mục trigram {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::with_capacity(qs.len());
    let mut found = 0;
    for (_, q) in qs {
        let words: Vec<&str> = q.split_whitespace().take(8).collect();
        let mut sql = String::from("SELECT id FROM biz WHERE TRUE");
        for i in 0..words.len() {
            sql.push_str(&format!(" AND {DOC} LIKE ${}", i + 2));
        }
        sql.push_str(&format!(
            " ORDER BY similarity({DOC}, f_unaccent(lower($1))) DESC LIMIT 20"
        ));
        let mut query = sqlx::query_as::<_, (String,)>(&sql).bind(q);
        for w in &words {
            query = query.bind(format!("%{w}%"));
        }
        let t = Instant::now();
        let hits = query.fetch_all(pool).await?;
        times.push(t.elapsed());
        found += usize::from(!hits.is_empty());
    }
    db.close().await;
    times.sort();
    Ok(Route {
        name: "PostgreSQL unaccent+trgm",
        sorted: times,
        found,
    })
}

async fn sqlite(rows: &[Row], qs: &[(&str, String)]) -> anyhow::Result<Route> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("fts.db").display());
    let db = Db::connect(&url).await?;
    let pool = db.pool();
    // FTS5's unicode61 drops tone marks but keeps đ; the rows go in folded as the register's own
    // search_text does, so both routes answer the same question.
    sqlx::query(
        "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, name, address, tax_code, \
         tokenize = 'unicode61 remove_diacritics 2')",
    )
    .execute(pool)
    .await?;
    let started = Instant::now();
    for chunk in rows.chunks(1000) {
        let mut sql = String::from("INSERT INTO fts (id, name, address, tax_code) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${})",
                4 * i + 1,
                4 * i + 2,
                4 * i + 3,
                4 * i + 4
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.id)
                .bind(fold(&r.name))
                .bind(fold(&r.address))
                .bind(&r.tax_code);
        }
        q.execute(pool).await?;
    }
    println!("SQLite FTS5: nạp {:.1} s.", started.elapsed().as_secs_f64());
    let mut times = Vec::with_capacity(qs.len());
    let mut found = 0;
    for (_, q) in qs {
        // Every word must be there, the last one as typed so far (prefix).
        let words: Vec<String> = q
            .split_whitespace()
            .take(8)
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect();
        let expr = format!("{}*", words.join(" "));
        let t = Instant::now();
        let hits: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM fts WHERE fts MATCH $1 ORDER BY rank LIMIT 20")
                .bind(&expr)
                .fetch_all(pool)
                .await?;
        times.push(t.elapsed());
        found += usize::from(!hits.is_empty());
    }
    db.close().await;
    times.sort();
    Ok(Route {
        name: "SQLite FTS5",
        sorted: times,
        found,
    })
}
