//! `qltt`: the one binary. Serves the product (the default), and the operator's commands.

mod backup;
mod bench;
mod bench_http;
mod bench_reports;
mod bench_search;
mod cli;
mod demo_cmd;
mod reports_cmd;
mod search_cmd;
mod text_cmd;

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use qltt_app::{App, SystemClock};
use qltt_store::Db;
use qltt_store::audit::Verification;
use secrecy::SecretString;

use cli::{AuditCommand, Cli, Command, ImportCommand, UserCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("không khởi động được: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("QLTT_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = std::env::var("QLTT_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_app(cli: &Cli) -> anyhow::Result<App> {
    let url = cli.global.database_url();
    let db = Db::open(&url).await?;
    let blobs = qltt_blobs::BlobStore::open(&cli.global.blob_location()?)?;
    Ok(App::new(db, Arc::new(SystemClock)).with_blobs(blobs))
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command.clone().unwrap_or_default() {
        Command::Serve(args) => serve(&cli, args).await,
        Command::Migrate => {
            let app = open_app(&cli).await?;
            println!("Cơ sở dữ liệu ({}) đã cập nhật lược đồ.", app.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Create(args)) => {
            let app = open_app(&cli).await?;
            bootstrap(&app, false).await?;
            let (password, generated) = if args.password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                (s.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (random_password(), true)
            };
            let officer = app
                .create_user_by_operator(
                    &args.username,
                    &args.unit,
                    &args.role,
                    args.full_name.as_deref(),
                    SecretString::from(password.clone()),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
            println!(
                "Đã tạo tài khoản {} tại {}.",
                officer.username, officer.unit_name
            );
            if generated {
                println!("Mật khẩu (chỉ hiển thị một lần): {password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify) => {
            let app = open_app(&cli).await?;
            let audit_ok = match app
                .verify_audit()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                Verification::Intact { events } => {
                    println!("Chuỗi nhật ký nguyên vẹn: {events} sự kiện.");
                    true
                }
                Verification::Broken { seq, id, reason } => {
                    println!("Chuỗi nhật ký BỊ PHÁ VỠ tại sự kiện #{seq} (id {id}): {reason}");
                    false
                }
            };
            // Each exhibit lot keeps its own chain of custody events (issue 6): walk them all.
            let chains = app
                .verify_custody_chains()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let custody_ok = match &chains.broken {
                None => {
                    println!(
                        "Chuỗi giao nhận tang vật nguyên vẹn: {} lô, {} sự kiện.",
                        chains.lots, chains.events
                    );
                    true
                }
                Some((lot_no, seq)) => {
                    println!(
                        "Chuỗi giao nhận tang vật BỊ PHÁ VỠ: lô {lot_no}, sự kiện #{seq} (đã kiểm {} lô).",
                        chains.lots
                    );
                    false
                }
            };
            Ok(if audit_ok && custody_ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Import(ImportCommand::Businesses { file }) => {
            let app = open_app(&cli).await?;
            bootstrap(&app, true).await?;
            let actor = app
                .system_actor()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let reader = std::io::BufReader::new(
                std::fs::File::open(&file)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?,
            );
            let started = std::time::Instant::now();
            let report = app
                .import_businesses(&actor, reader)
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{} dòng: {} thêm mới, {} cập nhật, {} không đổi, {} bị từ chối ({:.1} s, {:.0} dòng/s).",
                report.rows,
                report.created,
                report.updated,
                report.unchanged,
                report.rejected.len(),
                secs,
                report.rows as f64 / secs.max(1e-9)
            );
            for r in &report.rejected {
                println!(
                    "  dòng {}: {}{} [{}]",
                    r.line,
                    r.field
                        .as_deref()
                        .map(|f| format!("{f}: "))
                        .unwrap_or_default(),
                    r.reason,
                    r.code
                );
            }
            Ok(if report.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Backup { file } => backup::backup(&cli.global, &file).await,
        Command::Restore { file } => backup::restore(&cli.global, &file).await,
        Command::Bench(cmd) => bench::run(cmd).await,
        Command::Demo { scale, seed } => {
            let app = open_app(&cli).await?;
            bootstrap(&app, true).await?;
            demo_cmd::run(&app, scale, seed).await
        }
        Command::Reports(cmd) => {
            let app = open_app(&cli).await?;
            reports_cmd::run(app, cmd).await
        }
        Command::Search(cmd) => {
            let app = open_app(&cli).await?;
            search_cmd::run(app, &cli.global.data_dir, cmd).await
        }
        Command::Text(cmd) => {
            let app = open_app(&cli).await?;
            text_cmd::run(app, cmd).await
        }
    }
}

fn random_password() -> String {
    use rand::RngCore;
    let mut b = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Creates the root unit and `admin` on an empty database; prints a generated password once.
async fn bootstrap(app: &App, announce: bool) -> anyhow::Result<bool> {
    let admin_password = std::env::var("QLTT_ADMIN_PASSWORD")
        .ok()
        .map(SecretString::from);
    let b = app
        .bootstrap(admin_password)
        .await
        .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
    if b.admin_created && announce {
        match &b.generated_password {
            Some(p) => println!(
                "Tài khoản quản trị: admin / {p}  (chỉ hiển thị một lần — hãy đổi hoặc ghi lại)"
            ),
            None => println!("Tài khoản quản trị: admin (mật khẩu từ QLTT_ADMIN_PASSWORD)"),
        }
    }
    Ok(b.admin_created)
}

async fn serve(cli: &Cli, args: cli::ServeArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut app = open_app(cli)
        .await?
        .with_search(search_cmd::open_index(&cli.global.data_dir)?);
    let bind = args.bind.clone().unwrap_or_else(|| "127.0.0.1:8080".into());
    // Printed in every issued document's QR code (demo cases included): set before anything is
    // issued; the listen address unless the public one is given.
    app.settings.public_url = args
        .public_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| format!("http://{bind}"));
    if let Some(mb) = args.max_upload_mb {
        app.settings.max_upload_bytes = mb.saturating_mul(1024 * 1024);
    }
    // Uploads cut off by a crash left their staging objects: nothing points at them.
    match app
        .blobs
        .sweep_staging(std::time::Duration::from_secs(24 * 3600))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            removed = n,
            "interrupted uploads removed from the blob store"
        ),
        Err(e) => tracing::warn!(error = %e, "could not sweep the blob store's staging area"),
    }
    let fresh = bootstrap(&app, true).await?;
    if fresh && !args.no_demo {
        let logins = app
            .load_demo()
            .await
            .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
        if !logins.is_empty() {
            app.load_demo_cases()
                .await
                .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.code))?;
            println!(
                "Dữ liệu mẫu đã nạp. Tài khoản mẫu (mật khẩu: {}):",
                qltt_app::bootstrap::demo::DEMO_PASSWORD
            );
            for l in &logins {
                println!(
                    "  {:<18} {:<28} {}",
                    l.username,
                    l.role.label(),
                    l.unit_code
                );
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    let local = listener.local_addr()?;
    let state = qltt_web::AppState {
        app: Arc::new(app),
        secure_cookies: args.secure_cookies,
        trust_forwarded: args.trust_forwarded,
    };
    // Indexing runs beside the server and never in a request: writes only wake it up.
    let _search_job = state
        .app
        .spawn_search_job(std::time::Duration::from_secs(5));
    // The text of attached PDFs and scans (pdftotext, tesseract OCR), one file at a time.
    let _text_job = state.app.spawn_text_job(std::time::Duration::from_secs(5));
    // The report roll-ups likewise, with the nightly reconciliation.
    let _reports_job = state
        .app
        .spawn_reports_job(std::time::Duration::from_secs(5));
    let router = qltt_web::router(state);
    println!(
        "QLTT đang chạy: http://{local}  (cơ sở dữ liệu: {}, khởi động {} ms)",
        qltt_store::db::redact_url(&cli.global.database_url()),
        started.elapsed().as_millis()
    );
    tracing::info!(%local, "listening");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
