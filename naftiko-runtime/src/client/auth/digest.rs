//! HTTP Digest (RFC 7616), client side: the first request goes without credentials; a `401`
//! with a `Digest` challenge is answered (`qop=auth`, SHA-256 preferred over MD5), and later
//! requests reuse the server's nonce with a counting `nc` until it is refused as stale.

use axum::http::{self, HeaderMap, HeaderValue};
use bytes::Bytes;
use std::fmt;
use std::sync::Mutex;

/// A challenge's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "MD5" => Some(Algorithm::Md5),
            "MD5-SESS" => Some(Algorithm::Md5Sess),
            "SHA-256" => Some(Algorithm::Sha256),
            "SHA-256-SESS" => Some(Algorithm::Sha256Sess),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => {
                use md5::Digest;
                hex(&md5::Md5::digest(data.as_bytes()))
            }
            Algorithm::Sha256 | Algorithm::Sha256Sess => {
                hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data.as_bytes()).as_ref())
            }
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The server's challenge, as far as the answer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) realm: String,
    pub(crate) nonce: String,
    pub(crate) opaque: Option<String>,
    pub(crate) algorithm: Algorithm,
    /// Whether the server offers `qop=auth` (RFC 2069 servers offer none).
    pub(crate) qop_auth: bool,
    pub(crate) userhash: bool,
}

/// `key=value` and `key="quoted, value"` parameters of an auth challenge.
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            v.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            value = v;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        out.push((key, value));
    }
    out
}

impl Challenge {
    /// The best `Digest` challenge among a response's `WWW-Authenticate` headers: SHA-256
    /// before MD5; unknown algorithms and challenges without a nonce are skipped.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Challenge> {
        let mut best: Option<Challenge> = None;
        for value in headers.get_all(http::header::WWW_AUTHENTICATE) {
            let Ok(value) = value.to_str() else { continue };
            let value = value.trim();
            let Some(scheme_end) = value.find(' ') else {
                continue;
            };
            if !value[..scheme_end].eq_ignore_ascii_case("digest") {
                continue;
            }
            let p = params(&value[scheme_end..]);
            let get = |k: &str| p.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
            let Some(nonce) = get("nonce") else { continue };
            let Some(algorithm) =
                get("algorithm").map_or(Some(Algorithm::Md5), |a| Algorithm::parse(&a))
            else {
                continue;
            };
            let qop = get("qop");
            let qop_auth = qop
                .as_deref()
                .is_some_and(|q| q.split(',').any(|q| q.trim().eq_ignore_ascii_case("auth")));
            if qop.is_some() && !qop_auth {
                // Only auth-int offered: the body would have to be hashed; not supported.
                continue;
            }
            let c = Challenge {
                realm: get("realm").unwrap_or_default(),
                nonce,
                opaque: get("opaque"),
                algorithm,
                qop_auth,
                userhash: get("userhash").is_some_and(|u| u.eq_ignore_ascii_case("true")),
            };
            let better =
                |c: &Challenge| matches!(c.algorithm, Algorithm::Sha256 | Algorithm::Sha256Sess);
            if best.as_ref().is_none_or(|b| better(&c) && !better(b)) {
                best = Some(c);
            }
        }
        best
    }

    /// The `Authorization` value for one request.
    pub(crate) fn answer(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        nc: u32,
        cnonce: &str,
    ) -> String {
        let a = self.algorithm;
        let mut ha1 = a.hash(&format!("{username}:{}:{password}", self.realm));
        if matches!(a, Algorithm::Md5Sess | Algorithm::Sha256Sess) {
            ha1 = a.hash(&format!("{ha1}:{}:{cnonce}", self.nonce));
        }
        let ha2 = a.hash(&format!("{method}:{uri}"));
        let nc = format!("{nc:08x}");
        let response = if self.qop_auth {
            a.hash(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce))
        } else {
            a.hash(&format!("{ha1}:{}:{ha2}", self.nonce))
        };
        let user = if self.userhash {
            a.hash(&format!("{username}:{}", self.realm))
        } else {
            username.to_string()
        };
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out = format!(
            "Digest username=\"{}\", realm=\"{}\", uri=\"{}\", algorithm={}, nonce=\"{}\"",
            quote(&user),
            quote(&self.realm),
            quote(uri),
            a.name(),
            quote(&self.nonce)
        );
        if self.qop_auth {
            out.push_str(&format!(", nc={nc}, cnonce=\"{cnonce}\", qop=auth"));
        }
        out.push_str(&format!(", response=\"{response}\""));
        if let Some(opaque) = &self.opaque {
            out.push_str(&format!(", opaque=\"{}\"", quote(opaque)));
        }
        if self.userhash {
            out.push_str(", userhash=true");
        }
        out
    }
}

/// Digest credentials and the challenge being answered.
pub(crate) struct Digest {
    username: String,
    password: String,
    /// The current challenge and the last `nc` sent with its nonce.
    state: Mutex<Option<(Challenge, u32)>>,
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Digest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Digest {
    pub(crate) fn new(username: String, password: String) -> Self {
        Digest {
            username,
            password,
            state: Mutex::new(None),
        }
    }

    /// Answers the current challenge, if there is one (the first request goes without).
    pub(crate) fn authorize(&self, request: &mut http::Request<Bytes>) {
        let (challenge, nc) = {
            let mut state = self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some((challenge, nc)) = state.as_mut() else {
                return;
            };
            *nc = nc.wrapping_add(1);
            (challenge.clone(), *nc)
        };
        let uri = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let cnonce = uuid::Uuid::new_v4().simple().to_string();
        let answer = challenge.answer(
            &self.username,
            &self.password,
            request.method().as_str(),
            &uri,
            nc,
            &cnonce,
        );
        if let Ok(mut value) = HeaderValue::from_str(&answer) {
            value.set_sensitive(true);
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value);
        }
    }

    /// A `401`: takes its challenge (a new nonce, or the first one); whether to answer it.
    pub(crate) fn challenged(&self, headers: &HeaderMap) -> bool {
        let Some(challenge) = Challenge::from_headers(headers) else {
            return false;
        };
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *state = Some((challenge, 0));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1: Mufasa, GET /dir/index.html, SHA-256 and MD5.
    #[test]
    fn rfc_7616_example() {
        let mut headers = HeaderMap::new();
        for alg in ["MD5", "SHA-256"] {
            headers.append(
                http::header::WWW_AUTHENTICATE,
                HeaderValue::from_str(&format!(
                    "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={alg}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
                ))
                .expect("header"),
            );
        }
        let c = Challenge::from_headers(&headers).expect("a challenge");
        assert_eq!(c.algorithm, Algorithm::Sha256, "SHA-256 preferred");
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let answer = c.answer(
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            1,
            cnonce,
        );
        assert!(
            answer.contains(
                "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""
            ),
            "{answer}"
        );
        assert!(answer.contains("nc=00000001"), "{answer}");
        assert!(answer.contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""));
        let md5 = Challenge {
            algorithm: Algorithm::Md5,
            ..c
        };
        let answer = md5.answer(
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            1,
            cnonce,
        );
        assert!(
            answer.contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""),
            "{answer}"
        );
    }

    #[test]
    fn challenges_without_nonce_or_with_unknown_algorithms_are_skipped() {
        let mut headers = HeaderMap::new();
        headers.append(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Digest realm=\"r\", algorithm=SHA-512-256, nonce=\"n\""),
        );
        headers.append(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"r\""),
        );
        assert_eq!(Challenge::from_headers(&headers), None);
    }
}
