//! opam specifics that go beyond the purl `opam` type definition.
//!
//! The definition (purl-spec PR #763) says: no namespace, a case-sensitive
//! name, an optional version, default repository `https://opam.ocaml.org`;
//! the generic rules then encode `+` as `%2B` (`conf-g++` →
//! `pkg:opam/conf-g%2B%2B`). Those rules are enforced by parsing and
//! building like any other type. This module adds what the definition leaves
//! to the ecosystem: opam's own grammar of names and versions (an optional
//! check, since a conforming purl may hold any Unicode) and links to the
//! package pages of the default repository.

use crate::error::{Component, Error, ErrorKind};
use crate::purl::Purl;
use crate::types::type_definition;

/// The purl type of opam packages.
pub const TYPE: &str = "opam";

/// The default opam repository, from the type definition.
pub fn default_repository_url() -> Option<&'static str> {
    type_definition(TYPE)?.default_repository_url()
}

/// Whether `name` is an opam package name: only `A-Z a-z 0-9 _ + -`, with at
/// least one letter (as opam's `OpamPackage.Name.of_string` and the opam
/// manual's `<pkgname>` require).
pub fn is_valid_package_name(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
        && name.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Whether `version` is an opam package version: non-empty, only
/// `A-Z a-z 0-9 _ + . ~ -`.
pub fn is_valid_package_version(version: &str) -> bool {
    !version.is_empty()
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'.' | b'~' | b'-'))
}

/// Checks that an `opam` package URL names something opam could install:
/// its name and version follow opam's grammar. Other types pass unchecked.
pub fn check_native_syntax(purl: &Purl) -> Result<(), Error> {
    if purl.package_type() != TYPE {
        return Ok(());
    }
    if !is_valid_package_name(purl.name()) {
        return Err(Error::new(
            ErrorKind::NotPermitted,
            Component::Name,
            purl.name(),
            "not an opam package name: use only `A-Z a-z 0-9 _ + -`, with at least one letter",
        ));
    }
    if let Some(version) = purl.version().filter(|v| !is_valid_package_version(v)) {
        return Err(Error::new(
            ErrorKind::NotPermitted,
            Component::Version,
            version,
            "not an opam package version: use only `A-Z a-z 0-9 _ + . ~ -`",
        ));
    }
    Ok(())
}

/// The page of the package (and version) on the default opam repository,
/// such as `https://opam.ocaml.org/packages/tls/tls.0.17.5/`. `None` for
/// other types, for another `repository_url`, and for names that would not
/// form a path (see [`check_native_syntax`]).
pub fn package_page_url(purl: &Purl) -> Option<String> {
    let default = default_repository_url()?;
    if purl.package_type() != TYPE || purl.repository_url() != Some(default) {
        return None;
    }
    check_native_syntax(purl).ok()?;
    let name = purl.name();
    Some(match purl.version() {
        Some(version) => format!("{default}/packages/{name}/{name}.{version}/"),
        None => format!("{default}/packages/{name}/"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl(text: &str) -> Purl {
        Purl::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"))
    }

    #[test]
    fn default_repository_comes_from_the_definition() {
        assert_eq!(default_repository_url(), Some("https://opam.ocaml.org"));
        assert_eq!(
            purl("pkg:opam/conex").repository_url(),
            Some("https://opam.ocaml.org")
        );
    }

    #[test]
    fn names_follow_opam_grammar() {
        for name in ["conf-g++", "ocaml_base", "Conex", "0install", "a"] {
            assert!(is_valid_package_name(name), "{name}");
        }
        for name in ["", "123", "a.b", "a b", "café", "a/b", "a~b"] {
            assert!(!is_valid_package_name(name), "{name}");
        }
    }

    #[test]
    fn versions_follow_opam_grammar() {
        for version in ["1.0", "4.14.1+flambda", "1.9.6~beta", "v0.16_preview-1"] {
            assert!(is_valid_package_version(version), "{version}");
        }
        for version in ["", "1 0", "1/2", "1:2", "1@2"] {
            assert!(!is_valid_package_version(version), "{version}");
        }
    }

    #[test]
    fn native_syntax_check_names_the_component() {
        assert_eq!(
            check_native_syntax(&purl("pkg:opam/conf-g%2B%2B@1")),
            Ok(())
        );
        let err = check_native_syntax(&purl("pkg:opam/caf%C3%A9")).unwrap_err();
        assert_eq!((err.component(), err.text()), (Component::Name, "café"));
        let err = check_native_syntax(&purl("pkg:opam/conex@1%3A0")).unwrap_err();
        assert_eq!((err.component(), err.text()), (Component::Version, "1:0"));
        // Other types are not opam's business.
        assert_eq!(check_native_syntax(&purl("pkg:generic/caf%C3%A9")), Ok(()));
    }

    #[test]
    fn package_pages_only_for_the_default_repository() {
        assert_eq!(
            package_page_url(&purl("pkg:opam/tls@0.17.5")).as_deref(),
            Some("https://opam.ocaml.org/packages/tls/tls.0.17.5/")
        );
        assert_eq!(
            package_page_url(&purl("pkg:opam/tls")).as_deref(),
            Some("https://opam.ocaml.org/packages/tls/")
        );
        assert_eq!(
            package_page_url(&purl(
                "pkg:opam/coq-core@8.18.0?repository_url=https:%2F%2Fcoq.inria.fr%2Fopam%2Freleased"
            )),
            None
        );
        assert_eq!(package_page_url(&purl("pkg:cargo/tls@1")), None);
    }
}
