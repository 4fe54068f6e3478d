//! Request signing, computed per attempt over the request as it is sent: OAuth 1.0a
//! (RFC 5849, HMAC-SHA1), Veracode's HMAC (`VERACODE-HMAC-SHA-256`) and AWS Signature
//! Version 4 (with AWS's own `aws-sigv4`).

use super::digest::hex;
use aws_lc_rs::hmac;
use axum::http::{self, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// RFC 3986 percent-encoding of everything but unreserved characters (RFC 5849 §3.6).
fn pct(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

fn seconds_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn set_authorization(request: &mut http::Request<Bytes>, value: &str) {
    if let Ok(mut value) = HeaderValue::from_str(value) {
        value.set_sensitive(true);
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
    }
}

/// OAuth 1.0a credentials (RFC 5849), signed with HMAC-SHA1.
pub(crate) struct OAuth1 {
    pub(crate) consumer_key: String,
    pub(crate) consumer_secret: String,
    pub(crate) token: Option<String>,
    pub(crate) token_secret: Option<String>,
}

impl fmt::Debug for OAuth1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1")
            .field("consumer_key", &self.consumer_key)
            .finish_non_exhaustive()
    }
}

impl OAuth1 {
    pub(crate) fn authorize(&self, request: &mut http::Request<Bytes>) {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let header = self.header(request, &nonce, seconds_now(), true);
        set_authorization(request, &header);
    }

    /// The signature base string (RFC 5849 §3.4.1) of `request` with these `oauth_*`
    /// parameters.
    fn base_string(request: &http::Request<Bytes>, oauth: &[(&str, String)]) -> String {
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("http").to_ascii_lowercase();
        let host = uri.host().unwrap_or("").to_ascii_lowercase();
        let port = match (scheme.as_str(), uri.port_u16()) {
            ("http", Some(80)) | ("https", Some(443)) | (_, None) => String::new(),
            (_, Some(p)) => format!(":{p}"),
        };
        let base_uri = format!("{scheme}://{host}{port}{}", uri.path());
        // §3.4.1.3: query parameters, form body parameters and the oauth_* ones, each
        // encoded, sorted by name then value.
        let mut pairs: Vec<(String, String)> = uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (pct(&k), pct(&v)))
                    .collect()
            })
            .unwrap_or_default();
        let form = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if form {
            pairs.extend(form_urlencoded::parse(request.body()).map(|(k, v)| (pct(&k), pct(&v))));
        }
        pairs.extend(oauth.iter().map(|(k, v)| (pct(k), pct(v))));
        pairs.sort();
        let normalized = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        format!(
            "{}&{}&{}",
            request.method().as_str().to_ascii_uppercase(),
            pct(&base_uri),
            pct(&normalized)
        )
    }

    /// The `Authorization` value; `oauth_version=1.0` is optional (§3.1) and sent, as most
    /// servers expect it, except to check RFC 5849's example, which has none.
    fn header(
        &self,
        request: &http::Request<Bytes>,
        nonce: &str,
        timestamp: u64,
        version: bool,
    ) -> String {
        let mut oauth: Vec<(&str, String)> = vec![
            ("oauth_consumer_key", self.consumer_key.clone()),
            ("oauth_nonce", nonce.to_string()),
            ("oauth_signature_method", "HMAC-SHA1".to_string()),
            ("oauth_timestamp", timestamp.to_string()),
        ];
        if let Some(token) = &self.token {
            oauth.push(("oauth_token", token.clone()));
        }
        if version {
            oauth.push(("oauth_version", "1.0".to_string()));
        }
        let base = Self::base_string(request, &oauth);
        let key = format!(
            "{}&{}",
            pct(&self.consumer_secret),
            pct(self.token_secret.as_deref().unwrap_or(""))
        );
        let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
        let signature = BASE64.encode(hmac::sign(&key, base.as_bytes()).as_ref());
        oauth.push(("oauth_signature", signature));
        let params = oauth
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", pct(v)))
            .collect::<Vec<_>>()
            .join(", ");
        format!("OAuth {params}")
    }
}

/// Veracode's API credentials, signed as its `VERACODE-HMAC-SHA-256` scheme: a key derived
/// from the API key through the nonce, the timestamp and `vcode_request_version_1`, over
/// `id=..&host=..&url=..&method=..`.
pub(crate) struct VeracodeHmac {
    pub(crate) api_id: String,
    /// The API key, hex-decoded.
    pub(crate) api_key: Vec<u8>,
}

impl fmt::Debug for VeracodeHmac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VeracodeHmac")
            .field("api_id", &self.api_id)
            .finish_non_exhaustive()
    }
}

fn hmac256(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
        .as_ref()
        .to_vec()
}

/// The bytes of a hex string; `None` if it is not one.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl VeracodeHmac {
    pub(crate) fn authorize(&self, request: &mut http::Request<Bytes>) {
        let nonce: [u8; 16] = *uuid::Uuid::new_v4().as_bytes();
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let header = self.header(request, &nonce, millis);
        set_authorization(request, &header);
    }

    fn header(&self, request: &http::Request<Bytes>, nonce: &[u8], millis: u128) -> String {
        let uri = request.uri();
        let url = uri.path_and_query().map_or("/", |p| p.as_str());
        let data = format!(
            "id={}&host={}&url={url}&method={}",
            self.api_id,
            uri.host().unwrap_or(""),
            request.method().as_str()
        );
        let key_nonce = hmac256(&self.api_key, nonce);
        let key_date = hmac256(&key_nonce, millis.to_string().as_bytes());
        let signing_key = hmac256(&key_date, b"vcode_request_version_1");
        let signature = hex(&hmac256(&signing_key, data.as_bytes()));
        format!(
            "VERACODE-HMAC-SHA-256 id={},ts={millis},nonce={},sig={signature}",
            self.api_id,
            hex(nonce)
        )
    }
}

