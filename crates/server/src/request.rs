//! The bodies of `POST /v1/query` and `POST /v1/querybatch` (osv.dev's
//! `Query` and `BatchQuery` messages in proto3 JSON), and their checks.
//!
//! The checks are osv.dev's (`parseQuery`): a query is by `commit`, or by
//! `package` (`name` and `ecosystem`, or `purl`) with an optional `version`;
//! `commit` and `version` exclude each other, and so do a version in the purl
//! and in `version`; an ecosystem must be one OSV defines (or `GIT`). Beyond
//! osv.dev: unknown fields are refused (a misspelt `versoin` would otherwise
//! ask for every record of the package), and a version the ecosystem's own
//! syntax rejects (opam's; SemVer for crates.io and npm) is an error rather
//! than a query that finds nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use osv::VersionOrder;
use serde::Deserialize;

/// The ecosystem name of queries by repository URL and tag.
pub(crate) const GIT: &str = "GIT";

/// osv.dev's token for "the first page" ("FIRST_PAGE_TOKEN" in base64), which
/// its answers may carry; accepted as the start.
pub(crate) const FIRST_PAGE_TOKEN: &str = "RklSU1RfUEFHRV9UT0tFTg==";

/// One query as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueryRequest {
    #[serde(default)]
    commit: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    package: Option<PackageRequest>,
    #[serde(default)]
    page_token: Option<String>,
}

/// The package of a query as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageRequest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    ecosystem: Option<String>,
    #[serde(default)]
    purl: Option<String>,
}

/// A batch as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchRequest {
    #[serde(default)]
    pub(crate) queries: Option<Vec<QueryRequest>>,
}

/// What a checked query looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Records about a package: at a version, or all of them. Without an
    /// ecosystem (allowed with a version, as osv.dev does), every ecosystem.
    /// Ecosystem [`GIT`]: records whose first GIT range is in the repository
    /// `name` and whose `versions` list the tag `version`.
    Package {
        ecosystem: Option<String>,
        name: String,
        version: Option<String>,
    },
    /// Records whose GIT ranges name this commit (lowercase hexadecimal).
    Commit(String),
    /// A package URL of a type no OSV ecosystem has: nothing is found (osv.dev
    /// answers such queries with no records, and so does this server).
    UnknownPurlType,
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cursor {
    /// At the first record.
    Start,
    /// After the record with this ID (the last one of the previous page).
    After(String),
}

/// A checked query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    pub(crate) lookup: Lookup,
    pub(crate) cursor: Cursor,
}

/// Why a query is refused: the message of a 400 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid(pub(crate) String);

/// The page token that continues after `last_id`.
pub(crate) fn page_token(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(last_id)
}

impl QueryRequest {
    /// Checks the query; see the module docs for the rules.
    pub(crate) fn check(self) -> Result<Checked, Invalid> {
        let cursor = cursor(self.page_token.as_deref())?;
        let version = self.version.filter(|v| !v.is_empty());
        if let Some(commit) = self.commit {
            if version.is_some() {
                return invalid(
                    "`commit` and `version` exclude each other: query a commit or a version",
                );
            }
            return Ok(Checked {
                lookup: Lookup::Commit(check_commit(&commit)?),
                cursor,
            });
        }
        let Some(package) = self.package else {
            return invalid(
                "invalid query: give `package` (`name` and `ecosystem`, or `purl`), or `commit`",
            );
        };
        let name = package.name.filter(|n| !n.is_empty());
        let ecosystem = package.ecosystem.filter(|e| !e.is_empty());
        let lookup = match package.purl.filter(|p| !p.is_empty()) {
            Some(purl) => {
                if name.is_some() || ecosystem.is_some() {
                    return invalid(
                        "a package is given by `purl` or by `name` and `ecosystem`, not both",
                    );
                }
                from_purl(&purl, version)?
            }
            None => from_name(ecosystem, name, version)?,
        };
        Ok(Checked { lookup, cursor })
    }
}

