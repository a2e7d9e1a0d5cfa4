//! Package versions and opam's version order (OpamVersionCompare).
//!
//! The order is Debian's without epochs: a version is split at its last `-` into an
//! upstream part and a revision; each part is compared as alternating runs of
//! non-digits (byte by byte, `~` before the end, the end before letters, letters
//! before every other byte) and digits (by numeric value, so `1.0 = 1.00`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use crate::error::{Error, InvalidText, TextKind};

/// A package version, such as `1.2.3~beta1-2`.
///
/// Ordered by opam's version order; two versions are equal when opam considers them
/// equal (`1.0 == 1.00 == 1.0-0`), and [`Hash`] agrees with that equality. The text
/// as written is kept for display ([`Version::as_str`]).
#[derive(Clone)]
pub struct Version {
    text: Box<str>,
}

impl Version {
    /// Parses a version, checking opam's rule: non-empty, made only of ASCII
    /// letters, digits and `-_+.~`.
    pub fn parse(text: &str) -> Result<Version, Error> {
        check_version_text(text)?;
        Ok(Version { text: text.into() })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A form of the text in which versions equal in opam's order are identical
    /// byte strings (leading zeros of numbers, trailing zero numbers and empty or
    /// zero revisions removed). Used for hashing; useful as a map key for text.
    pub fn normalised(&self) -> String {
        normalised_text(&self.text)
    }
}

/// Checks that `text` is a valid version, as opam's `Version.of_string` does.
pub(crate) fn check_version_text(text: &str) -> Result<(), Error> {
    if text.is_empty() {
        return Err(Error::InvalidText(InvalidText {
            kind: TextKind::Version,
            text: String::new(),
            offset: 0,
            reason: "a version can't be empty".into(),
        }));
    }
    if let Some((offset, c)) = text.char_indices().find(|&(_, c)| !is_version_char(c)) {
        return Err(Error::InvalidText(InvalidText {
            kind: TextKind::Version,
            text: text.into(),
            offset,
            reason: format!(
                "invalid character {c:?}: a version may only contain ASCII letters, digits and `-_+.~`"
            ),
        }));
    }
    Ok(())
}

fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.' | '~')
}

impl FromStr for Version {
    type Err = Error;
    fn from_str(s: &str) -> Result<Version, Error> {
        Version::parse(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({:?})", &*self.text)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        compare_versions(&self.text, &other.text) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        compare_versions(&self.text, &other.text)
    }
}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalised().hash(state);
    }
}

/// `A < B`, `A = B` or `A > B` in opam's version order (`osec opam compare`).
pub fn order_text(a: &Version, b: &Version) -> String {
    let symbol = match a.cmp(b) {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    };
    format!("{a} {symbol} {b}")
}

/// Compares two strings with opam's version order (OpamVersionCompare, without the
/// epochs that opam dropped in 2.3). Any strings are accepted: filters compare
/// arbitrary strings with this order.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (upstream_a, revision_a) = split_revision(a.as_bytes());
    let (upstream_b, revision_b) = split_revision(b.as_bytes());
    compare_part(upstream_a, upstream_b).then_with(|| compare_part(revision_a, revision_b))
}

/// Splits at the last `-`: (upstream, revision); the revision is empty without `-`.
fn split_revision(text: &[u8]) -> (&[u8], &[u8]) {
    match text.iter().rposition(|&c| c == b'-') {
        Some(dash) => (&text[..dash], &text[dash + 1..]),
        None => (text, &[]),
    }
}

/// The rank of a non-digit byte: `~` first, then letters, then everything else.
fn char_rank(c: u8) -> (u8, u8) {
    if c == b'~' {
        (0, c)
    } else if c.is_ascii_alphabetic() {
        (1, c)
    } else {
        (2, c)
    }
}

/// What remains of a part once the other is exhausted: equal if only zeros remain,
/// smaller if a `~` comes first, greater otherwise (seen from the side that remains).
fn compare_rest(rest: &[u8]) -> Ordering {
    match rest.iter().find(|&&c| c != b'0') {
        None => Ordering::Equal,
        Some(b'~') => Ordering::Less,
        Some(_) => Ordering::Greater,
    }
}