/// AWS credentials, signed with Signature Version 4 in the `Authorization` header.
pub(crate) struct SigV4 {
    pub(crate) access_key_id: String,
    pub(crate) secret_key: String,
    pub(crate) session_token: Option<String>,
    pub(crate) region: String,
    pub(crate) service: String,
}

impl fmt::Debug for SigV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl SigV4 {
    /// Signs `request` as of `time`: `Host` (made explicit so that the transport sends the
    /// one signed), `X-Amz-Date`, the session token if any, and `Authorization`.
    pub(crate) fn sign(
        &self,
        request: &mut http::Request<Bytes>,
        time: SystemTime,
    ) -> Result<(), String> {
        use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
        if !request.headers().contains_key(http::header::HOST)
            && let Some(authority) = request.uri().authority()
            && let Ok(host) = HeaderValue::from_str(authority.as_str())
        {
            request.headers_mut().insert(http::header::HOST, host);
        }
        let identity = aws_credential_types::Credentials::new(
            &self.access_key_id,
            &self.secret_key,
            self.session_token.clone(),
            None,
            "naftiko",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let uri = request.uri().to_string();
        let headers = request
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)));
        let signable = SignableRequest::new(
            request.method().as_str(),
            &uri,
            headers,
            SignableBody::Bytes(request.body()),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        instructions.apply_to_request_http1x(request);
        if let Some(auth) = request.headers_mut().get_mut(http::header::AUTHORIZATION) {
            auth.set_sensitive(true);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, uri: &str, body: &'static [u8], form: bool) -> http::Request<Bytes> {
        let mut r = http::Request::new(Bytes::from_static(body));
        *r.method_mut() = method.parse().expect("method");
        *r.uri_mut() = uri.parse().expect("uri");
        if form {
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
        r
    }

    /// RFC 5849 §3.4.1.1: the example's signature base string.
    #[test]
    fn oauth1_base_string_of_rfc_5849() {
        let r = request(
            "POST",
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            b"c2&a3=2+q",
            true,
        );
        let oauth = [
            ("oauth_consumer_key", "9djdj82h48djs9d2".to_string()),
            ("oauth_token", "kkk9d7dh3k39sjv7".to_string()),
            ("oauth_signature_method", "HMAC-SHA1".to_string()),
            ("oauth_timestamp", "137131201".to_string()),
            ("oauth_nonce", "7d8f3e4a".to_string()),
        ];
        assert_eq!(
            OAuth1::base_string(&r, &oauth),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    /// RFC 5849 §1.2: the photos example's signature, `MdpQcU8iPSUjWoN/UDMsK2sui9I=`.
    #[test]
    fn oauth1_signature_of_rfc_5849() {
        let r = request(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
            b"",
            false,
        );
        let creds = OAuth1 {
            consumer_key: "dpf43f3p2l4k3l03".into(),
            consumer_secret: "kd94hf93k423kf44".into(),
            token: Some("nnch734d00sl2jdk".into()),
            token_secret: Some("pfkkdhi9sl3r4s00".into()),
        };
        let header = creds.header(&r, "chapoH", 137_131_202, false);
        assert!(
            header.contains("oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""),
            "{header}"
        );
        assert!(header.starts_with("OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\""));
    }

    /// AWS's SigV4 test suite (as shipped with `aws-sigv4`): get-vanilla-query-order-key-case
    /// and get-vanilla-with-session-token.
    #[test]
    fn sigv4_of_the_aws_test_suite() {
        let creds = SigV4 {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
            region: "us-east-1".into(),
            service: "service".into(),
        };
        let time = UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        let mut r = request(
            "GET",
            "https://example.amazonaws.com/?Param2=value2&Param1=value1",
            b"",
            false,
        );
        creds.sign(&mut r, time).expect("signed");
        let auth = r.headers()[http::header::AUTHORIZATION]
            .to_str()
            .expect("ascii");
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
        assert_eq!(r.headers()["x-amz-date"], "20150830T123600Z");
        // get-vanilla-with-session-token: the token is sent and signed.
        let creds = SigV4 {
            session_token: Some(
                "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267".into(),
            ),
            ..creds
        };
        let mut r = request("GET", "https://example.amazonaws.com/", b"", false);
        creds.sign(&mut r, time).expect("signed");
        let auth = r.headers()[http::header::AUTHORIZATION]
            .to_str()
            .expect("ascii");
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-security-token, \
             Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        );
        assert_eq!(
            r.headers()["x-amz-security-token"],
            "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        );
    }

    #[test]
    fn veracode_key_derivation_is_the_documented_chain() {
        let creds = VeracodeHmac {
            api_id: "id-1".into(),
            api_key: unhex("00ff10").expect("hex"),
        };
        let r = request(
            "GET",
            "https://api.veracode.com/api/authn/v2/users?page=1",
            b"",
            false,
        );
        let header = creds.header(&r, &[1, 2, 3, 4], 1_700_000_000_000);
        let k1 = hmac256(&[0x00, 0xff, 0x10], &[1, 2, 3, 4]);
        let k2 = hmac256(&k1, b"1700000000000");
        let k3 = hmac256(&k2, b"vcode_request_version_1");
        let sig = hex(&hmac256(
            &k3,
            b"id=id-1&host=api.veracode.com&url=/api/authn/v2/users?page=1&method=GET",
        ));
        assert_eq!(
            header,
            format!("VERACODE-HMAC-SHA-256 id=id-1,ts=1700000000000,nonce=01020304,sig={sig}")
        );
        assert_eq!(unhex("0g"), None);
    }
}
