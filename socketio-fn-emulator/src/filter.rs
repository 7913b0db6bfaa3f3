//! The OData filter subset of the service's REST API: `'<group>' in groups`, `userId eq '<id>'`,
//! `connectionId eq '<id>'` (and `ne`), `not`, `and`, `or`, parentheses, with standard precedence
//! (`not` > comparisons > `and` > `or`). An empty filter selects everything.

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Everything (the empty filter).
    All,
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
    /// `not <filter>`
    Not(Box<Filter>),
    /// `<a> and <b>`
    And(Box<Filter>, Box<Filter>),
    /// `<a> or <b>`
    Or(Box<Filter>, Box<Filter>),
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

impl Filter {
    /// Evaluates the filter for one connection.
    pub fn matches(&self, subject: &impl Subject) -> bool {
        match self {
            Self::All => true,
            Self::InGroup(g) => subject.in_group(g),
            Self::UserId { value, negated } => {
                (subject.user_id() == Some(value.as_str())) != *negated
            }
            Self::ConnectionId { value, negated } => (subject.connection_id() == value) != *negated,
            Self::Not(f) => !f.matches(subject),
            Self::And(a, b) => a.matches(subject) && b.matches(subject),
            Self::Or(a, b) => a.matches(subject) || b.matches(subject),
        }
    }

    /// Parses a filter; the error says what was expected where.
    pub fn parse(text: &str) -> Result<Self, String> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Ok(Self::All);
        }
        let mut parser = Parser { tokens, pos: 0 };
        let filter = parser.or()?;
        match parser.tokens.get(parser.pos) {
            None => Ok(filter),
            Some(t) => Err(format!(
                "unexpected `{}` after a complete expression",
                t.show()
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Str(String),
    Word(String),
    Open,
    Close,
}

impl Token {
    fn show(&self) -> String {
        match self {
            Self::Str(s) => format!("'{s}'"),
            Self::Word(w) => w.clone(),
            Self::Open => "(".into(),
            Self::Close => ")".into(),
        }
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self, Self::Word(w) if w.eq_ignore_ascii_case(word))
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated string literal".into()),
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => s.push(c),
                    }
                }
                tokens.push(Token::Str(s));
            }
            c if c.is_ascii_alphabetic() => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        w.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(w));
            }
            other => return Err(format!("unexpected character `{other}`")),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.peek().is_some_and(|t| t.is_word("or")) {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.peek().is_some_and(|t| t.is_word("and")) {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.peek().is_some_and(|t| t.is_word("not")) {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, String> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    other => Err(format!("expected `)`, found {}", show(other.as_ref()))),
                }
            }
            Some(Token::Str(group)) => match (self.next(), self.next()) {
                (Some(a), Some(b)) if a.is_word("in") && b.is_word("groups") => {
                    Ok(Filter::InGroup(group))
                }
                _ => Err(format!("expected `in groups` after '{group}'")),
            },
            Some(Token::Word(field))
                if field.eq_ignore_ascii_case("userId")
                    || field.eq_ignore_ascii_case("connectionId") =>
            {
                let negated = match self.next() {
                    Some(t) if t.is_word("eq") => false,
                    Some(t) if t.is_word("ne") => true,
                    other => {
                        return Err(format!(
                            "expected `eq` or `ne` after `{field}`, found {}",
                            show(other.as_ref())
                        ));
                    }
                };
                let Some(Token::Str(value)) = self.next() else {
                    return Err(format!("expected a string literal after `{field}`"));
                };
                Ok(if field.eq_ignore_ascii_case("userId") {
                    Filter::UserId { value, negated }
                } else {
                    Filter::ConnectionId { value, negated }
                })
            }
            other => Err(format!(
                "expected a condition, found {}",
                show(other.as_ref())
            )),
        }
    }
}

fn show(token: Option<&Token>) -> String {
    token.map_or_else(|| "the end".to_owned(), |t| format!("`{}`", t.show()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let f = Filter::parse("('a' in groups or 'b' in groups) and not ('c' in groups)").unwrap();
        assert!(
            !f.matches(&Conn(&["a", "c"], None)),
            "parenthesised: c excludes"
        );
        assert!(f.matches(&Conn(&["b"], None)));
        let f = Filter::parse("not 'a' in groups and 'b' in groups").unwrap();
        assert!(f.matches(&Conn(&["b"], None)));
        assert!(!f.matches(&Conn(&["a", "b"], None)));
    }

    #[test]
    fn other_conditions_and_empty() {
        assert_eq!(Filter::parse("  ").unwrap(), Filter::All);
        let f = Filter::parse("userId eq 'alice' or connectionId ne 'c1'").unwrap();
        assert!(f.matches(&Conn(&[], Some("alice"))));
        assert!(!f.matches(&Conn(&[], Some("bob"))));
        let f = Filter::parse("'it''s' in groups").unwrap();
        assert_eq!(f, Filter::InGroup("it's".into()));
    }

    #[test]
    fn errors() {
        for (bad, message) in [
            ("'a' in", "expected `in groups` after 'a'"),
            ("('a' in groups", "expected `)`, found the end"),
            (
                "'a' in groups 'b'",
                "unexpected `'b'` after a complete expression",
            ),
            ("'a", "unterminated string literal"),
            ("foo eq 'x'", "expected a condition, found `foo`"),
            ("'a' in groups and", "expected a condition, found the end"),
            (
                "userId gt 'x'",
                "expected `eq` or `ne` after `userId`, found `gt`",
            ),
            ("$", "unexpected character `$`"),
        ] {
            assert_eq!(Filter::parse(bad), Err(message.to_owned()), "{bad}");
        }
    }
}
