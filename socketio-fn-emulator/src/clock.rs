//! Times as text, from one civil-date conversion: the CloudEvents `ce-time` of upstream calls
//! (seconds) and JavaScript's `Date` JSON of the Admin UI's reports (milliseconds).

/// Year, month and day of `days` since 1970-01-01 (proleptic Gregorian, after H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `secs` since the epoch as RFC 3339 in UTC: `2024-09-23T05:43:04Z`.
pub(crate) fn iso8601(secs: u64) -> String {
    let (year, month, day) = civil(i64::try_from(secs / 86_400).unwrap_or_default());
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `millis` since the epoch as JavaScript's `Date.prototype.toJSON` writes it:
/// `2026-12-07T16:43:46.123Z`.
pub(crate) fn iso8601_millis(millis: u64) -> String {
    let (year, month, day) = civil(i64::try_from(millis / 86_400_000).unwrap_or_default());
    let rest = millis % 86_400_000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}