/// The lookup of a package given by name.
fn from_name(
    ecosystem: Option<String>,
    name: Option<String>,
    version: Option<String>,
) -> Result<Lookup, Invalid> {
    if let Some(ecosystem) = &ecosystem {
        check_ecosystem(ecosystem)?;
    }
    let Some(name) = name else {
        return invalid("invalid query: the package has no `name`");
    };
    match (&ecosystem, &version) {
        (None, None) => {
            return invalid(
                "invalid query: a package without `ecosystem` needs a `version` (or give the ecosystem to list all its records)",
            );
        }
        (Some(ecosystem), Some(version)) => check_version(ecosystem, version)?,
        _ => {}
    }
    Ok(Lookup::Package {
        ecosystem,
        name,
        version,
    })
}

/// The lookup of a package given by package URL.
fn from_purl(text: &str, version: Option<String>) -> Result<Lookup, Invalid> {
    let purl =
        purl::Purl::parse(text).map_err(|e| Invalid(format!("invalid purl `{text}`: {e}")))?;
    let version = match (purl.version(), version) {
        (Some(_), Some(_)) => {
            return invalid("the version is given both in the purl and in `version`: give it once");
        }
        (Some(v), None) => Some(v.to_owned()),
        (None, v) => v,
    };
    let Some((ecosystem, name)) = purl_package(&purl) else {
        return Ok(Lookup::UnknownPurlType);
    };
    if let Some(version) = &version {
        check_version(ecosystem, version)?;
    }
    Ok(Lookup::Package {
        ecosystem: Some(ecosystem.to_owned()),
        name,
        version,
    })
}

/// The OSV ecosystem and package name of a package URL, as osv.dev maps them;
/// `None` for a type no OSV ecosystem has.
fn purl_package(purl: &purl::Purl) -> Option<(&'static str, String)> {
    let name = purl.name();
    let joined = |separator: &str| match purl.namespace() {
        Some(namespace) => format!("{namespace}{separator}{name}"),
        None => name.to_owned(),
    };
    let namespace = purl.namespace().unwrap_or_default();
    Some(match (purl.package_type(), namespace) {
        ("opam", _) => ("opam", name.to_owned()),
        ("cargo", _) => ("crates.io", name.to_owned()),
        ("pypi", _) => ("PyPI", name.to_owned()),
        ("gem", _) => ("RubyGems", name.to_owned()),
        ("nuget", _) => ("NuGet", name.to_owned()),
        ("hackage", _) => ("Hackage", name.to_owned()),
        ("pub", _) => ("Pub", name.to_owned()),
        ("cran", _) => ("CRAN", name.to_owned()),
        ("conan", _) => ("ConanCenter", name.to_owned()),
        ("julia", _) => ("Julia", name.to_owned()),
        ("bitnami", _) => ("Bitnami", name.to_owned()),
        ("generic", _) => ("OSS-Fuzz", name.to_owned()),
        ("npm", _) => ("npm", joined("/")),
        ("hex", _) => ("Hex", joined("/")),
        ("swift", _) => ("SwiftURL", joined("/")),
        ("golang", _) => ("Go", joined("/")),
        ("composer", _) => ("Packagist", joined("/")),
        ("maven", _) => ("Maven", joined(":")),
        ("deb", "debian") => ("Debian", name.to_owned()),
        ("deb", "ubuntu") => ("Ubuntu", name.to_owned()),
        ("apk", "alpine") => ("Alpine", name.to_owned()),
        _ => return None,
    })
}

/// An error unless `ecosystem` is one OSV defines (with any `:suffix`) or `GIT`.
fn check_ecosystem(ecosystem: &str) -> Result<(), Invalid> {
    let base = osv::base_ecosystem(ecosystem);
    if ecosystem == GIT || osv::KNOWN_ECOSYSTEMS.contains(&base) {
        return Ok(());
    }
    let hint = osv::KNOWN_ECOSYSTEMS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(base))
        .map(|known| format!(" (ecosystems are case-sensitive: did you mean `{known}`?)"))
        .unwrap_or_else(|| {
            " (see the `ecosystem` field of the OSV schema for the list; OCaml packages are `opam`)"
                .to_owned()
        });
    invalid(format!(
        "invalid ecosystem `{ecosystem}`: not an OSV ecosystem{hint}"
    ))
}

