//! Parsing a package URL string and building one from components.
//!
//! Both produce [`Parts`] (the components after the generic syntax rules)
//! and hand them to [`rules::apply`] for the type's rules.
//!
//! Parsing follows the specification's "how to parse" steps, corrected where
//! the test suite decides otherwise: the subpath is split off at the last
//! `#`, the qualifiers at the last `?`, the scheme at the first `:`; after
//! `pkg:` any number of `/` is skipped; the type runs to the next `/`; the
//! version is split off at the last `@` of the rest, before the name is split
//! from the namespace, so a version may hold `/` (`pkg:opam/git@3/16.1`, the
//! opam type definition's own example, is `git` at `3/16.1`); an `@` that
//! starts a path segment belongs to the namespace when no `@` follows it
//! (so `pkg:npm/@babel/core` has no version); a path that ends with `/` has
//! no name (the suite rejects `pkg:swift/github.com/Alamofire/@5.4.3`).

use std::ops::Range;

use crate::encoding::{DecodeError, decode};
use crate::error::{Component, Error, ErrorKind};
use crate::purl::Purl;
use crate::rules;

/// What to do with a qualifier key that has uppercase letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCase {
    /// Reject it: the standard says keys shall be lowercase.
    Strict,
    /// Lowercase it, as "how to parse" and the recommended tests do.
    Lowercase,
}

/// Components after the generic rules, decoded, before the type's rules.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) package_type: String,
    /// Non-empty segments without `/`.
    pub(crate) namespace: Vec<String>,
    /// Non-empty.
    pub(crate) name: String,
    /// Non-empty when present.
    pub(crate) version: Option<String>,
    /// Valid, unique keys; non-empty values.
    pub(crate) qualifiers: Vec<(String, String)>,
    /// Segments that are not empty, `.` or `..`, without `/`.
    pub(crate) subpath: Vec<String>,
}

/// Where each component is in the parsed input, to place type-rule errors.
#[derive(Debug, Default)]
struct Spans {
    package_type: Range<usize>,
    namespace: Range<usize>,
    name: Range<usize>,
    version: Range<usize>,
    qualifiers: Range<usize>,
    subpath: Range<usize>,
}

impl Spans {
    fn of(&self, component: Component) -> Range<usize> {
        match component {
            Component::Scheme => 0..0,
            Component::Type => self.package_type.clone(),
            Component::Namespace => self.namespace.clone(),
            Component::Name => self.name.clone(),
            Component::Version => self.version.clone(),
            Component::Qualifiers => self.qualifiers.clone(),
            Component::Subpath => self.subpath.clone(),
        }
    }
}

