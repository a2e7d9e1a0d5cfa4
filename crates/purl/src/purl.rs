//! The `Purl` value: components, accessors and the canonical form.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::encoding::encode_into;
use crate::error::Error;
use crate::parse::{KeyCase, parse};
use crate::rules;
use crate::types::{TypeDefinition, type_definition};

/// A valid package URL, normalised to its canonical components.
///
/// Every component is stored decoded. A `Purl` is only made by
/// [`Purl::parse`], [`Purl::parse_lenient`] or [`PurlBuilder::build`], which
/// apply the generic rules and the rules of the type, so it always prints
/// (`Display`) a canonical package URL that parses back to the same value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    pub(crate) package_type: String,
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) qualifiers: Qualifiers,
    pub(crate) subpath: Option<String>,
}

impl Purl {
    /// Parses a package URL as ECMA-427 requires.
    ///
    /// Accepts a scheme in any case and `/` after `pkg:` (the standard says
    /// parsers should), normalises the components per type, and rejects
    /// anything else that is not conforming, including qualifier keys that
    /// are not lowercase (see [`Purl::parse_lenient`]).
    pub fn parse(input: &str) -> Result<Purl, Error> {
        parse(input, KeyCase::Strict)
    }

    /// Parses like [`Purl::parse`], but lowercases qualifier keys instead of
    /// rejecting uppercase ones, as the suite's "recommended" cases expect.
    pub fn parse_lenient(input: &str) -> Result<Purl, Error> {
        parse(input, KeyCase::Lowercase)
    }

    /// Starts building a package URL from decoded components.
    pub fn builder(package_type: impl Into<String>, name: impl Into<String>) -> PurlBuilder {
        PurlBuilder {
            package_type: package_type.into(),
            namespace: None,
            name: name.into(),
            version: None,
            qualifiers: Vec::new(),
            subpath: None,
        }
    }

    /// The type, lowercase (`"opam"`).
    pub fn package_type(&self) -> &str {
        &self.package_type
    }

    /// The namespace, decoded, its segments joined by `/`.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The name, decoded.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version, decoded; never empty.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The qualifiers, sorted by key; values decoded and never empty.
    pub fn qualifiers(&self) -> &Qualifiers {
        &self.qualifiers
    }

    /// The subpath, decoded, its segments joined by `/`.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// Its decoded components, qualifiers as a map (`None` when there are none).
    pub fn components(&self) -> Components<'_> {
        Components {
            package_type: self.package_type(),
            namespace: self.namespace(),
            name: self.name(),
            version: self.version(),
            qualifiers: (!self.qualifiers.is_empty()).then(|| self.qualifiers.iter().collect()),
            subpath: self.subpath(),
        }
    }

    /// The rules of this package URL's type, if the type is registered.
    pub fn type_definition(&self) -> Option<&'static TypeDefinition> {
        type_definition(&self.package_type)
    }

    /// The repository the package comes from: the `repository_url`
    /// qualifier, or else the type's default (`https://opam.ocaml.org` for opam).
    pub fn repository_url(&self) -> Option<&str> {
        self.qualifiers
            .get("repository_url")
            .or_else(|| self.type_definition()?.default_repository_url())
    }

    /// The same package URL without its version: the package across all its
    /// versions (as OSV's `affected[].package.purl` names it).
    pub fn without_version(&self) -> Purl {
        Purl {
            version: None,
            ..self.clone()
        }
    }
}

impl FromStr for Purl {
    type Err = Error;

    fn from_str(input: &str) -> Result<Purl, Error> {
        Purl::parse(input)
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("pkg:")?;
        f.write_str(&self.package_type)?;
        f.write_str("/")?;
        if let Some(namespace) = &self.namespace {
            encode_segments(f, namespace)?;
            f.write_str("/")?;
        }
        if rules::name_is_path(&self.package_type) {
            encode_segments(f, &self.name)?;
        } else {
            encode_into(f, &self.name)?;
        }
        if let Some(version) = &self.version {
            f.write_str("@")?;
            encode_into(f, version)?;
        }
        for (index, (key, value)) in self.qualifiers.iter().enumerate() {
            f.write_str(if index == 0 { "?" } else { "&" })?;
            f.write_str(key)?;
            f.write_str("=")?;
            encode_into(f, value)?;
        }
        if let Some(subpath) = &self.subpath {
            f.write_str("#")?;
            encode_segments(f, subpath)?;
        }
        Ok(())
    }
}

/// Encodes each `/`-separated segment, keeping the `/` between them.
fn encode_segments(out: &mut fmt::Formatter<'_>, segments: &str) -> fmt::Result {
    for (index, segment) in segments.split('/').enumerate() {
        if index > 0 {
            out.write_str("/")?;
        }
        encode_into(out, segment)?;
    }
    Ok(())
}

/// The qualifiers of a package URL: unique keys, sorted, non-empty values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Qualifiers {
    pairs: Vec<(String, String)>,
}

impl Qualifiers {
    /// Takes pairs whose keys are valid and unique; sorts them by key.
    pub(crate) fn from_unique_pairs(mut pairs: Vec<(String, String)>) -> Self {
        pairs.sort();
        Qualifiers { pairs }
    }

