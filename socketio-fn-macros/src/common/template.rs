//! `user_id` templates: literal text mixed with `{query.<name>}`, `{headers.<name>}` and `%Setting%`
//! parts, parsed at compile time.

/// One part of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(String),
    Query(String),
    Header(String),
    Setting(String),
}

/// Parses a template; the error says what is wrong, for a span on the attribute's value.
pub(crate) fn parse(text: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('}') else {
                    return Err(format!(
                        "unclosed `{{` at byte {i}: write `{{query.<name>}}` or `{{headers.<name>}}`"
                    ));
                };
                let inner = &rest[..end];
                let (source, name) = inner.split_once('.').unwrap_or((inner, ""));
                if name.trim().is_empty() || name.contains(['{', '}', '%']) {
                    return Err(format!(
                        "`{{{inner}}}` names no value: write `{{query.<name>}}` or `{{headers.<name>}}`"
                    ));
                }
                let part = match source.to_ascii_lowercase().as_str() {
                    "query" => Part::Query(name.to_owned()),
                    "headers" => Part::Header(name.to_owned()),
                    _ => {
                        return Err(format!(
                            "unknown source `{source}` in `{{{inner}}}`; expected `query` or `headers`"
                        ));
                    }
                };
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                parts.push(part);
                // Skip to after the closing brace.
                for _ in 0..inner.chars().count() + 1 {
                    chars.next();
                }
            }
            '}' => return Err(format!("unmatched `}}` at byte {i}")),
            '%' => {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('%') else {
                    return Err(format!("unclosed `%` at byte {i}: write `%SettingName%`"));
                };
                let name = &rest[..end];
                if name.trim().is_empty() || name.contains(['{', '}']) {
                    return Err(format!("`%{name}%` names no setting"));
                }
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                parts.push(Part::Setting(name.to_owned()));
                for _ in 0..name.chars().count() + 1 {
                    chars.next();
                }
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(
            parse("user-{query.id}@%Region%").unwrap(),
            vec![
                Part::Literal("user-".into()),
                Part::Query("id".into()),
                Part::Literal("@".into()),
                Part::Setting("Region".into()),
            ]
        );
        assert_eq!(
            parse("{Headers.x-user}").unwrap(),
            vec![Part::Header("x-user".into())]
        );
        assert_eq!(parse("fixed").unwrap(), vec![Part::Literal("fixed".into())]);
        assert_eq!(parse("é{query.a}{query.b}").unwrap().len(), 3);
        for (bad, message) in [
            ("{query.id", "unclosed `{`"),
            ("{cookie.id}", "unknown source `cookie`"),
            ("{query.}", "names no value"),
            ("{query}", "names no value"),
            ("a}", "unmatched `}`"),
            ("%Region", "unclosed `%`"),
            ("%%", "names no setting"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(message), "{bad}: {e}");
        }
    }
}