pub(crate) fn parse(input: &str, key_case: KeyCase) -> Result<Purl, Error> {
    let (before_subpath, subpath_text) = match input.rsplit_once('#') {
        Some((before, after)) => (before, Some(after)),
        None => (input, None),
    };
    let (before_qualifiers, qualifiers_text) = match before_subpath.rsplit_once('?') {
        Some((before, after)) => (before, Some(after)),
        None => (before_subpath, None),
    };
    let mut spans = Spans {
        qualifiers: before_qualifiers.len()..before_subpath.len(),
        subpath: before_subpath.len()..input.len(),
        ..Spans::default()
    };

    let Some((scheme, after_scheme)) = before_qualifiers.split_once(':') else {
        return Err(Error::new(
            ErrorKind::MissingScheme,
            Component::Scheme,
            "",
            "a package URL starts with `pkg:`",
        )
        .at(0..0));
    };
    if !scheme.eq_ignore_ascii_case("pkg") {
        return Err(Error::new(
            ErrorKind::MissingScheme,
            Component::Scheme,
            scheme,
            "the scheme must be `pkg`",
        )
        .at(0..scheme.len()));
    }

    let type_and_path = after_scheme.trim_start_matches('/');
    let type_start = before_qualifiers.len() - type_and_path.len();
    let (type_text, path) = match type_and_path.split_once('/') {
        Some((type_text, path)) => (type_text, Some(path)),
        None => (type_and_path, None),
    };
    spans.package_type = type_start..type_start + type_text.len();
    let package_type = check_type(type_text).map_err(|err| err.at(spans.package_type.clone()))?;

    let path = path.unwrap_or_default();
    let path_start = before_qualifiers.len() - path.len();
    let (name_path, version_text) = match path.rsplit_once('@') {
        // `@babel/core`: an `@` that opens a namespace segment, with a name after it.
        Some((before, after))
            if (before.is_empty() || before.ends_with('/')) && after.contains('/') =>
        {
            (path, None)
        }
        Some((before, after)) => (before, Some(after)),
        None => (path, None),
    };
    let name_end = path_start + name_path.len();
    spans.version = name_end..before_qualifiers.len();
    let version = match version_text {
        Some(text) => decode_component(text, Component::Version, name_end + 1)?,
        None => None,
    };

    if name_path.is_empty() || name_path.ends_with('/') {
        let message = if name_path.is_empty() {
            "a name is required after the type"
        } else {
            "a name is required; the path ends with `/`"
        };
        return Err(
            Error::new(ErrorKind::MissingName, Component::Name, "", message).at(name_end..name_end),
        );
    }
    let (namespace_text, name_text) = name_path.rsplit_once('/').unwrap_or(("", name_path));
    let name_start = name_end - name_text.len();
    spans.name = name_start..name_end;
    spans.namespace = path_start..path_start + namespace_text.len();
    let name = decode_component(name_text, Component::Name, name_start)?.unwrap_or_default();
    let namespace = decode_segments(namespace_text, Component::Namespace, path_start)?;

    let qualifiers = match qualifiers_text {
        Some(text) => parse_qualifiers(text, spans.qualifiers.start + 1, key_case)?,
        None => Vec::new(),
    };
    let subpath = match subpath_text {
        Some(text) => decode_segments(text, Component::Subpath, spans.subpath.start + 1)?,
        None => Vec::new(),
    };

    let parts = Parts {
        package_type,
        namespace,
        name,
        version,
        qualifiers,
        subpath,
    };
    rules::apply(parts).map_err(|err| {
        let span = spans.of(err.component());
        err.at(span)
    })
}

pub(crate) fn build(
    package_type: &str,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: Vec<(String, String)>,
    subpath: Option<&str>,
) -> Result<Purl, Error> {
    let package_type = check_type(package_type)?;
    let namespace = namespace
        .unwrap_or_default()
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(str::to_owned)
        .collect();
    let name = name.trim_matches('/');
    if name.is_empty() {
        return Err(Error::new(
            ErrorKind::MissingName,
            Component::Name,
            "",
            "a name is required",
        ));
    }
    let mut checked = Vec::with_capacity(qualifiers.len());
    for (key, value) in qualifiers {
        let key = key.to_ascii_lowercase();
        check_key(&key)?;
        push_unique(&mut checked, key, value)?;
    }
    checked.retain(|(_, value)| !value.is_empty());
    let subpath = subpath
        .unwrap_or_default()
        .split('/')
        .filter(|segment| !matches!(*segment, "" | "." | ".."))
        .map(str::to_owned)
        .collect();
    rules::apply(Parts {
        package_type,
        namespace,
        name: name.to_owned(),
        version: version.filter(|v| !v.is_empty()).map(str::to_owned),
        qualifiers: checked,
        subpath,
    })
}

