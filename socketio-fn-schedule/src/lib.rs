//! NCRONTAB schedules as Azure Functions' `timerTrigger` reads them: six fields with seconds,
//! `{second} {minute} {hour} {day} {month} {day-of-week}`, each `*`, a value, a range `a-b`, a step
//! `*/n` or `a-b/n`, or a list of those (`0,30`); months and days of the week also by their English
//! names (`Jan`, `Mon`); day of the week 0-6, Sunday = 0. When both the day of the month and the day of
//! the week are restricted, a time must match both (NCRONTAB's rule, unlike Vixie cron's "either").
//! Times are UTC.
//!
//! ```
//! use socketio_fn_schedule::Schedule;
//! let every_five_minutes = Schedule::parse("0 */5 * * * *").unwrap();
//! // 2026-12-07T19:46:10Z -> 19:50:00
//! assert_eq!(every_five_minutes.next_after(1_796_672_770), Some(1_796_673_000));
//! assert!(Schedule::parse("*/5 * * * *").unwrap_err().to_string().contains("six fields"));
//! ```

use std::fmt;

/// A parsed schedule: one bit per allowed value of each field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    fields: [u64; 6],
}

/// Why a schedule does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError(String);

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScheduleError {}

/// The fields in order: name, lowest and highest value, names of values (from the lowest).
const FIELDS: [(&str, u32, u32, &[&str]); 6] = [
    ("second", 0, 59, &[]),
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day", 1, 31, &[]),
    ("month", 1, 12, &MONTHS),
    ("day-of-week", 0, 6, &WEEKDAYS),
];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Whether `text` is an app-setting reference, `%Name%`, which the host resolves (the runtime at
/// start-up) instead of a literal schedule.
pub fn is_setting(text: &str) -> bool {
    text.len() > 2
        && text.starts_with('%')
        && text.ends_with('%')
        && !text[1..text.len() - 1].contains('%')
}

impl Schedule {
    /// Parses a six-field NCRONTAB expression.
    pub fn parse(text: &str) -> Result<Self, ScheduleError> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        if parts.len() != 6 {
            return Err(ScheduleError(format!(
                "a schedule has six fields, `{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}` \
                 (e.g. `0 */5 * * * *`, every five minutes); `{text}` has {}",
                parts.len()
            )));
        }
        let mut fields = [0u64; 6];
        for (i, part) in parts.iter().enumerate() {
            fields[i] = field(part, FIELDS[i])?;
        }
        Ok(Self { fields })
    }

    fn has(&self, field: usize, value: u32) -> bool {
        self.fields[field] & (1 << value) != 0
    }

    /// Whether the day of the month restricts (not every day 1-31 is allowed).
    fn date_matches(&self, days: i64) -> bool {
        let (_, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday (4).
        let weekday = (days + 4).rem_euclid(7) as u32;
        self.has(4, month) && self.has(3, day) && self.has(5, weekday)
    }

    /// The first time strictly after `unix_seconds` that the schedule allows, in seconds since the
    /// epoch; `None` when none comes within eight years (`0 0 0 30 2 *`: February 30th never comes).
    pub fn next_after(&self, unix_seconds: u64) -> Option<u64> {
        let start = unix_seconds.checked_add(1)?;
        let first_day = i64::try_from(start / 86_400).ok()?;
        let time = (start % 86_400) as u32;
        let (hour, minute, second) = (time / 3600, time / 60 % 60, time % 60);
        for day in first_day..first_day + 8 * 366 {
            if !self.date_matches(day) {
                continue;
            }
            let earliest = if day == first_day {
                (hour, minute, second)
            } else {
                (0, 0, 0)
            };
            if let Some(at) = self.first_time_from(earliest) {
                return u64::try_from(day)
                    .ok()?
                    .checked_mul(86_400)?
                    .checked_add(u64::from(at));
            }
        }
        None
    }

    /// The first allowed time of a day at or after `(hour, minute, second)`, in seconds of the day.
    fn first_time_from(&self, (hour, minute, second): (u32, u32, u32)) -> Option<u32> {
        for h in hour..24 {
            if !self.has(2, h) {
                continue;
            }
            let first_minute = if h == hour { minute } else { 0 };
            for m in first_minute..60 {
                if !self.has(1, m) {
                    continue;
                }
                let first_second = if h == hour && m == minute { second } else { 0 };
                if let Some(s) = (first_second..60).find(|&s| self.has(0, s)) {
                    return Some(h * 3600 + m * 60 + s);
                }
            }
        }
        None
    }
}

/// One field: a comma-separated list of `*`, `v`, `a-b`, each with an optional `/step`.
fn field(
    text: &str,
    (name, low, high, names): (&str, u32, u32, &[&str]),
) -> Result<u64, ScheduleError> {
    let error = |why: String| ScheduleError(format!("{name} field `{text}`: {why}"));
    let mut bits = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step
                    .parse()
                    .map_err(|_| error(format!("`{step}` is not a step (a number)")))?;
                if step == 0 {
                    return Err(error("a step of 0 never comes".into()));
                }
                (range, step)
            }
            None => (item, 1),
        };
        let (from, to) = if range == "*" {
            (low, high)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                value(a, low, high, names).map_err(error)?,
                value(b, low, high, names).map_err(error)?,
            )
        } else if step != 1 {
            return Err(error(format!(
                "a step goes with `*` or a range (`*/{step}`, `{range}-{high}/{step}`)"
            )));
        } else {
            let v = value(range, low, high, names).map_err(error)?;
            (v, v)
        };
        if from > to {
            return Err(error(format!("the range {from}-{to} runs backwards")));
        }
        for v in (from..=to).step_by(step as usize) {
            bits |= 1 << v;
        }
    }
    Ok(bits)
}

