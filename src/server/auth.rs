//! Who is calling: the configured tokens, parsed once when the app is built,
//! and the caller's role from `Authorization: Bearer <token>`.

use crate::api::Role;
use crate::config::Tokens;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The configured tokens, each `name:secret` (or a bare `secret`, named
/// `maintainer`), parsed once: each secret's SHA-256 beside the role it
/// grants. A presented token is compared by digest in constant time, so the
/// time an answer takes tells neither a secret's length nor how many of its
/// leading bytes a guess had right.
pub(super) struct TokenTable {
    /// Maintainers first, then curators, then readers: the first match wins.
    entries: Vec<([u8; 32], Role)>,
}

impl TokenTable {
    pub(super) fn new(tokens: &Tokens) -> TokenTable {
        let mut entries = Vec::new();
        let mut add = |list: &[String], role: fn(String) -> Role| {
            for entry in list {
                let (name, secret) = entry
                    .rsplit_once(':')
                    .unwrap_or(("maintainer", entry.as_str()));
                entries.push((digest(secret), role(name.to_string())));
            }
        };
        add(&tokens.maintainers, Role::Maintainer);
        add(&tokens.curators, Role::Curator);
        add(&tokens.readers, |_| Role::Reader);
        TokenTable { entries }
    }

    /// The caller's role: `Anonymous` without a bearer token, `Unknown` for
    /// one this server was not given.
    pub(super) fn role(&self, headers: &HeaderMap) -> Role {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Role::Anonymous;
        };
        let presented = digest(token);
        self.entries
            .iter()
            .find(|(secret, _)| bool::from(secret.ct_eq(&presented)))
            .map_or(Role::Unknown, |(_, role)| role.clone())
    }
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> TokenTable {
        TokenTable::new(&Tokens {
            maintainers: vec!["alice:m-secret".into(), "bare-secret".into()],
            curators: vec!["carol:c-secret".into()],
            readers: vec!["rita:r-secret".into()],
        })
    }

    fn bearer(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn each_token_grants_its_role_and_name() {
        let t = table();
        assert_eq!(
            t.role(&bearer("Bearer m-secret")),
            Role::Maintainer("alice".into())
        );
        assert_eq!(
            t.role(&bearer("Bearer bare-secret")),
            Role::Maintainer("maintainer".into())
        );
        assert_eq!(
            t.role(&bearer("Bearer c-secret")),
            Role::Curator("carol".into())
        );
        assert_eq!(t.role(&bearer("Bearer r-secret")), Role::Reader);
    }

    #[test]
    fn no_token_a_wrong_one_or_a_name_is_not_a_role() {
        let t = table();
        assert_eq!(t.role(&HeaderMap::new()), Role::Anonymous);
        assert_eq!(t.role(&bearer("Basic m-secret")), Role::Anonymous);
        assert_eq!(t.role(&bearer("Bearer m-secre")), Role::Unknown);
        assert_eq!(t.role(&bearer("Bearer m-secret2")), Role::Unknown);
        // The holder's name and the whole entry are not secrets that work.
        assert_eq!(t.role(&bearer("Bearer alice")), Role::Unknown);
        assert_eq!(t.role(&bearer("Bearer alice:m-secret")), Role::Unknown);
        assert_eq!(t.role(&bearer("Bearer ")), Role::Unknown);
    }
}