/// Checks a type and returns it lowercase.
fn check_type(text: &str) -> Result<String, Error> {
    let mut bytes = text.bytes();
    let problem = match bytes.next() {
        None => Some("a type is required (such as `pkg:opam/…`)"),
        Some(first) if !first.is_ascii_alphabetic() => Some("a type starts with an ASCII letter"),
        Some(_) => bytes
            .any(|b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
            .then_some("a type has only ASCII letters, digits, `.` and `-`"),
    };
    match problem {
        Some(message) => Err(Error::new(
            ErrorKind::InvalidType,
            Component::Type,
            text,
            message,
        )),
        None => Ok(text.to_ascii_lowercase()),
    }
}

/// Checks a qualifier key: `[a-z][a-z0-9._-]*`.
fn check_key(key: &str) -> Result<(), Error> {
    let mut bytes = key.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if valid {
        return Ok(());
    }
    let message = if key.is_empty() {
        "a qualifier key is required before `=`"
    } else if key.bytes().any(|b| b.is_ascii_uppercase())
        && check_key(&key.to_ascii_lowercase()).is_ok()
    {
        "qualifier keys must be lowercase (a lenient parse lowercases them)"
    } else {
        "a qualifier key starts with a letter and has only `a-z`, `0-9`, `.`, `-` and `_`, unencoded"
    };
    Err(Error::new(
        ErrorKind::InvalidQualifierKey,
        Component::Qualifiers,
        key,
        message,
    ))
}

fn push_unique(pairs: &mut Vec<(String, String)>, key: String, value: String) -> Result<(), Error> {
    if pairs.iter().any(|(existing, _)| *existing == key) {
        return Err(Error::new(
            ErrorKind::DuplicateQualifierKey,
            Component::Qualifiers,
            key,
            "each qualifier key may appear only once",
        ));
    }
    pairs.push((key, value));
    Ok(())
}

/// Parses `k=v&k=v` starting at byte `start` of the input.
fn parse_qualifiers(
    text: &str,
    start: usize,
    key_case: KeyCase,
) -> Result<Vec<(String, String)>, Error> {
    let mut pairs = Vec::new();
    let mut offset = start;
    for pair in text.split('&') {
        let pair_start = offset;
        offset += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let span = pair_start..pair_start + pair.len();
        let Some((key, value)) = pair.split_once('=') else {
            return Err(Error::new(
                ErrorKind::QualifierWithoutEquals,
                Component::Qualifiers,
                pair,
                "a qualifier is `key=value`; this one has no `=`",
            )
            .at(span));
        };
        let key_span = pair_start..pair_start + key.len();
        let key = match key_case {
            KeyCase::Strict => key.to_owned(),
            KeyCase::Lowercase => key.to_ascii_lowercase(),
        };
        check_key(&key).map_err(|err| err.at(key_span.clone()))?;
        let value =
            decode_component(value, Component::Qualifiers, key_span.end + 1)?.unwrap_or_default();
        push_unique(&mut pairs, key, value).map_err(|err| err.at(key_span))?;
    }
    pairs.retain(|(_, value)| !value.is_empty());
    Ok(pairs)
}

/// Decodes one component starting at byte `start`; empty means absent.
fn decode_component(
    text: &str,
    component: Component,
    start: usize,
) -> Result<Option<String>, Error> {
    match decode(text) {
        Ok(decoded) if decoded.is_empty() => Ok(None),
        Ok(decoded) => Ok(Some(decoded.into_owned())),
        Err(err) => Err(decode_error(err, text, component, start)),
    }
}

/// Decodes `/`-separated segments starting at byte `start`, dropping empty
/// ones and, in a subpath, `.` and `..`.
fn decode_segments(text: &str, component: Component, start: usize) -> Result<Vec<String>, Error> {
    let mut segments = Vec::new();
    let mut offset = start;
    for raw in text.split('/') {
        let segment_start = offset;
        offset += raw.len() + 1;
        let Some(segment) = decode_component(raw, component, segment_start)? else {
            continue;
        };
        if segment.contains('/') {
            return Err(Error::new(
                ErrorKind::SlashInSegment,
                component,
                segment,
                "a decoded segment must not contain `/`",
            )
            .at(segment_start..segment_start + raw.len()));
        }
        if component == Component::Subpath && matches!(segment.as_str(), "." | "..") {
            continue;
        }
        segments.push(segment);
    }
    Ok(segments)
}

fn decode_error(err: DecodeError, text: &str, component: Component, start: usize) -> Error {
    match err {
        DecodeError::MalformedEscape { at } => {
            let escape: String = text.get(at..).unwrap_or_default().chars().take(3).collect();
            let span = start + at..start + at + escape.len();
            Error::new(
                ErrorKind::MalformedEscape,
                component,
                escape,
                "`%` must be followed by two hexadecimal digits (write `%25` for a literal `%`)",
            )
            .at(span)
        }
        DecodeError::InvalidUtf8 => Error::new(
            ErrorKind::InvalidUtf8,
            component,
            text,
            "the percent-decoded bytes are not UTF-8",
        )
        .at(start..start + text.len()),
    }
}
