//! `user_id` binding expressions of negotiation functions: templates mixing literal text with
//! `{query.<name>}`, `{headers.<name>}` and `%Setting%` parts, as the reference's binding expressions
//! allow (`"user-{query.id}"`).
//!
//! The macro parses the template at compile time (an unknown source or an unclosed brace is a compile
//! error) into [`TemplatePart`]s; settings are resolved at start-up, request parts per request.

use crate::request::MultiMap;
use axum::http::HeaderMap;

/// One part of a `user_id` template, as the macro emits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart {
    /// Literal text.
    Literal(&'static str),
    /// `{query.<name>}`: the first value of a query parameter (name compared case-insensitively).
    Query(&'static str),
    /// `{headers.<name>}`: a request header.
    Header(&'static str),
    /// `%<name>%`: an app setting, resolved at start-up.
    Setting(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Query(&'static str),
    Header(&'static str),
}

/// A template with its settings resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIdTemplate(Vec<Part>);

impl UserIdTemplate {
    /// Resolves the `%Setting%` parts with `setting` (start-up gives it the app's settings), whose
    /// error is returned as it is.
    pub fn resolve<E>(
        parts: &[TemplatePart],
        mut setting: impl FnMut(&'static str) -> Result<String, E>,
    ) -> Result<Self, E> {
        let mut out: Vec<Part> = Vec::with_capacity(parts.len());
        for part in parts {
            let resolved = match *part {
                TemplatePart::Literal(text) => Part::Literal(text.to_owned()),
                TemplatePart::Setting(name) => Part::Literal(setting(name)?),
                TemplatePart::Query(name) => Part::Query(name),
                TemplatePart::Header(name) => Part::Header(name),
            };
            // Adjacent literals merge.
            match (out.last_mut(), resolved) {
                (Some(Part::Literal(prev)), Part::Literal(next)) => prev.push_str(&next),
                (_, part) => out.push(part),
            }
        }
        Ok(Self(out))
    }

    /// The user id for a request: `None` when a request part is absent (or not text), or when the
    /// result is empty: the client then gets an anonymous token.
    pub fn evaluate(&self, headers: &HeaderMap, query: &MultiMap) -> Option<String> {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Query(name) => out.push_str(
                    query
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .and_then(|(_, v)| v.first())?,
                ),
                Part::Header(name) => out.push_str(headers.get(*name)?.to_str().ok()?),
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_parts_and_settings_make_the_user_id() {
        let t = UserIdTemplate::resolve(
            &[
                TemplatePart::Literal("user-"),
                TemplatePart::Query("id"),
                TemplatePart::Setting("Suffix"),
            ],
            |name| match name {
                "Suffix" => Ok("@eu".to_owned()),
                _ => Err(()),
            },
        )
        .unwrap();
        let query = [("ID".to_string(), vec!["7".to_string()])]
            .into_iter()
            .collect();
        assert_eq!(
            t.evaluate(&Default::default(), &query).as_deref(),
            Some("user-7@eu")
        );
        assert_eq!(t.evaluate(&Default::default(), &Default::default()), None);
    }
}
