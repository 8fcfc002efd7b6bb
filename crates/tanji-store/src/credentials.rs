//! Secrets at rest: password hashes, and the random secrets behind sessions, API tokens and invitation codes.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane — the OWASP
//! recommendation). Session ids, API tokens and invitation codes are 256-bit random values; being unguessable, they
//! are stored as SHA-256 digests, which is enough to make a stolen database useless for logging in while keeping
//! lookups a single indexed query.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tanji_tenancy::member::Password;

/// Prefix of API token secrets, so that leaked tokens are recognisable by secret scanners.
pub const API_TOKEN_PREFIX: &str = "tanji_pat_";
/// Prefix of supplier invitation codes.
pub const INVITATION_CODE_PREFIX: &str = "tanji_inv_";
/// Prefix of member invitation codes (the secret in a `/join/…` link).
pub const MEMBER_INVITATION_CODE_PREFIX: &str = "tanji_join_";

/// Hashes a password with Argon2id. Takes tens of milliseconds by design; call it from a blocking thread.
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|error| anyhow::anyhow!("encoding a salt: {error}"))?;
    let hash = Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))?;
    Ok(hash.to_string())
}

/// Checks a password against a stored hash. A malformed stored hash counts as a mismatch (and is logged).
pub fn verify_password(password: &Password, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok(),
        Err(error) => {
            tracing::error!(%error, "a stored password hash is malformed");
            false
        }
    }
}

/// A hash to verify against when the login name does not exist, so that a failed login takes the same time whether
/// or not the account exists (no account enumeration by timing).
pub fn decoy_password_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password(&Password::for_login("decoy password that never matches")).expect("hashing the decoy password")
    })
}

/// A new random secret: `prefix` followed by 256 random bits in URL-safe base64.
pub fn new_secret(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The digest under which a secret is stored and looked up.
pub fn secret_digest(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let password = Password::parse_new("correct horse battery").unwrap();
        let hash = hash_password(&password).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&password, &hash));
        assert!(!verify_password(&Password::for_login("correct horse battery!"), &hash));
        assert!(!verify_password(&password, "not a hash"));
        assert!(!verify_password(&password, decoy_password_hash()));
    }

    #[test]
    fn secrets_are_random_and_prefixed() {
        let first = new_secret(API_TOKEN_PREFIX);
        let second = new_secret(API_TOKEN_PREFIX);
        assert_ne!(first, second);
        assert!(first.starts_with("tanji_pat_"));
        assert_eq!(first.len(), "tanji_pat_".len() + 43);
        assert_eq!(secret_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
