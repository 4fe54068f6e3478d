//! When a failed call is tried again, and after how long.

use super::error::Error;
use super::reply::Reply;
use reqwest::header::HeaderValue;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A retry budget shared by all calls of a client: each call deposits `percent` hundredths of a
/// retry, each retry withdraws a whole one. Retries therefore stay near `percent`% of the calls
/// however long an upstream keeps failing, instead of multiplying its load. It starts with two
/// retries in hand, so that a lone failure after a quiet period is still retried, and holds ten
/// at most.
#[derive(Debug)]
pub(super) struct Budget {
    hundredths: AtomicU64,
    percent: u64,
}

const BUDGET_CAP: u64 = 10 * 100;

impl Budget {
    pub(super) fn new(percent: u32) -> Self {
        let percent = u64::from(percent.min(100));
        Budget {
            hundredths: AtomicU64::new(if percent == 0 { 0 } else { 200 }),
            percent,
        }
    }

    /// One call made.
    pub(super) fn deposit(&self) {
        if self.percent == 0 {
            return;
        }
        let _ = self
            .hundredths
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                (t < BUDGET_CAP).then(|| (t + self.percent).min(BUDGET_CAP))
            });
    }

    /// Takes one retry from the budget, if there is one.
    pub(super) fn withdraw(&self) -> bool {
        self.hundredths
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| t.checked_sub(100))
            .is_ok()
    }
}

/// Whether a failed attempt may be repeated (408, 429, 5xx but 501, timeouts, refused
/// connections): `Some` with the server's `Retry-After`, if any.
pub(super) fn retryable(outcome: &Result<Reply, Error>) -> Option<Option<Duration>> {
    match outcome {
        Err(Error::Status {
            status: 408 | 429 | 500 | 502 | 503 | 504,
            retry_after,
            ..
        }) => Some(*retry_after),
        Err(Error::Timeout { .. } | Error::Connect { .. }) => Some(None),
        _ => None,
    }
}

/// Exponential backoff (0.5 s · 2ⁿ, at most 8 s, with jitter), or the server's `Retry-After`
/// when it asks for at most 60 s.
pub(super) fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(after) = retry_after.filter(|d| *d <= Duration::from_secs(60)) {
        return after;
    }
    let base = Duration::from_millis(500)
        .saturating_mul(1 << attempt.min(4))
        .min(Duration::from_secs(8));
    base.mul_f64(0.75 + 0.25 * jitter())
}

fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() % 10_000) as f64 / 10_000.0
}

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(super) fn parse_retry_after(v: &HeaderValue) -> Option<Duration> {
    let s = v.to_str().ok()?.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(s).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_allows_about_percent_retries() {
        let b = Budget::new(10);
        let mut retries = 0;
        for _ in 0..100 {
            b.deposit();
            if b.withdraw() {
                retries += 1;
            }
        }
        // Two in hand at the start, then one per ten calls.
        assert!((10..=12).contains(&retries), "{retries}");
        let none = Budget::new(0);
        none.deposit();
        assert!(!none.withdraw());
    }

    #[test]
    fn backoff_honours_short_retry_after_only() {
        assert_eq!(
            backoff(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        let d = backoff(0, Some(Duration::from_secs(3600)));
        assert!(d <= Duration::from_millis(500) && d >= Duration::from_millis(375));
        assert!(backoff(10, None) <= Duration::from_secs(8));
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&HeaderValue::from_static("soon")), None);
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&HeaderValue::from_str(&soon).unwrap()).unwrap();
        assert!(wait > Duration::from_secs(28) && wait <= Duration::from_secs(30));
    }

    #[test]
    fn retry_after_accepts_the_obsolete_date_forms() {
        // RFC 9110 §5.6.7: recipients accept RFC 850 and asctime dates too.
        for date in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(
                parse_retry_after(&HeaderValue::from_static(date)),
                Some(Duration::ZERO),
                "{date}"
            );
        }
    }

    #[test]
    fn retry_after_refuses_impossible_dates() {
        // 31 February 2099 would otherwise be read as Tuesday 3 March.
        for date in [
            "Tue, 31 Feb 2099 00:00:00 GMT",
            "Sat, 31 Feb 2099 00:00:00 GMT",
            "Tue, 03 Mar 2099 24:00:00 GMT",
        ] {
            assert_eq!(
                parse_retry_after(&HeaderValue::from_static(date)),
                None,
                "{date}"
            );
        }
    }
}
