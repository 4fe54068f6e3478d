//! The bearer token: checking it in constant time, and generating one.

use axum::http::{HeaderMap, header};
use subtle::ConstantTimeEq;

/// Whether `headers` carry `Authorization: Bearer <expected>` (the scheme in any case).
/// An empty `expected` matches nothing, so a misconfigured sandbox is closed, not open.
pub(crate) fn is_authorized(headers: &HeaderMap, expected: &[u8]) -> bool {
    bearer(headers)
        .is_some_and(|token| !expected.is_empty() && constant_time_eq(token.as_bytes(), expected))
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credentials) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim())
}

/// Compares without stopping at the first difference, so the time taken does not reveal
/// how much of a guessed token was right (only whether its length was).
pub(crate) fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    given.ct_eq(expected).into()
}

/// A fresh token for a sandbox nobody configured one for: 256 bits from the operating
/// system's CSPRNG, as 64 lowercase hex digits.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(constant_time_eq(b"", b""));
        for other in [&b"secreT"[..], b"secre", b"secrets", b"", b"\0secret"] {
            assert!(!constant_time_eq(other, b"secret"));
        }
    }

    #[test]
    fn random_tokens_are_long_hex_and_distinct() {
        let first = random_token().expect("CSPRNG");
        let second = random_token().expect("CSPRNG");
        assert_eq!(first.len(), 64);
        assert!(
            first
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(first, second);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive_and_empty_tokens_match_nothing() {
        let headers = |value: &str| {
            let mut map = HeaderMap::new();
            map.insert(header::AUTHORIZATION, value.parse().expect("header value"));
            map
        };
        assert!(is_authorized(&headers("Bearer abc"), b"abc"));
        assert!(is_authorized(&headers("bEARER  abc "), b"abc"));
        assert!(!is_authorized(&headers("Basic abc"), b"abc"));
        assert!(!is_authorized(&headers("Bearer "), b""));
        assert!(!is_authorized(&HeaderMap::new(), b"abc"));
    }
}
