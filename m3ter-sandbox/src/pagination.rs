//! List query parameters and the opaque `nextToken` cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::error::ApiError;
use crate::lifecycle::Status;

/// What a list request asked for.
pub(crate) struct ListParams {
    pub(crate) page_size: usize,
    /// Only jobs created strictly before this sequence number (from `nextToken`).
    pub(crate) before_seq: Option<u64>,
    active_only: bool,
    status: Option<Status>,
}

impl ListParams {
    pub(crate) fn parse(org: &str, pairs: &[(String, String)]) -> Result<Self, ApiError> {
        // Last value wins; an empty value counts as absent.
        let param = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .filter(|value| !value.is_empty())
        };
        let page_size = match param("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|size| (1..=MAX_PAGE_SIZE).contains(size))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "pageSize must be an integer between 1 and {MAX_PAGE_SIZE}"
                    ))
                })?,
        };
        let before_seq = param("nextToken")
            .map(|token| {
                decode_cursor(org, token)
                    .ok_or_else(|| ApiError::bad_request("nextToken is invalid or expired"))
            })
            .transpose()?;
        let active_only = match param("active") {
            None => false,
            Some(text) if text.eq_ignore_ascii_case("true") => true,
            Some(text) if text.eq_ignore_ascii_case("false") => false,
            Some(_) => return Err(ApiError::bad_request("active must be TRUE or FALSE")),
        };
        let status = param("status")
            .map(|text| {
                Status::parse(text).ok_or_else(|| {
                    ApiError::bad_request(
                        "status must be one of PENDING, INITIALIZING, RUNNING, COMPLETE, CANCELLED",
                    )
                })
            })
            .transpose()?;
        Ok(Self {
            page_size,
            before_seq,
            active_only,
            status,
        })
    }

    pub(crate) fn accepts(&self, status: Status) -> bool {
        (!self.active_only || status.is_active()) && self.status.is_none_or(|want| want == status)
    }
}

/// Cursor bytes: the sequence number, then a checksum binding it to the org, both
/// big-endian u64, in unpadded base64url (URL-safe, so it survives any query encoding).
pub(crate) fn encode_cursor(org: &str, seq: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&seq.to_be_bytes());
    bytes[8..].copy_from_slice(&cursor_checksum(org, seq).to_be_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The sequence number in a cursor, if it decodes (strictly: no padding, no stray
/// characters, no non-zero spare bits) and belongs to `org`.
pub(crate) fn decode_cursor(org: &str, token: &str) -> Option<u64> {
    let bytes: [u8; 16] = URL_SAFE_NO_PAD.decode(token).ok()?.try_into().ok()?;
    let (seq, check) = bytes.split_at(8);
    let seq = u64::from_be_bytes(seq.try_into().ok()?);
    let check = u64::from_be_bytes(check.try_into().ok()?);
    (check == cursor_checksum(org, seq)).then_some(seq)
}

/// FNV-1a over a domain tag, the org and the sequence number. It only has to catch
/// mangled or foreign tokens, not resist forgery: a forged cursor just pages from
/// another point of the same org's jobs.
fn cursor_checksum(org: &str, seq: u64) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    b"m3ter-sandbox-billjob-cursor\0"
        .iter()
        .chain(org.as_bytes())
        .chain(&[0])
        .chain(&seq.to_be_bytes())
        .fold(OFFSET, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_and_cursors() {
        for length in 0..40 {
            let bytes: Vec<u8> = (0..length).map(|n| (n * 37 + 11) as u8).collect();
            let text = URL_SAFE_NO_PAD.encode(&bytes);
            assert!(!text.contains(['=', '+', '/']));
            assert_eq!(URL_SAFE_NO_PAD.decode(&text).ok(), Some(bytes));
        }
        assert_eq!(URL_SAFE_NO_PAD.encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(URL_SAFE_NO_PAD.encode(b"\xfb\xff"), "-_8");
        for bad in ["A", "Zm9=", "Zm9v YmFy", "Zm+v", "Zh"] {
            assert_eq!(URL_SAFE_NO_PAD.decode(bad).ok(), None, "{bad}");
        }
        for seq in [0, 1, 41, u64::MAX] {
            let token = encode_cursor("org", seq);
            assert_eq!(token.len(), 22);
            assert_eq!(decode_cursor("org", &token), Some(seq));
            assert_eq!(decode_cursor("org2", &token), None);
        }
        assert_eq!(decode_cursor("org", ""), None);
        assert_eq!(decode_cursor("org", "AAAAAAAAAAAAAAAAAAAAAA"), None);
    }
}