/// An error when the ecosystem has a version syntax and `version` breaks it.
fn check_version(ecosystem: &str, version: &str) -> Result<(), Invalid> {
    let order: &dyn VersionOrder = match osv::base_ecosystem(ecosystem) {
        "opam" => &vulndb::OpamOrder,
        "crates.io" | "npm" => &osv::SemverOrder,
        _ => return Ok(()),
    };
    match order.compare(version, version) {
        Ok(_) => Ok(()),
        Err(why) => invalid(format!(
            "invalid version `{version}` for ecosystem {ecosystem}: {why}"
        )),
    }
}

/// A commit in lowercase, or an error unless it is hexadecimal of even length
/// (osv.dev decodes it to bytes).
fn check_commit(commit: &str) -> Result<String, Invalid> {
    if commit.is_empty()
        || !commit.len().is_multiple_of(2)
        || !commit.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return invalid(format!(
            "invalid hash `{commit}`: a commit is given in hexadecimal, such as a full 40-digit git hash"
        ));
    }
    Ok(commit.to_ascii_lowercase())
}

/// Where a page starts, from the `page_token` sent.
fn cursor(token: Option<&str>) -> Result<Cursor, Invalid> {
    let token = match token {
        None | Some("") | Some(FIRST_PAGE_TOKEN) => return Ok(Cursor::Start),
        Some(token) => token,
    };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|id| !id.is_empty())
        .map(Cursor::After)
        .ok_or_else(|| {
            Invalid(
                "invalid page_token: pass the next_page_token of the previous answer unchanged"
                    .to_owned(),
            )
        })
}

