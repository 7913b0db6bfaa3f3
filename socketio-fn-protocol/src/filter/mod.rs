//! The OData filter subset of the service's REST API (DOC-ODATA): `'<group>' in groups`,
//! `userId eq '<id>'`, `connectionId eq '<id>'` (and `ne`), `not`, `and`, `or` and parentheses, with
//! standard precedence (`not` > comparisons > `and` > `or`). An empty filter selects everything.
//!
//! Filters come from REST callers, so parsing and evaluation are bounded and never recurse: the text is
//! at most [`MAX_LENGTH`] bytes with at most [`MAX_TERMS`] conditions nested at most [`MAX_DEPTH`]
//! parentheses deep, and it compiles (shunting-yard) to a postfix program that [`Filter::matches`] runs
//! with a small stack.

mod compile;

/// The longest filter accepted, in bytes.
pub const MAX_LENGTH: usize = 64 * 1024;
/// The most conditions (`'g' in groups`, `userId eq ...`) in one filter.
pub const MAX_TERMS: usize = 2048;
/// The deepest nesting of parentheses.
pub const MAX_DEPTH: usize = 32;

/// One condition of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `'<group>' in groups`
    InGroup(String),
    /// `userId eq '<id>'` (`negated` for `ne`)
    UserId {
        /// The compared id.
        value: String,
        /// `ne` instead of `eq`.
        negated: bool,
    },
    /// `connectionId eq '<id>'` (`negated` for `ne`)
    ConnectionId {
        /// The compared id.
        value: String,
        /// `ne` instead of `eq`.
        negated: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    Test(Condition),
    Not,
    And,
    Or,
}

/// A compiled filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// Postfix program; empty selects everything.
    pub(crate) ops: Vec<Op>,
}

/// What a filter is evaluated against: one connection.
pub trait Subject {
    /// Whether the connection is in `group`.
    fn in_group(&self, group: &str) -> bool;
    /// The connection's user id.
    fn user_id(&self) -> Option<&str>;
    /// The connection id.
    fn connection_id(&self) -> &str;
}

/// Why a filter was refused; the message says what was expected where, or which limit was hit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// Longer than [`MAX_LENGTH`].
    #[error("the filter is {0} bytes long; at most {MAX_LENGTH} are accepted")]
    TooLong(usize),
    /// More than [`MAX_TERMS`] conditions.
    #[error("the filter has more than {MAX_TERMS} conditions")]
    TooManyTerms,
    /// Parentheses nested deeper than [`MAX_DEPTH`].
    #[error("the filter nests parentheses deeper than {MAX_DEPTH}")]
    TooDeep,
    /// Not valid filter syntax.
    #[error("{0}")]
    Syntax(String),
}

