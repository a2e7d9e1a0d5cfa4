//! Package names.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, InvalidText, TextKind};

/// A package name, such as `cohttp-lwt-unix`.
///
/// Valid names are made of ASCII letters, digits and `-_+`, with at least one letter.
/// Names are ordered as opam orders them: case-insensitively first, then byte-wise
/// (so `ANSITerminal` sorts among the `a…` names).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PackageName {
    text: Box<str>,
}

impl PackageName {
    /// Parses a name, checking opam's rule.
    pub fn parse(text: &str) -> Result<PackageName, Error> {
        check_name_text(text)?;
        Ok(PackageName { text: text.into() })
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

pub(crate) fn check_name_text(text: &str) -> Result<(), Error> {
    let invalid = |offset, reason: String| {
        Err(Error::InvalidText(InvalidText {
            kind: TextKind::Name,
            text: text.into(),
            offset,
            reason,
        }))
    };
    if let Some((offset, c)) = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+')))
    {
        return invalid(
            offset,
            format!(
                "invalid character {c:?}: a package name may only contain ASCII letters, digits and `-_+`"
            ),
        );
    }
    if !text.bytes().any(|c| c.is_ascii_alphabetic()) {
        return invalid(0, "a package name must contain at least one letter".into());
    }
    Ok(())
}

impl FromStr for PackageName {
    type Err = Error;
    fn from_str(s: &str) -> Result<PackageName, Error> {
        PackageName::parse(s)
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackageName({:?})", &*self.text)
    }
}

impl PartialOrd for PackageName {
    fn partial_cmp(&self, other: &PackageName) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PackageName {
    fn cmp(&self, other: &PackageName) -> Ordering {
        compare_names(&self.text, &other.text)
    }
}

/// opam's name order: the lowercased names byte-wise, then the names byte-wise.
pub fn compare_names(a: &str, b: &str) -> Ordering {
    let lowercase_a = a.bytes().map(|c| c.to_ascii_lowercase());
    let lowercase_b = b.bytes().map(|c| c.to_ascii_lowercase());
    lowercase_a.cmp(lowercase_b).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_opam_names() {
        for name in ["cohttp-lwt-unix", "ANSITerminal", "0install", "ocaml+twt", "conf_x"] {
            assert_eq!(PackageName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn rejects_bad_names_quoting_text_and_column() {
        assert_eq!(
            PackageName::parse("foo.bar").unwrap_err().to_string(),
            "invalid package name \"foo.bar\" at column 4: invalid character '.': a package name may only contain ASCII letters, digits and `-_+`"
        );
        assert_eq!(
            PackageName::parse("123").unwrap_err().to_string(),
            "invalid package name \"123\" at column 1: a package name must contain at least one letter"
        );
        assert!(PackageName::parse("").is_err());
    }

    #[test]
    fn orders_names_case_insensitively_first() {
        let mut names: Vec<PackageName> = ["zarith", "ANSITerminal", "abc", "Abc", "ab"]
            .iter()
            .map(|n| PackageName::parse(n).unwrap())
            .collect();
        names.sort();
        let sorted: Vec<&str> = names.iter().map(PackageName::as_str).collect();
        assert_eq!(sorted, ["ab", "Abc", "abc", "ANSITerminal", "zarith"]);
    }
}