fn invalid<T>(message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Result<Checked, Invalid> {
        serde_json::from_str::<QueryRequest>(json).unwrap().check()
    }

    fn lookup(json: &str) -> Lookup {
        check(json).unwrap().lookup
    }

    fn refusal(json: &str) -> String {
        check(json).unwrap_err().0
    }

    fn package(ecosystem: &str, name: &str, version: Option<&str>) -> Lookup {
        Lookup::Package {
            ecosystem: Some(ecosystem.to_owned()),
            name: name.to_owned(),
            version: version.map(str::to_owned),
        }
    }

    #[test]
    fn package_urls_map_to_ecosystems_and_names() {
        for (purl, ecosystem, name, version) in [
            ("pkg:opam/cohttp@6.2.1", "opam", "cohttp", Some("6.2.1")),
            ("pkg:cargo/tokio@1.0.0", "crates.io", "tokio", Some("1.0.0")),
            ("pkg:npm/%40babel/core", "npm", "@babel/core", None),
            (
                "pkg:maven/org.apache/commons@1",
                "Maven",
                "org.apache:commons",
                Some("1"),
            ),
            (
                "pkg:golang/golang.org/x/net",
                "Go",
                "golang.org/x/net",
                None,
            ),
            ("pkg:deb/debian/openssl", "Debian", "openssl", None),
        ] {
            let json = format!(r#"{{"package": {{"purl": "{purl}"}}}}"#);
            assert_eq!(lookup(&json), package(ecosystem, name, version), "{purl}");
        }
        assert_eq!(
            lookup(r#"{"package": {"purl": "pkg:github/ocaml/ocaml"}}"#),
            Lookup::UnknownPurlType
        );
    }

    #[test]
    fn a_version_in_the_purl_and_in_version_is_refused() {
        let message = refusal(r#"{"package": {"purl": "pkg:opam/a@1"}, "version": "1"}"#);
        assert!(
            message.contains("both in the purl and in `version`"),
            "{message}"
        );
        assert_eq!(
            lookup(r#"{"package": {"purl": "pkg:opam/a"}, "version": "1"}"#),
            package("opam", "a", Some("1"))
        );
    }

    #[test]
    fn commit_and_version_exclude_each_other() {
        assert!(refusal(r#"{"commit": "ab", "version": "1"}"#).contains("exclude each other"));
        assert_eq!(
            lookup(r#"{"commit": "AB01"}"#),
            Lookup::Commit("ab01".to_owned())
        );
        for bad in ["", "abc", "xyz0", "ab cd"] {
            let message = refusal(&format!(r#"{{"commit": "{bad}"}}"#));
            assert!(message.starts_with("invalid hash"), "{bad}: {message}");
        }
    }

    #[test]
    fn ecosystems_are_checked_case_sensitively() {
        let message = refusal(r#"{"package": {"name": "a", "ecosystem": "OPAM"}, "version": "1"}"#);
        assert!(message.contains("did you mean `opam`?"), "{message}");
        assert!(
            refusal(r#"{"package": {"name": "a", "ecosystem": "nope"}}"#)
                .contains("not an OSV ecosystem")
        );
        assert_eq!(
            lookup(r#"{"package": {"name": "a", "ecosystem": "Debian:12"}}"#),
            package("Debian:12", "a", None)
        );
        assert_eq!(
            lookup(
                r#"{"package": {"name": "https://github.com/a/b", "ecosystem": "GIT"}, "version": "v1"}"#
            ),
            package("GIT", "https://github.com/a/b", Some("v1"))
        );
    }

    #[test]
    fn versions_are_checked_by_the_ecosystem_syntax() {
        let message =
            refusal(r#"{"package": {"name": "a", "ecosystem": "opam"}, "version": "1 0"}"#);
        assert!(
            message.starts_with("invalid version `1 0` for ecosystem opam"),
            "{message}"
        );
        assert!(
            refusal(r#"{"package": {"name": "a", "ecosystem": "crates.io"}, "version": "1.0"}"#)
                .contains("semantic version")
        );
        // Ecosystems without a known syntax take any version.
        assert!(
            check(r#"{"package": {"name": "a", "ecosystem": "PyPI"}, "version": "1.0"}"#).is_ok()
        );
    }

    #[test]
    fn a_query_needs_a_package_or_a_commit_and_a_name() {
        assert!(refusal("{}").starts_with("invalid query"));
        assert!(refusal(r#"{"package": {"ecosystem": "opam"}}"#).contains("no `name`"));
        assert!(refusal(r#"{"package": {"name": "a"}}"#).contains("needs a `version`"));
        assert_eq!(
            lookup(r#"{"package": {"name": "a"}, "version": "1"}"#),
            Lookup::Package {
                ecosystem: None,
                name: "a".into(),
                version: Some("1".into())
            }
        );
        assert!(
            refusal(r#"{"package": {"name": "a", "purl": "pkg:opam/a"}}"#).contains("not both")
        );
    }

    #[test]
    fn page_tokens_round_trip_and_garbage_is_refused() {
        let token = page_token("OSEC-2026-01");
        let json = format!(
            r#"{{"package": {{"name": "a", "ecosystem": "opam"}}, "page_token": "{token}"}}"#
        );
        assert_eq!(
            check(&json).unwrap().cursor,
            Cursor::After("OSEC-2026-01".to_owned())
        );
        let first = format!(
            r#"{{"package": {{"name": "a", "ecosystem": "opam"}}, "page_token": "{FIRST_PAGE_TOKEN}"}}"#
        );
        assert_eq!(check(&first).unwrap().cursor, Cursor::Start);
        let message =
            refusal(r#"{"package": {"name": "a", "ecosystem": "opam"}, "page_token": "!!"}"#);
        assert!(message.starts_with("invalid page_token"), "{message}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let error = serde_json::from_str::<QueryRequest>(r#"{"versoin": "1"}"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `versoin`"),
            "{error}"
        );
    }
}