    /// The value of `key`, decoded.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .binary_search_by(|(candidate, _)| candidate.as_str().cmp(key))
            .ok()
            .and_then(|index| self.pairs.get(index))
            .map(|(_, value)| value.as_str())
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The `(key, value)` pairs in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// How many qualifiers there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Builds a [`Purl`] from decoded components (see [`Purl::builder`]).
///
/// The builder follows the specification's "how to build" steps: it drops
/// empty and `.`/`..` subpath segments and empty namespace segments, treats
/// an empty version or qualifier value as absent, lowercases qualifier keys,
/// and then applies the same type rules as parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlBuilder {
    package_type: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
    subpath: Option<String>,
}

impl PurlBuilder {
    /// Sets the namespace; `/` separates its segments.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sets the version.
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Adds a qualifier; giving the same key twice is an error at `build`.
    #[must_use]
    pub fn qualifier(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.qualifiers.push((key.into(), value.into()));
        self
    }

    /// Sets the subpath; `/` separates its segments.
    #[must_use]
    pub fn subpath(mut self, subpath: impl Into<String>) -> Self {
        self.subpath = Some(subpath.into());
        self
    }

    /// Checks and normalises the components.
    pub fn build(self) -> Result<Purl, Error> {
        crate::parse::build(
            &self.package_type,
            self.namespace.as_deref(),
            &self.name,
            self.version.as_deref(),
            self.qualifiers,
            self.subpath.as_deref(),
        )
    }
}

/// The decoded components of a package URL, fields in the specification's order:
/// with feature `serde`, the JSON object `osec purl parse` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Components<'a> {
    /// The type.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub package_type: &'a str,
    /// The namespace, its segments joined by `/`.
    pub namespace: Option<&'a str>,
    /// The name.
    pub name: &'a str,
    /// The version.
    pub version: Option<&'a str>,
    /// The qualifiers by key, or `None` when there are none.
    pub qualifiers: Option<BTreeMap<&'a str, &'a str>>,
    /// The subpath, its segments joined by `/`.
    pub subpath: Option<&'a str>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Purl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Purl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Purl::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_are_sorted_and_looked_up_by_key() {
        let purl = Purl::parse("pkg:generic/a?z=1&a=2&m=3").unwrap();
        let pairs: Vec<(&str, &str)> = purl.qualifiers().iter().collect();
        assert_eq!(pairs, [("a", "2"), ("m", "3"), ("z", "1")]);
        assert_eq!(purl.qualifiers().get("m"), Some("3"));
        assert_eq!(purl.qualifiers().get("b"), None);
        assert_eq!(purl.qualifiers().len(), 3);
    }

    #[test]
    fn without_version_keeps_everything_else() {
        let purl = Purl::parse("pkg:opam/tls@0.17.5?repository_url=x#y").unwrap();
        assert_eq!(
            purl.without_version().to_string(),
            "pkg:opam/tls?repository_url=x#y"
        );
    }

    #[test]
    fn from_str_is_the_strict_parser() {
        let purl: Purl = "pkg:opam/conex@1.0.0".parse().unwrap();
        assert_eq!(purl, Purl::parse("pkg:opam/conex@1.0.0").unwrap());
        assert!("pkg:gem/x?Platform=java".parse::<Purl>().is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_uses_the_canonical_string() {
        let purl = Purl::parse("PKG:opam/conf-g++@1").unwrap();
        let json = serde_json::to_string(&purl).unwrap();
        assert_eq!(json, r#""pkg:opam/conf-g%2B%2B@1""#);
        assert_eq!(serde_json::from_str::<Purl>(&json).unwrap(), purl);
        let err = serde_json::from_str::<Purl>(r#""pkg:opam/a/b""#).unwrap_err();
        assert!(
            err.to_string().contains("opam type has no namespace"),
            "{err}"
        );
    }

    #[test]
    fn components_are_decoded_with_qualifiers_by_key_or_none() {
        let purl = Purl::parse("pkg:opam/a%20b@1.0?z=2&a=1#sub/dir").unwrap();
        let components = purl.components();
        assert_eq!(components.package_type, "opam");
        assert_eq!(components.namespace, None);
        assert_eq!(components.name, "a b");
        assert_eq!(components.version, Some("1.0"));
        let qualifiers: Vec<_> = components.qualifiers.unwrap().into_iter().collect();
        assert_eq!(qualifiers, [("a", "1"), ("z", "2")]);
        assert_eq!(components.subpath, Some("sub/dir"));
        assert_eq!(
            Purl::parse("pkg:opam/x").unwrap().components().qualifiers,
            None
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn components_serialize_in_the_specification_order() {
        let purl = Purl::parse("pkg:opam/tls@0.17.5").unwrap();
        assert_eq!(
            serde_json::to_string(&purl.components()).unwrap(),
            r#"{"type":"opam","namespace":null,"name":"tls","version":"0.17.5","qualifiers":null,"subpath":null}"#
        );
    }

    #[test]
    fn a_parse_error_is_rendered_with_a_caret_under_its_text() {
        let input = "pkg:3nginx/nginx";
        let rendered = Purl::parse(input).unwrap_err().render_with_input(input);
        assert!(
            rendered.starts_with("error: invalid package URL: "),
            "{rendered}"
        );
        assert!(
            rendered.ends_with("\n --> column 5\n  |\n  | pkg:3nginx/nginx\n  |     ^^^^^^"),
            "{rendered}"
        );
    }
}
