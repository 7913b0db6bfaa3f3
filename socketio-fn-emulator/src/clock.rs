//! Times as text, from one civil-date conversion: the CloudEvents `ce-time` of upstream calls
//! (seconds) and JavaScript's `Date` JSON of the Admin UI's reports (milliseconds).

use socketio_fn_schedule::civil_from_days as civil;

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
