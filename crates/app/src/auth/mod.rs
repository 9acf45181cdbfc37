//! Sign-in, sessions and API tokens.
//!
//! A token is 32 random bytes shown to the client once; the database keeps only its SHA-256. Three
//! kinds share one table: `session` (from `POST /api/v1/session`), `page` (the browser cookie, with
//! a CSRF token) and `api` (named, long-lived, for other agencies' systems).

pub mod password;

use chrono::Duration;
use qltt_domain::officer::{Role, Username};
use qltt_domain::text::bounded;
use qltt_store::{audit, auth, ts, units, users};
use rand::RngCore;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Page,
    Api,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Page => "page",
            TokenKind::Api => "api",
        }
    }
}

/// What a successful sign-in returns. `token` is the only copy of the secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    pub token: String,
    pub token_id: String,
    pub expires_at: String,
    #[serde(skip)]
    pub csrf: Option<String>,
    pub user: UserSummary,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub unit_id: String,
    pub unit_name: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    pub rank: Option<String>,
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn too_many() -> AppError {
    AppError::new(
        ErrorKind::TooManyRequests,
        "auth.too_many_attempts",
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
    )
}

fn bad_credentials() -> AppError {
    AppError::new(
        ErrorKind::Unauthenticated,
        "auth.invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
    )
}

