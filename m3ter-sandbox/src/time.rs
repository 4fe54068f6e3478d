//! Calendar dates and timestamps, on `chrono`.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What [`format_rfc3339`] gives for instants past year 9999, which RFC 3339's four-digit
/// years cannot express (only reachable with absurd steps).
const LATEST: &str = "9999-12-31T23:59:59.999Z";

/// `YYYY-MM-DD` naming a day that exists in the proleptic Gregorian calendar. The shape is
/// checked here (chrono's `%Y` would also take signs and other widths); whether the day
/// exists is chrono's call.
pub(crate) fn is_calendar_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    // Digits only, so every part parses.
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    shaped
        && i32::try_from(number(0..4))
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, number(5..7), number(8..10)))
            .is_some()
}

/// RFC 3339 UTC with milliseconds, e.g. `2024-02-01T09:30:00.000Z`.
pub(crate) fn format_rfc3339(since_epoch: Duration) -> String {
    i64::try_from(since_epoch.as_millis())
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .filter(|instant| instant.year() <= 9999)
        .map_or_else(
            || LATEST.to_owned(),
            |instant| instant.to_rfc3339_opts(SecondsFormat::Millis, true),
        )
}

/// Now, since the Unix epoch, truncated to whole milliseconds so that `dtCreated` plus
/// whole-millisecond steps gives exactly the `dtLastModified` values shown.
pub(crate) fn wall_clock_millis() -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_millis(u64::try_from(now.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "1999-12-31",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert!(is_calendar_date(good), "{good}");
        }
        for bad in [
            "1900-02-29",
            "2023-02-29",
            "2024-06-31",
            "2024-00-01",
            "2024-01-00",
            "2024-1-01",
            "2024-01-1",
            "24-01-01",
            "2024-01-01 ",
            "2024_01_01",
            "",
            "+024-01-01",
            "2024-0a-01",
        ] {
            assert!(!is_calendar_date(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_round_trip_through_the_civil_calendar() {
        assert_eq!(format_rfc3339(Duration::ZERO), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339(Duration::from_millis(1_699_335_116_789)),
            "2023-11-07T05:31:56.789Z"
        );
        assert_eq!(
            format_rfc3339(Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000Z"
        );
        // Every day from 1970 to ~3065 is formatted as the date that many days on.
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
        for days in (0..400_000u64).step_by(37) {
            let text = format_rfc3339(Duration::from_secs(days * 86_400));
            let date = NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d").expect("date");
            assert!(is_calendar_date(&text[..10]), "{text}");
            assert_eq!(u64::try_from((date - epoch).num_days()), Ok(days), "{text}");
            assert!(text.ends_with("T00:00:00.000Z"), "{text}");
        }
        let stamp = "2024-02-29T23:59:59.999Z";
        let millis = DateTime::parse_from_rfc3339(stamp)
            .expect("parse")
            .timestamp_millis();
        let millis = u64::try_from(millis).expect("positive");
        assert_eq!(format_rfc3339(Duration::from_millis(millis)), stamp);
        // Out of range: the latest four-digit-year instant, never a panic.
        assert!(format_rfc3339(Duration::MAX).ends_with(".999Z"));
        assert_eq!(format_rfc3339(Duration::MAX), LATEST);
        let year_10000 = Duration::from_secs(253_402_300_800);
        assert_eq!(format_rfc3339(year_10000), LATEST);
        let last = DateTime::parse_from_rfc3339(LATEST).expect("parse");
        assert_eq!(last.year(), 9999);
    }

    #[test]
    fn wall_clock_is_whole_milliseconds() {
        assert_eq!(wall_clock_millis().subsec_nanos() % 1_000_000, 0);
    }
}
