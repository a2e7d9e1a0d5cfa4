//! Package names.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, InvalidText, TextKind};

/// A package name, such as `cohttp-lwt-unix`.
///
/// Valid names are made of ASCII letters, digits and `-_+`, with at least one letter.
/// Names are ordered as opam orders them (see [`compare_names`]): `ANSITerminal`
/// sorts among the `a…` names, `conf-libMagickCore` before `conf-libmagic`.
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

/// opam's name order (`OpamStd.String.compare_case`): at the first position where
/// the names differ, letters compare case-insensitively, and if they are the same
/// letter in different cases the uppercase one comes first; a name that is a prefix
/// of the other comes first.
pub fn compare_names(a: &str, b: &str) -> Ordering {
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            let by_letter = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
            return by_letter.then(x.cmp(&y));
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_opam_names() {
        for name in [
            "cohttp-lwt-unix",
            "ANSITerminal",
            "0install",
            "ocaml+twt",
            "conf_x",
        ] {
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
    fn orders_names_by_letter_then_uppercase_first() {
        let mut names: Vec<PackageName> = [
            "zarith",
            "ANSITerminal",
            "abc",
            "Abc",
            "ab",
            "conf-libmagic",
            "conf-libMagickCore",
        ]
        .iter()
        .map(|n| PackageName::parse(n).unwrap())
        .collect();
        names.sort();
        let sorted: Vec<&str> = names.iter().map(PackageName::as_str).collect();
        assert_eq!(
            sorted,
            [
                "Abc",
                "ANSITerminal",
                "ab",
                "abc",
                "conf-libMagickCore",
                "conf-libmagic",
                "zarith"
            ]
        );
    }
}