impl App {
    /// Checks a username and password and opens a session. Refuses with 429 once an account or an
    /// address has failed too often in the throttle window, before even checking the password, so
    /// guessing stays slow whatever the guesses are.
    #[tracing::instrument(skip(self, password), fields(username = %username_raw))]
    pub async fn login(
        &self,
        username_raw: &str,
        password: SecretString,
        address: &str,
        kind: TokenKind,
    ) -> AppResult<SignedIn> {
        let now = self.now();
        let username = Username::parse(username_raw)
            .map(|u| u.as_str().to_string())
            .unwrap_or_else(|_| {
                username_raw
                    .trim()
                    .to_lowercase()
                    .chars()
                    .take(64)
                    .collect()
            });
        // The attempt is written down *before* the counts are read: with several attempts fired
        // at once, each one sees at least every attempt that started before it, so no burst can
        // get more than the allowed number of passwords checked. A successful sign-in erases the
        // account's attempts (including this one).
        let mut tx = self.db.begin(now).await?;
        auth::record_failure(
            tx.conn(),
            &username,
            address,
            &ts(now),
            &ts(now - Duration::days(1)),
        )
        .await?;
        tx.commit_bookkeeping().await?;
        let since = ts(now - Duration::minutes(self.settings.throttle_minutes));
        let (by_user, by_address) =
            auth::recent_failures(self.db.pool(), &username, address, &since).await?;
        if by_user > self.settings.max_failures_per_account
            || by_address > self.settings.max_failures_per_address
        {
            tracing::warn!(address, "sign-in throttled");
            return Err(too_many());
        }
        let user = users::get_by_username(self.db.pool(), &username).await?;
        let hash = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| password::dummy_hash().to_string());
        let ok = password::verify_password(password, hash).await?;
        let user = match user {
            Some(u) if ok && u.is_active() => u,
            _ => return Err(bad_credentials()),
        };
        // Bookkeeping only: a sign-in whose password was right is not refused because the
        // database was busy (the attempts expire with the throttle window anyway).
        // Through the write gate like every write (an ungated one waits in SQLite's busy handler).
        let cleared = async {
            let mut tx = self.db.begin(now).await?;
            auth::clear_failures(tx.conn(), &username).await?;
            tx.commit_bookkeeping().await
        };
        if let Err(e) = cleared.await {
            tracing::warn!(error = %e, "could not clear sign-in failures");
        }
        self.open_token(&user.id, kind, "Đăng nhập", self.settings.session_hours)
            .await
    }

    async fn open_token(
        &self,
        user_id: &str,
        kind: TokenKind,
        name: &str,
        hours: i64,
    ) -> AppResult<SignedIn> {
        let now = self.now();
        let user = users::get(self.db.pool(), user_id)
            .await?
            .ok_or_else(|| AppError::not_found("officer.not_found"))?;
        let secret = format!("qltt_{}", random_secret());
        let csrf = (kind == TokenKind::Page).then(random_secret);
        let expires_at = ts(now + Duration::hours(hours));
        let mut tx = self.db.begin(now).await?;
        let token = auth::insert_token(
            &mut tx,
            auth::NewToken {
                user_id: &user.id,
                kind: kind.as_str(),
                name,
                token_hash: &token_digest(&secret),
                csrf_token: csrf.as_deref(),
                expires_at: &expires_at,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            audit::AuditEntry {
                actor_id: &user.id,
                action: if kind == TokenKind::Api {
                    "auth.token_create"
                } else {
                    "auth.login"
                },
                entity_type: "token",
                entity_id: &token.id,
                unit_id: &user.unit_id,
                details: json!({"kind": kind.as_str(), "name": name, "expires_at": expires_at}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SignedIn {
            token: secret,
            token_id: token.id,
            expires_at,
            csrf,
            user: self.user_summary(&user.id).await?,
        })
    }

    pub async fn user_summary(&self, user_id: &str) -> AppResult<UserSummary> {
        let user = users::get(self.db.pool(), user_id)
            .await?
            .ok_or_else(|| AppError::not_found("officer.not_found"))?;
        let unit = units::get(self.db.pool(), &user.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("officer without unit"))?;
        let roles = users::roles(self.db.pool(), &user.id)
            .await?
            .iter()
            .filter_map(|r| Role::parse(r).ok())
            .collect();
        Ok(UserSummary {
            id: user.id,
            username: user.username,
            full_name: user.full_name,
            unit_id: unit.id,
            unit_name: unit.name,
            roles,
            rank: user.rank,
        })
    }

    /// Resolves a presented token to the acting officer. Expired, revoked and unknown tokens and
    /// deactivated officers all get the same 401.
    pub async fn authenticate(&self, token: &str) -> AppResult<Actor> {
        let now = self.now();
        let row = auth::by_hash(self.db.pool(), &token_digest(token))
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        if row.revoked_at.is_some() || row.expires_at <= ts(now) {
            return Err(AppError::unauthenticated());
        }
        let user = users::get(self.db.pool(), &row.user_id)
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        if !user.is_active() {
            return Err(AppError::unauthenticated());
        }
        let roles = users::roles(self.db.pool(), &user.id)
            .await?
            .iter()
            .filter_map(|r| Role::parse(r).ok())
            .collect();
        // The last-use time is bookkeeping, kept to the minute: a read is never refused because
        // it could not be written (e.g. SQLite busy behind a long write transaction), and only a
        // token not noted in the last minute is written at all. Even an UPDATE that matches no row
        // takes SQLite's write lock, so touching on every request made every read queue behind
        // the case actions (seen in `qltt bench http`).
        // The write takes its turn at the write gate on its own task: the read never waits
        // behind the queue of case actions for it.
        let stale_before = ts(now - Duration::minutes(1));
        if row
            .last_used_at
            .as_deref()
            .is_none_or(|t| t < stale_before.as_str())
        {
            let db = self.db.clone();
            let token_id = row.id.clone();
            tokio::spawn(async move {
                let touched = async {
                    let mut tx = db.begin(now).await?;
                    auth::touch(tx.conn(), &token_id, &ts(now), &stale_before).await?;
                    tx.commit_bookkeeping().await
                };
                if let Err(e) = touched.await {
                    tracing::warn!(error = %e, "could not note a token's last use");
                }
            });
        }
        Ok(Actor {
            id: user.id,
            username: user.username,
            full_name: user.full_name,
            unit_id: user.unit_id,
            roles,
            token_id: row.id,
            csrf: row.csrf_token,
        })
    }

    /// Signs out: revokes exactly the token of this request.
    pub async fn logout(&self, actor: &Actor) -> AppResult<()> {
        self.revoke_token(actor, &actor.token_id.clone()).await
    }

    /// Creates a named long-lived API token for the actor (for scripts and other agencies'
    /// systems); the secret is returned once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        days: i64,
    ) -> AppResult<SignedIn> {
        let name = bounded("name", name, 100, true)?;
        if !(1..=365).contains(&days) {
            return Err(AppError::bad_input(
                "token.invalid_lifetime",
                "Thời hạn của khóa API phải từ 1 đến 365 ngày.",
            ));
        }
        self.open_token(&actor.id, TokenKind::Api, &name, days * 24)
            .await
    }

    pub async fn list_tokens(&self, actor: &Actor) -> AppResult<Vec<auth::TokenRow>> {
        Ok(auth::list_for_user(self.db.pool(), &actor.id).await?)
    }

    /// Revokes one of the actor's own tokens. Someone else's token is "not found".
    pub async fn revoke_token(&self, actor: &Actor, token_id: &str) -> AppResult<()> {
        let token = auth::by_id(self.db.pool(), token_id)
            .await?
            .filter(|t| t.user_id == actor.id)
            .ok_or_else(|| AppError::not_found("token.not_found"))?;
        if token.revoked_at.is_some() {
            // Already revoked: the same outcome, and nothing new to record.
            return Ok(());
        }
        let mut tx = self.db.begin(self.now()).await?;
        auth::revoke(&mut tx, &token.id).await?;
        audit::append(
            &mut tx,
            audit::AuditEntry {
                actor_id: &actor.id,
                action: if token.kind == "api" {
                    "auth.token_revoke"
                } else {
                    "auth.logout"
                },
                entity_type: "token",
                entity_id: &token.id,
                unit_id: &actor.unit_id,
                details: json!({"kind": token.kind}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
