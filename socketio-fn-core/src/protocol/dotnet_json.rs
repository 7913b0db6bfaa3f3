//! JSON text as .NET's `System.Text.Json` writes it by default, for bytes that must match the Azure SDK:
//! JWT payloads and `:addToGroups`/`:removeFromGroups` bodies (spec 4.3, 6.3).
//!
//! Strings escape `"` and `\` with a backslash, `\n \r \t \b \f` as such, and write other control
//! characters, non-ASCII characters and `& ' + < >` and backtick as `\uXXXX` (upper-case hex, UTF-16).

use std::fmt::Write as _;

/// Appends `text` as a quoted JSON string.
///
/// ```
/// let mut out = String::new();
/// socketio_fn_core::protocol::dotnet_json::write_string(&mut out, "'a'&b é");
/// assert_eq!(out, r#""\u0027a\u0027\u0026b \u00E9""#);
/// ```
pub fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '&' | '\'' | '+' | '<' | '>' | '`' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if c.is_ascii_control() || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `text` as a quoted JSON string.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_string(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_system_text_json() {
        assert_eq!(string("a+b"), r#""a\u002Bb""#);
        assert_eq!(
            string("<>`\"\\\n\u{1}"),
            r#""\u003C\u003E\u0060\"\\\n\u0001""#
        );
        assert_eq!(string("😀"), r#""\uD83D\uDE00""#);
        assert_eq!(
            string("https://a/b?x=1&y=2"),
            r#""https://a/b?x=1\u0026y=2""#
        );
    }
}