impl Filter {
    /// Parses and compiles a filter.
    ///
    /// ```
    /// use socketio_fn::protocol::filter::Filter;
    /// assert!(Filter::parse("").unwrap().is_all());
    /// assert!(Filter::parse("('a' in groups or 'b' in groups) and not ('c' in groups)").is_ok());
    /// assert!(Filter::parse(&"(".repeat(1000)).is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        if text.len() > MAX_LENGTH {
            return Err(FilterError::TooLong(text.len()));
        }
        compile::compile(text)
    }

    /// Whether the filter selects everything (it is empty).
    pub fn is_all(&self) -> bool {
        self.ops.is_empty()
    }

    /// The number of conditions.
    pub fn terms(&self) -> usize {
        self.ops
            .iter()
            .filter(|op| matches!(op, Op::Test(_)))
            .count()
    }

    /// The conditions, in the order written.
    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        self.ops.iter().filter_map(|op| match op {
            Op::Test(c) => Some(c),
            _ => None,
        })
    }

    /// Evaluates the filter for one connection.
    pub fn matches(&self, subject: &impl Subject) -> bool {
        self.matches_with(subject, &mut Vec::new())
    }

    /// Like [`Filter::matches`], reusing `stack` (to evaluate many connections without allocating).
    pub fn matches_with(&self, subject: &impl Subject, stack: &mut Vec<bool>) -> bool {
        if self.ops.is_empty() {
            return true;
        }
        stack.clear();
        for op in &self.ops {
            match op {
                Op::Test(condition) => stack.push(match condition {
                    Condition::InGroup(g) => subject.in_group(g),
                    Condition::UserId { value, negated } => {
                        (subject.user_id() == Some(value.as_str())) != *negated
                    }
                    Condition::ConnectionId { value, negated } => {
                        (subject.connection_id() == value) != *negated
                    }
                }),
                Op::Not => {
                    if let Some(top) = stack.last_mut() {
                        *top = !*top;
                    }
                }
                Op::And | Op::Or => {
                    let b = stack.pop().unwrap_or(false);
                    let a = stack.pop().unwrap_or(false);
                    stack.push(if *op == Op::And { a && b } else { a || b });
                }
            }
        }
        stack.pop().unwrap_or(false)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn syntax(message: &str) -> FilterError {
        FilterError::Syntax(message.into())
    }

    struct Conn(&'static [&'static str], Option<&'static str>);
    impl Subject for Conn {
        fn in_group(&self, group: &str) -> bool {
            self.0.contains(&group)
        }
        fn user_id(&self) -> Option<&str> {
            self.1
        }
        fn connection_id(&self) -> &str {
            "c1"
        }
    }

    #[test]
    fn precedence_is_standard() {
        // a or b and not c  ==  a or (b and not c)
        let f = Filter::parse("'a' in groups or 'b' in groups and not ('c' in groups)").unwrap();
        assert!(
            f.matches(&Conn(&["a", "c"], None)),
            "a alone satisfies the or"
        );
        assert!(!f.matches(&Conn(&["b", "c"], None)));
        assert!(f.matches(&Conn(&["b"], None)));
        let f = Filter::parse("('a' in groups or 'b' in groups) and not ('c' in groups)").unwrap();
        assert!(
            !f.matches(&Conn(&["a", "c"], None)),
            "parenthesised: c excludes"
        );
        assert!(f.matches(&Conn(&["b"], None)));
        let f = Filter::parse("not 'a' in groups and 'b' in groups").unwrap();
        assert!(f.matches(&Conn(&["b"], None)));
        assert!(!f.matches(&Conn(&["a", "b"], None)));
        let f = Filter::parse("not not 'a' in groups").unwrap();
        assert!(f.matches(&Conn(&["a"], None)));
        let f = Filter::parse("not ('a' in groups or 'b' in groups) or 'c' in groups").unwrap();
        assert!(f.matches(&Conn(&[], None)));
        assert!(!f.matches(&Conn(&["b"], None)));
        assert!(f.matches(&Conn(&["b", "c"], None)));
        let f = Filter::parse("'a' in groups and 'b' in groups or 'c' in groups and 'd' in groups")
            .unwrap();
        assert!(f.matches(&Conn(&["c", "d"], None)));
        assert!(!f.matches(&Conn(&["a", "d"], None)));
    }

    #[test]
    fn other_conditions_and_empty() {
        assert!(Filter::parse("  ").unwrap().is_all());
        let f = Filter::parse("userId eq 'alice' or connectionId ne 'c1'").unwrap();
        assert!(f.matches(&Conn(&[], Some("alice"))));
        assert!(!f.matches(&Conn(&[], Some("bob"))));
        let f = Filter::parse("'it''s' in groups").unwrap();
        assert_eq!(
            f.conditions().collect::<Vec<_>>(),
            [&Condition::InGroup("it's".into())]
        );
    }

    #[test]
    fn errors() {
        for (bad, message) in [
            ("'a' in", "expected `in groups` after 'a'"),
            ("('a' in groups", "expected `)`, found the end"),
            ("'a' in groups)", "unexpected `)`"),
            (
                "'a' in groups 'b'",
                "unexpected `'b'` after a complete expression",
            ),
            ("'a", "unterminated string literal"),
            ("foo eq 'x'", "expected a condition, found `foo`"),
            ("'a' in groups and", "expected a condition, found the end"),
            ("and 'a' in groups", "expected a condition, found `and`"),
            ("()", "expected a condition, found `)`"),
            (
                "userId gt 'x'",
                "expected `eq` or `ne` after `userId`, found `gt`",
            ),
            ("$", "unexpected character `$`"),
        ] {
            assert_eq!(Filter::parse(bad), Err(syntax(message)), "{bad}");
        }
    }

    #[test]
    fn limits() {
        let deep = format!(
            "{}'a' in groups{}",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(Filter::parse(&deep).is_ok());
        let deeper = format!("({deep})");
        assert_eq!(Filter::parse(&deeper), Err(FilterError::TooDeep));
        // The attack from the hardening issue: 1,000 nested parentheses.
        let attack = format!("{}'a' in groups{}", "(".repeat(1000), ")".repeat(1000));
        assert_eq!(Filter::parse(&attack), Err(FilterError::TooDeep));
        let terms = |n: usize| vec!["'g' in groups"; n].join(" or ");
        let f = Filter::parse(&terms(MAX_TERMS)).unwrap();
        assert_eq!(f.terms(), MAX_TERMS);
        assert!(f.matches(&Conn(&["g"], None)));
        assert_eq!(
            Filter::parse(&terms(MAX_TERMS + 1)),
            Err(FilterError::TooManyTerms)
        );
        let long = "x".repeat(MAX_LENGTH + 1);
        assert_eq!(
            Filter::parse(&long),
            Err(FilterError::TooLong(MAX_LENGTH + 1))
        );
        // A long chain of `not`s evaluates without recursion.
        let nots = format!("{}'a' in groups", "not ".repeat(10_000));
        assert!(Filter::parse(&nots).unwrap().matches(&Conn(&["a"], None)));
    }
}
