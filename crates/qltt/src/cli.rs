//! The command line of api.md. Flags override the environment.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "qltt", version, about = "QLTT — hệ thống quản lý thị trường")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// sqlite://data/qltt.db (default) or postgres://…
    #[arg(long = "database", env = "QLTT_DATABASE_URL", global = true)]
    pub database: Option<String>,
    /// Folder for the SQLite file and local files.
    #[arg(
        long = "data-dir",
        env = "QLTT_DATA_DIR",
        global = true,
        default_value = "data"
    )]
    pub data_dir: PathBuf,
    /// Where files are kept: file://folder (default: the data folder's `blobs`) or
    /// s3://bucket/prefix (with the usual AWS_* variables for keys, region and endpoint).
    #[arg(long = "blobs", env = "QLTT_BLOBS", global = true)]
    pub blobs: Option<String>,
}

impl Global {
    /// The database URL: given, or the SQLite file inside the data folder.
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("qltt.db").display()),
        }
    }

    pub fn blobs_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }

    /// The blob store's location: given, or the data folder's `blobs`.
    pub fn blob_location(&self) -> anyhow::Result<qltt_blobs::BlobLocation> {
        match &self.blobs {
            Some(s) if !s.is_empty() => Ok(qltt_blobs::BlobLocation::parse(s)?),
            _ => Ok(qltt_blobs::BlobLocation::Folder(self.blobs_dir())),
        }
    }
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Serve the product over HTTP (the default command).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Officer accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import registers from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Consistent backup of the database and files into FILE (SQLite; PostgreSQL uses pg_dump).
    Backup { file: PathBuf },
    /// Restore a backup into an empty data folder and verify it.
    Restore { file: PathBuf },
    /// Benchmarks of issue 4 on fresh databases, each beside a baseline of the same run.
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    /// Generate a large realistic data set: N cases and 6·N businesses over the 34 provinces,
    /// with teams, officers, documents, payments and exhibits (refused on a database that
    /// already holds one; exit 2).
    Demo {
        /// N: the number of cases.
        #[arg(long)]
        scale: u64,
        /// The same seed generates the same data set.
        #[arg(long, default_value_t = qltt_app::bootstrap::scale::DEFAULT_SEED)]
        seed: u64,
    },
    /// The report roll-ups: `qltt reports reconcile [--repair]`.
    #[command(subcommand)]
    Reports(crate::reports_cmd::ReportsCommand),
    /// The search index (under the data folder's `search`).
    #[command(subcommand)]
    Search(crate::search_cmd::SearchCommand),
    /// The text of attached PDFs and scans: `qltt text status`, `qltt text retry [--code …]`.
    #[command(subcommand)]
    Text(crate::text_cmd::TextCommand),
}

impl Default for Command {
    fn default() -> Self {
        Command::Serve(ServeArgs::default())
    }
}

#[derive(Args, Debug, Clone, Default)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "QLTT_BIND")]
    pub bind: Option<String>,
    /// Do not load demo data into an empty database.
    #[arg(long)]
    pub no_demo: bool,
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "QLTT_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Behind a reverse proxy: take the client address from X-Forwarded-For.
    #[arg(long, env = "QLTT_TRUST_FORWARDED")]
    pub trust_forwarded: bool,
    /// The address the public reaches this server at (https://qltt.example.gov.vn): printed in
    /// the QR code of every issued document as `{public_url}/verify/{code}`.
    #[arg(long, env = "QLTT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The largest file an officer may upload, in MB (camera clips; uploads stream to the blob
    /// store, so this bounds disk use, not memory). Default 2048.
    #[arg(long, env = "QLTT_MAX_UPLOAD_MB")]
    pub max_upload_mb: Option<u64>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum UserCommand {
    /// Create an officer account (operator bootstrap).
    Create(UserCreateArgs),
}

#[derive(Args, Debug, Clone)]
pub struct UserCreateArgs {
    #[arg(long)]
    pub username: String,
    /// Unit code, e.g. QN-D1.
    #[arg(long)]
    pub unit: String,
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub full_name: Option<String>,
    /// Read the password from standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand, Debug, Clone)]
pub enum ImportCommand {
    /// Businesses from a CSV (UTF-8, header row) or XLSX file (first worksheet), told apart by
    /// content. Rejected rows are listed with reasons;
    /// exit 0 when every row was accepted, 1 when some were rejected.
    Businesses { file: PathBuf },
}

#[derive(Subcommand, Debug, Clone)]
pub enum AuditCommand {
    /// Walk the chain: exit 0 when intact, 1 naming the first broken event.
    Verify,
}
