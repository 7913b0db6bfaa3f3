//! Tokenizing and compiling a filter's text (shunting-yard) into the postfix program of [`Filter`].

use super::{Condition, Filter, FilterError, MAX_DEPTH, MAX_TERMS, Op};

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

fn show(token: Option<&Token>) -> String {
    token.map_or_else(|| "the end".to_owned(), |t| format!("`{}`", t.show()))
}

fn syntax(message: impl Into<String>) -> FilterError {
    FilterError::Syntax(message.into())
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
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
                        None => return Err(syntax("unterminated string literal")),
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
            other => return Err(syntax(format!("unexpected character `{other}`"))),
        }
    }
    Ok(tokens)
}

/// Operators waiting on the shunting-yard stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Open,
    Not,
    And,
    Or,
}

#[derive(Default)]
struct Compiler {
    out: Vec<Op>,
    stack: Vec<Pending>,
    depth: usize,
    terms: usize,
}

impl Compiler {
    fn emit(&mut self, pending: Pending) {
        self.out.push(match pending {
            Pending::Not => Op::Not,
            Pending::And => Op::And,
            Pending::Or => Op::Or,
            Pending::Open => return,
        });
    }

    /// After a complete operand, the `not`s directly before it apply to it.
    fn close_unary(&mut self) {
        while self.stack.last() == Some(&Pending::Not) {
            self.stack.pop();
            self.out.push(Op::Not);
        }
    }

    fn run(mut self, tokens: Vec<Token>) -> Result<Filter, FilterError> {
        if tokens.is_empty() {
            return Ok(Filter::default());
        }
        let mut tokens = tokens.into_iter().peekable();
        let mut expect_operand = true;
        while let Some(token) = tokens.next() {
            expect_operand = if expect_operand {
                self.operand(token, &mut tokens)?
            } else {
                self.operator(token)?
            };
        }
        if expect_operand {
            return Err(syntax("expected a condition, found the end"));
        }
        while let Some(p) = self.stack.pop() {
            if p == Pending::Open {
                return Err(syntax("expected `)`, found the end"));
            }
            self.emit(p);
        }
        Ok(Filter { ops: self.out })
    }

    /// Where an operand is expected: `not`, `(` or a condition. Returns whether an operand is still
    /// expected.
    fn operand(&mut self, token: Token, tokens: &mut Tokens) -> Result<bool, FilterError> {
        match token {
            t if t.is_word("not") => self.stack.push(Pending::Not),
            Token::Open => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(FilterError::TooDeep);
                }
                self.stack.push(Pending::Open);
            }
            Token::Str(group) => {
                match (tokens.next(), tokens.next()) {
                    (Some(a), Some(b)) if a.is_word("in") && b.is_word("groups") => {}
                    _ => return Err(syntax(format!("expected `in groups` after '{group}'"))),
                }
                self.condition(Condition::InGroup(group))?;
                return Ok(false);
            }
            Token::Word(field)
                if field.eq_ignore_ascii_case("userId")
                    || field.eq_ignore_ascii_case("connectionId") =>
            {
                let condition = comparison(&field, tokens)?;
                self.condition(condition)?;
                return Ok(false);
            }
            other => {
                return Err(syntax(format!(
                    "expected a condition, found {}",
                    show(Some(&other))
                )));
            }
        }
        Ok(true)
    }

    /// After a complete operand: `)`, `and` or `or`. Returns whether an operand is expected next.
    fn operator(&mut self, token: Token) -> Result<bool, FilterError> {
        match token {
            Token::Close => {
                loop {
                    match self.stack.pop() {
                        Some(Pending::Open) => break,
                        Some(p) => self.emit(p),
                        None => return Err(syntax("unexpected `)`")),
                    }
                }
                self.depth -= 1;
                self.close_unary();
                Ok(false)
            }
            t if t.is_word("and") || t.is_word("or") => {
                let op = if t.is_word("and") {
                    Pending::And
                } else {
                    Pending::Or
                };
                // Left-associative; `and` binds tighter than `or`.
                while let Some(&top) = self.stack.last() {
                    if top == Pending::And || (top == Pending::Or && op == Pending::Or) {
                        self.stack.pop();
                        self.emit(top);
                    } else {
                        break;
                    }
                }
                self.stack.push(op);
                Ok(true)
            }
            other => Err(syntax(format!(
                "unexpected `{}` after a complete expression",
                other.show()
            ))),
        }
    }

    fn condition(&mut self, condition: Condition) -> Result<(), FilterError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(FilterError::TooManyTerms);
        }
        self.out.push(Op::Test(condition));
        self.close_unary();
        Ok(())
    }
}

type Tokens = std::iter::Peekable<std::vec::IntoIter<Token>>;

/// `userId|connectionId eq|ne '<value>'`, after the field.
fn comparison(field: &str, tokens: &mut Tokens) -> Result<Condition, FilterError> {
    let negated = match tokens.next() {
        Some(t) if t.is_word("eq") => false,
        Some(t) if t.is_word("ne") => true,
        other => {
            return Err(syntax(format!(
                "expected `eq` or `ne` after `{field}`, found {}",
                show(other.as_ref())
            )));
        }
    };
    let Some(Token::Str(value)) = tokens.next() else {
        return Err(syntax(format!("expected a string literal after `{field}`")));
    };
    Ok(if field.eq_ignore_ascii_case("userId") {
        Condition::UserId { value, negated }
    } else {
        Condition::ConnectionId { value, negated }
    })
}

/// Tokenizes and compiles a filter (its length already checked).
pub(super) fn compile(text: &str) -> Result<Filter, FilterError> {
    Compiler::default().run(tokenize(text)?)
}
