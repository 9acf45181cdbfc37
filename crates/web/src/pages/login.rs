//! Sign-in and sign-out pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use qltt_app::auth::TokenKind;
use rand::RngCore;
use secrecy::SecretString;
use serde::Deserialize;

use super::{Layout, PageActor, render};
use crate::AppState;
use crate::csrf::PRELOGIN_COOKIE;
use crate::extract::{ClientAddr, SESSION_COOKIE};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    error: Option<String>,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after sign-in (no open redirect to another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Control characters too: browsers drop tabs and line breaks, so "/\t/x.org" is "//x.org".
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age_hours: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .max_age(time::Duration::hours(max_age_hours))
        .build()
}

pub async fn form(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    let csrf = match jar.get(PRELOGIN_COOKIE) {
        Some(c) if c.value().len() == 64 => c.value().to_string(),
        _ => {
            let mut b = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut b);
            hex::encode(b)
        }
    };
    let page = LoginPage {
        layout: Layout::anonymous("Đăng nhập"),
        csrf: csrf.clone(),
        next: safe_next(q.next.as_deref()),
        error: None,
        username: String::new(),
    };
    let jar = jar.add(cookie(&state, PRELOGIN_COOKIE, csrf, 2));
    (jar, render(&page)).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    match state
        .app
        .login(
            &f.username,
            SecretString::from(f.password),
            &addr,
            TokenKind::Page,
        )
        .await
    {
        Ok(signed) => {
            let hours = state.app.settings.session_hours;
            let jar = jar
                .remove(Cookie::build(PRELOGIN_COOKIE).path("/"))
                .add(cookie(&state, SESSION_COOKIE, signed.token, hours));
            (jar, Redirect::to(&next)).into_response()
        }
        Err(e) => {
            let status = crate::error::status_of(e.kind);
            let page = LoginPage {
                layout: Layout::anonymous("Đăng nhập"),
                csrf: jar
                    .get(PRELOGIN_COOKIE)
                    .map(|c| c.value().to_string())
                    .unwrap_or_default(),
                next,
                error: Some(e.message),
                username: f.username,
            };
            (status, render(&page)).into_response()
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    PageActor(actor): PageActor,
) -> Response {
    if let Err(e) = state.app.logout(&actor).await {
        tracing::warn!(error = %e, "logout failed");
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/login")).into_response()
}
