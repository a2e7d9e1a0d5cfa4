//! Packages: a name and a version, written `name.version`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, InvalidText, TextKind};
use crate::name::PackageName;
use crate::version::Version;

/// A package at one version, such as `cohttp.6.2.2`.
///
/// Ordered by name, then version, as opam orders packages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Package {
    /// The name.
    pub name: PackageName,
    /// The version.
    pub version: Version,
}

impl Package {
    /// Pairs a name and a version.
    pub fn new(name: PackageName, version: Version) -> Package {
        Package { name, version }
    }

    /// Parses `name.version`, split at the first `.` as opam does.
    pub fn parse(text: &str) -> Result<Package, Error> {
        let Some((name, version)) = text.split_once('.') else {
            return Err(Error::InvalidText(InvalidText {
                kind: TextKind::Package,
                text: text.into(),
                offset: text.len(),
                reason: "expected `name.version`, with a `.` between name and version".into(),
            }));
        };
        // Re-anchor errors of the parts to positions in the whole text.
        let reanchor = |err: Error, shift: usize| match err {
            Error::InvalidText(inner) => Error::InvalidText(InvalidText {
                kind: TextKind::Package,
                text: text.into(),
                offset: inner.offset + shift,
                reason: format!("invalid {}: {}", inner.kind, inner.reason),
            }),
            other => other,
        };
        let name = PackageName::parse(name).map_err(|e| reanchor(e, 0))?;
        let version = Version::parse(version).map_err(|e| reanchor(e, name.as_str().len() + 1))?;
        Ok(Package { name, version })
    }
}

impl FromStr for Package {
    type Err = Error;
    fn from_str(s: &str) -> Result<Package, Error> {
        Package::parse(s)
    }
}

impl fmt::Display for Package {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.name, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_first_dot() {
        let p = Package::parse("cohttp.6.2.2").unwrap();
        assert_eq!(p.name.as_str(), "cohttp");
        assert_eq!(p.version.as_str(), "6.2.2");
        assert_eq!(p.to_string(), "cohttp.6.2.2");
    }

    #[test]
    fn reports_the_position_of_the_problem_in_the_whole_text() {
        assert_eq!(
            Package::parse("cohttp").unwrap_err().to_string(),
            "invalid package \"cohttp\" at column 7: expected `name.version`, with a `.` between name and version"
        );
        assert_eq!(
            Package::parse("cohttp.6.2 2").unwrap_err().to_string(),
            "invalid package \"cohttp.6.2 2\" at column 11: invalid version: invalid character ' ': a version may only contain ASCII letters, digits and `-_+.~`"
        );
        assert!(Package::parse("coh/ttp.1").is_err());
        assert!(Package::parse("cohttp.").is_err());
    }

    #[test]
    fn orders_by_name_then_version() {
        let mut ps: Vec<Package> = ["b.1", "a.10", "a.9", "a.1~rc"]
            .iter()
            .map(|p| Package::parse(p).unwrap())
            .collect();
        ps.sort();
        let shown: Vec<String> = ps.iter().map(Package::to_string).collect();
        assert_eq!(shown, ["a.1~rc", "a.9", "a.10", "b.1"]);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use crate::error::Error;
    use crate::formula::VersionFormula;
    use crate::{Package, PackageName, Version};

    fn offset_within(result: Result<(), Error>, text: &str) -> bool {
        match result {
            Err(Error::InvalidText(invalid)) => {
                invalid.offset <= text.len() && invalid.text == text
            }
            Err(_) => false,
            Ok(()) => true,
        }
    }

    proptest! {
        /// Any text gives a value or an error quoting the text with a position in it.
        #[test]
        fn parsers_never_panic_and_point_into_the_text(text in "\\PC{0,24}") {
            prop_assert!(offset_within(Version::parse(&text).map(drop), &text));
            prop_assert!(offset_within(PackageName::parse(&text).map(drop), &text));
            prop_assert!(offset_within(Package::parse(&text).map(drop), &text));
            prop_assert!(offset_within(VersionFormula::parse_text(&text).map(drop), &text));
        }

        #[test]
        fn constraint_texts_from_opam_tokens_never_panic(
            tokens in proptest::collection::vec(
                prop_oneof![
                    Just(">="), Just("<"), Just("="), Just("!="), Just("&"), Just("|"), Just("!"),
                    Just("("), Just(")"), Just("{"), Just("}"), Just("\"1.0\""), Just("\"2~rc\""),
                    Just("x"), Just("\"a b\""), Just("#"), Just("\n"),
                ],
                0..12,
            )
        ) {
            let text = tokens.join(" ");
            prop_assert!(offset_within(VersionFormula::parse_text(&text).map(drop), &text));
        }

        #[test]
        fn displayed_packages_parse_back(name in "[a-z][a-z0-9_+-]{0,8}", version in "[0-9a-z~+._-]{1,8}") {
            let package = Package::parse(&format!("{name}.{version}")).unwrap();
            prop_assert_eq!(Package::parse(&package.to_string()).unwrap(), package);
        }
    }
}