/// A value: a number in `low..=high`, or one of `names` (case-insensitive).
fn value(text: &str, low: u32, high: u32, names: &[&str]) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(low + i as u32);
    }
    let v: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a value (a number from {low} to {high})"))?;
    if v < low || v > high {
        return Err(format!("{v} is out of range ({low}-{high})"));
    }
    Ok(v)
}

/// Year, month (1-12) and day (1-31) of `days` since 1970-01-01, proleptic Gregorian (after
/// H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `unix_seconds` as RFC 3339 in UTC, `2026-12-07T19:50:00Z`.
pub fn rfc3339(unix_seconds: u64) -> String {
    let (year, month, day) =
        civil_from_days(i64::try_from(unix_seconds / 86_400).unwrap_or_default());
    let rest = unix_seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07T19:46:10Z, a Monday.
    const NOW: u64 = 1_796_672_770;

    fn next(schedule: &str, after: u64) -> String {
        rfc3339(
            Schedule::parse(schedule)
                .unwrap()
                .next_after(after)
                .unwrap(),
        )
    }

    #[test]
    fn next_occurrences() {
        assert_eq!(rfc3339(NOW), "2026-12-07T19:46:10Z");
        assert_eq!(next("* * * * * *", NOW), "2026-12-07T19:46:11Z");
        assert_eq!(next("0 * * * * *", NOW), "2026-12-07T19:47:00Z");
        assert_eq!(next("*/15 * * * * *", NOW), "2026-12-07T19:46:15Z");
        assert_eq!(next("0 */5 * * * *", NOW), "2026-12-07T19:50:00Z");
        assert_eq!(next("0 30 9 * * *", NOW), "2026-12-08T09:30:00Z");
        assert_eq!(next("0 30 9 * * Mon-Fri", NOW), "2026-12-08T09:30:00Z");
        assert_eq!(next("0 0 0 * * SUN", NOW), "2026-12-13T00:00:00Z");
        assert_eq!(next("0 0 12 1 Jan *", NOW), "2027-01-01T12:00:00Z");
        assert_eq!(next("0 0 0 29 2 *", NOW), "2028-02-29T00:00:00Z");
        assert_eq!(next("5,10 0 20 * * *", NOW), "2026-12-07T20:00:05Z");
        assert_eq!(next("0 0 8-18/2 * * *", NOW), "2026-12-08T08:00:00Z");
        // Both day fields restrict: the 13th that is a Friday (NCRONTAB: both must match).
        assert_eq!(next("0 0 0 13 * 5", NOW), "2027-08-13T00:00:00Z");
        // Strictly after: at an occurrence, the next one.
        assert_eq!(next("0 */5 * * * *", 1_796_673_000), "2026-12-07T19:55:00Z");
    }

    #[test]
    fn never() {
        assert_eq!(
            Schedule::parse("0 0 0 30 2 *").unwrap().next_after(NOW),
            None
        );
    }

    #[test]
    fn errors_name_the_field() {
        for (text, expected) in [
            ("*/5 * * * *", "six fields"),
            (
                "60 * * * * *",
                "second field `60`: 60 is out of range (0-59)",
            ),
            ("0 0 24 * * *", "hour field `24`"),
            ("0 0 0 0 * *", "day field `0`: 0 is out of range (1-31)"),
            ("0 0 0 * 13 *", "month field `13`"),
            (
                "0 0 0 * * 7",
                "day-of-week field `7`: 7 is out of range (0-6)",
            ),
            ("*/0 * * * * *", "a step of 0"),
            ("5/10 * * * * *", "a step goes with `*` or a range"),
            ("0 10-5 * * * *", "runs backwards"),
            ("0 x * * * *", "`x` is not a value"),
            ("0 0 0 * Foo *", "`Foo` is not a value"),
        ] {
            let error = Schedule::parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn settings() {
        assert!(is_setting("%TimerSchedule%"));
        assert!(!is_setting("%%"));
        assert!(!is_setting("0 * * * * *"));
        assert!(!is_setting("%a%b%"));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(rfc3339(1_727_070_184), "2024-09-23T05:43:04Z");
    }
}
