//! A small reader of dune's S-expression syntax, with byte offsets.
//!
//! Covers what dune lock directories use: atoms, quoted strings (with dune's escapes),
//! lists, line comments `; …`, block comments `#| … |#` and datum comments `#; sexp`.

/// One S-expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sexp {
    /// A bare atom such as `version` or `0.0.1`.
    Atom(String, usize),
    /// A quoted string, decoded.
    Quoted(String, usize),
    /// `( … )`.
    List(Vec<Sexp>, usize),
}

impl Sexp {
    /// Byte offset of the first character.
    pub(crate) fn offset(&self) -> usize {
        match self {
            Sexp::Atom(_, o) | Sexp::Quoted(_, o) | Sexp::List(_, o) => *o,
        }
    }

    /// The text of an atom or quoted string.
    pub(crate) fn as_text(&self) -> Option<&str> {
        match self {
            Sexp::Atom(s, _) | Sexp::Quoted(s, _) => Some(s),
            Sexp::List(..) => None,
        }
    }

    /// The elements of a list.
    pub(crate) fn as_list(&self) -> Option<&[Sexp]> {
        match self {
            Sexp::List(items, _) => Some(items),
            _ => None,
        }
    }
}

/// Why a text is not an S-expression, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SexpError {
    pub(crate) offset: usize,
    pub(crate) message: &'static str,
}

const MAX_DEPTH: usize = 200;

/// Parses a sequence of S-expressions (a whole file).
pub(crate) fn parse(src: &str) -> Result<Vec<Sexp>, SexpError> {
    let mut reader = Reader {
        src: src.as_bytes(),
        text: src,
        pos: 0,
    };
    let mut stack: Vec<(Vec<Sexp>, usize)> = Vec::new();
    let mut top = Vec::new();
    // Datum comments pending at each depth: the next complete sexp is dropped.
    let mut skip_next: Vec<usize> = Vec::new();
    loop {
        reader.skip_trivia(&mut skip_next, stack.len())?;
        let start = reader.pos;
        let complete = match reader.peek() {
            None => {
                if let Some((_, open)) = stack.last() {
                    return Err(SexpError {
                        offset: *open,
                        message: "unclosed parenthesis",
                    });
                }
                return Ok(top);
            }
            Some(b'(') => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SexpError {
                        offset: start,
                        message: "lists nested too deeply",
                    });
                }
                reader.pos += 1;
                stack.push((Vec::new(), start));
                continue;
            }
            Some(b')') => {
                reader.pos += 1;
                let Some((items, open)) = stack.pop() else {
                    return Err(SexpError {
                        offset: start,
                        message: "unbalanced `)`",
                    });
                };
                Sexp::List(items, open)
            }
            Some(b'"') => reader.quoted()?,
            Some(_) => reader.atom()?,
        };
        let depth = stack.len();
        if skip_next.last() == Some(&depth) {
            skip_next.pop();
            continue;
        }
        match stack.last_mut() {
            Some((items, _)) => items.push(complete),
            None => top.push(complete),
        }
    }
}

struct Reader<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn skip_trivia(&mut self, skip_next: &mut Vec<usize>, depth: usize) -> Result<(), SexpError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => self.pos += 1,
                b';' => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'#' if self.at(self.pos + 1) == Some(b'|') => {
                    let start = self.pos;
                    self.pos += 2;
                    loop {
                        match self.peek() {
                            None => {
                                return Err(SexpError {
                                    offset: start,
                                    message: "unterminated block comment",
                                });
                            }
                            Some(b'|') if self.at(self.pos + 1) == Some(b'#') => {
                                self.pos += 2;
                                break;
                            }
                            Some(_) => self.pos += 1,
                        }
                    }
                }
                b'#' if self.at(self.pos + 1) == Some(b';') => {
                    self.pos += 2;
                    skip_next.push(depth);
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<Sexp, SexpError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'(' | b')' | b'"' | b';'
            ) {
                break;
            }
            self.pos += 1;
        }
        let text = self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_owned();
        Ok(Sexp::Atom(text, start))
    }

    fn quoted(&mut self) -> Result<Sexp, SexpError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(SexpError {
                    offset: start,
                    message: "unterminated string",
                });
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(c) = self.peek() else {
                        return Err(SexpError {
                            offset: start,
                            message: "unterminated string",
                        });
                    };
                    self.pos += 1;
                    match c {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(0x08),
                        b'\\' | b'"' | b'%' => out.push(c),
                        b'\n' => {
                            while matches!(self.peek(), Some(b' ' | b'\t')) {
                                self.pos += 1;
                            }
                        }
                        b'x' => {
                            let hex = self.text.get(self.pos..self.pos + 2);
                            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                Some(v) => {
                                    out.push(v);
                                    self.pos += 2;
                                }
                                None => {
                                    return Err(SexpError {
                                        offset: self.pos - 2,
                                        message: "bad \\x escape",
                                    });
                                }
                            }
                        }
                        b'0'..=b'9' => {
                            let digits = self.text.get(self.pos - 1..self.pos + 2);
                            match digits.and_then(|d| d.parse::<u8>().ok()) {
                                Some(v) => {
                                    out.push(v);
                                    self.pos += 2;
                                }
                                None => {
                                    return Err(SexpError {
                                        offset: self.pos - 2,
                                        message: "bad decimal escape",
                                    });
                                }
                            }
                        }
                        _ => {
                            return Err(SexpError {
                                offset: self.pos - 2,
                                message: "unknown escape sequence",
                            });
                        }
                    }
                }
                _ => out.push(b),
            }
        }
        let text = String::from_utf8(out).map_err(|_| SexpError {
            offset: start,
            message: "string is not valid UTF-8",
        })?;
        Ok(Sexp::Quoted(text, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &Sexp) -> String {
        match s {
            Sexp::Atom(a, _) => a.clone(),
            Sexp::Quoted(q, _) => format!("{q:?}"),
            Sexp::List(items, _) => {
                format!("({})", items.iter().map(show).collect::<Vec<_>>().join(" "))
            }
        }
    }

    #[test]
    fn reads_atoms_strings_lists_and_skips_comments() {
        let src = "(version 0.0.1) ; comment\n#| block |# (depends #;(skipped x) (all_platforms (a b)))\n(x \"q\\\"\\n\\065\")";
        let parsed = parse(src).expect("parses");
        let shown: Vec<String> = parsed.iter().map(show).collect();
        assert_eq!(
            shown,
            [
                "(version 0.0.1)",
                "(depends (all_platforms (a b)))",
                "(x \"q\\\"\\nA\")"
            ]
        );
        assert_eq!(parsed.get(1).map(Sexp::offset), Some(38));
    }

    #[test]
    fn reports_where_it_stopped() {
        assert_eq!(parse("(a (b)").expect_err("unclosed").offset, 0);
        assert_eq!(parse("(a))").expect_err("extra").offset, 3);
        assert_eq!(parse("(a \"b)").expect_err("string").offset, 3);
        assert_eq!(
            parse("#| x").expect_err("comment").message,
            "unterminated block comment"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(src in "[a-z()\"\\\\;#| \n0-9x]{0,64}") {
            let _ = parse(&src);
        }
    }
}
