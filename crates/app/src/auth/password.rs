//! Password hashing with argon2id (the winner of the Password Hashing Competition and OWASP's first
//! recommendation), with the crate's default parameters (19 MiB, 2 passes, 1 lane). Hashing runs on
//! a blocking thread so a burst of sign-ins does not stall the async workers.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use secrecy::{ExposeSecret, SecretString};

use crate::{AppError, AppResult};

pub async fn hash_password(password: SecretString) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

pub async fn verify_password(password: SecretString, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(AppError::internal)?;
        Ok(Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(AppError::internal)?
}

/// A hash of a random password, verified against when the username does not exist, so that an
/// attacker cannot tell existing accounts by response time.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Xf1Zr2mCSOQ5nYHwj/8w8OkrEHZqXvfsQmgdlu9Asw"
}