fn digit_run(text: &[u8], start: usize) -> usize {
    text[start..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(text.len(), |n| start + n)
}

fn compare_part(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return compare_rest(&b[j..]).reverse(),
            (Some(_), None) => return compare_rest(&a[i..]),
            (Some(&ca), Some(&cb)) => match (ca.is_ascii_digit(), cb.is_ascii_digit()) {
                (true, true) => {
                    while a.get(i) == Some(&b'0') {
                        i += 1;
                    }
                    while b.get(j) == Some(&b'0') {
                        j += 1;
                    }
                    let (end_a, end_b) = (digit_run(a, i), digit_run(b, j));
                    let order = (end_a - i)
                        .cmp(&(end_b - j))
                        .then_with(|| a[i..end_a].cmp(&b[j..end_b]));
                    if order != Ordering::Equal {
                        return order;
                    }
                    i = end_a;
                    j = end_b;
                }
                (true, false) => {
                    return if cb == b'~' {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    };
                }
                (false, true) => {
                    return if ca == b'~' {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    };
                }
                (false, false) => {
                    let order = char_rank(ca).cmp(&char_rank(cb));
                    if order != Ordering::Equal {
                        return order;
                    }
                    i += 1;
                    j += 1;
                }
            },
        }
    }
}

/// See [`Version::normalised`]: the upstream part and the revision, each normalised,
/// joined by `-` (the revision contains no `-`, so the form is unambiguous).
fn normalised_text(text: &str) -> String {
    let (upstream, revision) = split_revision(text.as_bytes());
    let mut out = Vec::with_capacity(text.len() + 1);
    normalise_part(upstream, &mut out);
    out.push(b'-');
    normalise_part(revision, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Numbers lose their leading zeros (a zero stays `0`); a final run of zeros, which
/// compares equal to nothing, is dropped.
fn normalise_part(part: &[u8], out: &mut Vec<u8>) {
    let mut last_run_was_zero_at = None;
    let mut i = 0;
    while let Some(&c) = part.get(i) {
        if c.is_ascii_digit() {
            let end = digit_run(part, i);
            let digits = &part[i..end];
            let significant = digits.iter().position(|&d| d != b'0');
            last_run_was_zero_at = None;
            match significant {
                Some(first) => out.extend_from_slice(&digits[first..]),
                None => {
                    last_run_was_zero_at = Some(out.len());
                    out.push(b'0');
                }
            }
            i = end;
        } else {
            last_run_was_zero_at = None;
            out.push(c);
            i += 1;
        }
    }
    if let Some(at) = last_run_was_zero_at {
        out.truncate(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The 47 comparisons of the research notes (§2.3), each verified with opam 2.1.2.
    const NOTES_EXAMPLES: &[(&str, char, &str)] = &[
        ("1.0", '=', "1.00"),
        ("1.0", '<', "1.0.0"),
        ("1", '<', "1.0"),
        ("1.0~beta", '<', "1.0"),
        ("1.0~~", '<', "1.0~"),
        ("1.0~", '<', "1.0~beta"),
        ("1.0~rc1", '>', "1.0~beta2"),
        ("1.0-1", '>', "1.0"),
        ("1.0-0", '=', "1.0"),
        ("1.0a", '>', "1.0-1"),
        ("1.0a", '<', "1.0+a"),
        ("1.0+a", '<', "1.0.0"),
        ("1.0.a", '>', "1.0.1"),
        ("0.9.10", '>', "0.9.9"),
        ("v1.0", '>', "10"),
        ("v0.9.0", '>', "113.33.03"),
        ("0.01.0", '=', "0.1.0"),
        ("1.2.3", '>', "1.2.3~preview"),
        ("1.2.3", '<', "1.2.3-option"),
        ("A", '<', "a"),
        ("1.0a", '>', "1.0B"),
        ("1.0-1", '<', "1.0-a"),
        ("1-2-3", '>', "1-2.3"),
        ("1.0-", '=', "1.0"),
        ("1~", '<', "1"),
        ("1.0~~a", '<', "1.0~"),
        ("1_0", '>', "1.0"),
        ("1.0+0", '>', "1.0"),
        ("1.0.0", '=', "1.0.00"),
        ("1.01", '=', "1.1"),
        ("1.10", '>', "1.9"),
        ("2.0~beta1", '<', "2.0~beta1+dev"),
        ("4.14.0+options", '>', "4.14.0"),
        ("4.14.0~alpha1", '>', "4.14.0~~"),
        ("2.1.0~~", '<', "2.1.0~rc1"),
        ("1.0.0-1", '<', "1.0.0-1.1"),
        ("0", '=', "00"),
        ("0", '<', "0.0"),
        ("1a", '<', "1aa"),
        ("1.0-rc1", '>', "1.0~rc1"),
        ("dev", '>', "1.0"),
        ("a", '=', "a0"),
        ("1.0", '<', "1.0."),
        ("1..0", '>', "1.0"),
        ("1.0a", '=', "1.00a"),
        ("1~2", '<', "1"),
        ("1.0-1-1", '>', "1.0-1"),
    ];

    fn expected(op: char) -> Ordering {
        match op {
            '<' => Ordering::Less,
            '=' => Ordering::Equal,
            _ => Ordering::Greater,
        }
    }

    #[test]
    fn orders_the_47_examples_of_the_notes_as_opam() {
        assert_eq!(NOTES_EXAMPLES.len(), 47);
        for &(a, op, b) in NOTES_EXAMPLES {
            assert_eq!(compare_versions(a, b), expected(op), "{a} {op} {b}");
            assert_eq!(compare_versions(b, a), expected(op).reverse(), "{b} vs {a}");
            let (a, b) = (Version::parse(a).unwrap(), Version::parse(b).unwrap());
            assert_eq!(a.normalised() == b.normalised(), op == '=', "{a} {op} {b}");
        }
    }

    #[test]
    fn orders_the_manual_reference_sequence() {
        let sequence = [
            "~~", "~", "~beta2", "~beta10", "0.1", "1.0~beta", "1.0", "1.0-test", "1.0.1",
            "1.0.10", "dev", "trunk",
        ];
        for pair in sequence.windows(2) {
            assert_eq!(
                compare_versions(pair[0], pair[1]),
                Ordering::Less,
                "{pair:?}"
            );
        }
    }

    #[test]
    fn equal_versions_keep_their_own_text() {
        let a = Version::parse("1.0").unwrap();
        let b = Version::parse("1.00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "1.0");
        assert_eq!(b.to_string(), "1.00");
        let set: std::collections::HashSet<Version> = [a, b].into_iter().collect();
        assert_eq!(set.len(), 1);
        // Debug shows the text as written, not the normalised form.
        assert_eq!(
            format!("{:?}", Version::parse("1.00~b").unwrap()),
            r#"Version("1.00~b")"#
        );
    }

    #[test]
    fn rejects_empty_and_bad_characters_with_position() {
        let err = Version::parse("").unwrap_err();
        assert!(err.to_string().contains("can't be empty"), "{err}");
        let err = Version::parse("1.0 beta").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid version \"1.0 beta\" at column 4: invalid character ' ': a version may only contain ASCII letters, digits and `-_+.~`"
        );
        assert!(Version::parse("1.0:2").is_err());
        assert!(Version::parse("1.0~beta+dev_1-2").is_ok());
    }

    #[test]
    fn normalises_to_the_same_text_exactly_when_equal() {
        assert_eq!(normalised_text("1.00-0"), normalised_text("1.0"));
        assert_eq!(normalised_text("a00"), normalised_text("a"));
        assert_ne!(normalised_text("a0.b"), normalised_text("a.b"));
        assert_ne!(normalised_text("1-2-3"), normalised_text("1-2.3"));
    }

    fn version_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[0a~.+1B_-]{0,6}").unwrap()
    }

    proptest! {
        /// The strategy draws version text only (a regex range such as `+-1` would
        /// also draw `,` and `/`).
        #[test]
        fn version_text_is_made_of_version_characters(a in version_text()) {
            prop_assert!(a.is_empty() || Version::parse(&a).is_ok(), "{a:?}");
        }

        #[test]
        fn compare_is_antisymmetric(a in version_text(), b in version_text()) {
            prop_assert_eq!(compare_versions(&a, &b), compare_versions(&b, &a).reverse());
        }

        #[test]
        fn compare_is_transitive(a in version_text(), b in version_text(), c in version_text()) {
            let ab = compare_versions(&a, &b);
            if ab != Ordering::Greater && compare_versions(&b, &c) != Ordering::Greater {
                prop_assert_ne!(compare_versions(&a, &c), Ordering::Greater);
            }
        }

        #[test]
        fn normalised_text_is_equal_iff_versions_are(a in version_text(), b in version_text()) {
            prop_assert_eq!(
                compare_versions(&a, &b) == Ordering::Equal,
                normalised_text(&a) == normalised_text(&b)
            );
        }
    }
}
