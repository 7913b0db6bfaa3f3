//! Times as text, from one civil-date conversion: the CloudEvents `ce-time` of upstream calls
//! (seconds) and JavaScript's `Date` JSON of the Admin UI's reports (milliseconds).

/// `secs` since the epoch as RFC 3339 in UTC: `2024-09-23T05:43:04Z`.
pub(crate) use socketio_fn_schedule::rfc3339 as iso8601;

/// `millis` since the epoch as JavaScript's `Date.prototype.toJSON` writes it:
/// `2026-12-07T16:43:46.123Z`.
pub(crate) fn iso8601_millis(millis: u64) -> String {
    let seconds = iso8601(millis / 1000);
    let whole = seconds.strip_suffix('Z').unwrap_or(&seconds);
    format!("{whole}.{:03}Z", millis % 1000)
}
