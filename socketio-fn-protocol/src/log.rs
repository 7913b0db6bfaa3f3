//! Logging values that come from a request (event names, user ids, message text, reasons, a peer's
//! error text) without letting them forge a log line: [`Escaped`] writes control characters and the
//! Unicode line and direction overrides as escapes, everything else as is.

use std::fmt;

/// Displays a string with its control characters escaped (`\n`, `\r`, `\t`, `\u{1b}`, ...), and the
/// line separators and bidirectional overrides too, so a text log keeps one record per line.
///
/// ```
/// use socketio_fn::protocol::log::Escaped;
/// assert_eq!(Escaped("hi\nFORGED INFO x").to_string(), "hi\\nFORGED INFO x");
/// assert_eq!(Escaped("tab\tand \u{202e}rtl").to_string(), "tab\\tand \\u{202e}rtl");
/// assert_eq!(Escaped("plain \"quoted\" ✓").to_string(), "plain \"quoted\" ✓");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

/// Whether `c` could break a log line or reorder how it reads.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.chars().any(needs_escape) {
            return f.write_str(self.0);
        }
        for c in self.0.chars() {
            if needs_escape(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}
