//! Short byte strings and identifiers kept inline in the tree.
//!
//! Most strings and identifiers of an opam file are short: field names, package
//! names, versions, filter variables. Held in a `Vec<u8>` or `String`, each costs an
//! allocation when the tree is built and a free when it is dropped, which was most of
//! the time left in parsing the 18,793 files of opam-repository. [`SmallBytes`] and
//! [`SmallString`] keep up to [`INLINE_CAPACITY`] bytes in place and put only longer
//! texts on the heap, in the 24 bytes of a `Vec`. Both dereference to their text
//! (`&[u8]`, `&str`) and compare, order and hash as that text does.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// How many bytes [`SmallBytes`] and [`SmallString`] hold without allocating.
pub const INLINE_CAPACITY: usize = 22;

/// A byte string, inline up to [`INLINE_CAPACITY`] bytes, else on the heap.
#[derive(Clone)]
pub struct SmallBytes(Repr);

#[derive(Clone)]
enum Repr {
    /// `len <= INLINE_CAPACITY`; the bytes after `len` mean nothing.
    Inline {
        len: u8,
        bytes: [u8; INLINE_CAPACITY],
    },
    /// Longer than `INLINE_CAPACITY`.
    Heap(Box<[u8]>),
}

const _: () = assert!(std::mem::size_of::<SmallBytes>() == std::mem::size_of::<Vec<u8>>());

impl SmallBytes {
    /// The empty byte string.
    pub const fn new() -> SmallBytes {
        SmallBytes(Repr::Inline {
            len: 0,
            bytes: [0; INLINE_CAPACITY],
        })
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Heap(bytes) => bytes,
        }
    }

    /// The bytes `src[start..end]` (empty if out of bounds). When the text is short
    /// and `src` has `INLINE_CAPACITY` bytes from `start`, they are copied as one
    /// fixed-size block: cheaper than a call to `memcpy` for a variable length.
    pub(crate) fn from_range(src: &[u8], start: usize, end: usize) -> SmallBytes {
        let len = end.saturating_sub(start);
        if let (Some(window), Ok(len)) =
            (src.get(start..start + INLINE_CAPACITY), u8::try_from(len))
            && usize::from(len) <= INLINE_CAPACITY
            && end <= src.len()
        {
            let mut bytes = [0; INLINE_CAPACITY];
            bytes.copy_from_slice(window);
            return SmallBytes(Repr::Inline { len, bytes });
        }
        SmallBytes::from(src.get(start..end).unwrap_or_default())
    }

    /// A copy of the bytes in a `Vec`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }

    /// Whether the bytes are kept inline (no allocation).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

impl Default for SmallBytes {
    fn default() -> SmallBytes {
        SmallBytes::new()
    }
}

impl From<&[u8]> for SmallBytes {
    fn from(text: &[u8]) -> SmallBytes {
        let mut bytes = [0; INLINE_CAPACITY];
        match (bytes.get_mut(..text.len()), u8::try_from(text.len())) {
            (Some(prefix), Ok(len)) => {
                prefix.copy_from_slice(text);
                SmallBytes(Repr::Inline { len, bytes })
            }
            _ => SmallBytes(Repr::Heap(text.into())),
        }
    }
}

impl<const N: usize> From<&[u8; N]> for SmallBytes {
    fn from(text: &[u8; N]) -> SmallBytes {
        SmallBytes::from(&text[..])
    }
}

impl From<Vec<u8>> for SmallBytes {
    fn from(text: Vec<u8>) -> SmallBytes {
        if text.len() <= INLINE_CAPACITY {
            SmallBytes::from(text.as_slice())
        } else {
            SmallBytes(Repr::Heap(text.into_boxed_slice()))
        }
    }
}

impl From<&str> for SmallBytes {
    fn from(text: &str) -> SmallBytes {
        SmallBytes::from(text.as_bytes())
    }
}

impl From<String> for SmallBytes {
    fn from(text: String) -> SmallBytes {
        SmallBytes::from(text.into_bytes())
    }
}

impl From<SmallBytes> for Vec<u8> {
    fn from(text: SmallBytes) -> Vec<u8> {
        match text.0 {
            Repr::Inline { .. } => text.to_vec(),
            Repr::Heap(bytes) => bytes.into_vec(),
        }
    }
}

impl Deref for SmallBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for SmallBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<[u8]> for SmallBytes {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for SmallBytes {
    /// As the `Vec<u8>` it replaces: a list of numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_bytes(), f)
    }
}

impl PartialEq for SmallBytes {
    fn eq(&self, other: &SmallBytes) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallBytes {}

impl PartialOrd for SmallBytes {
    fn partial_cmp(&self, other: &SmallBytes) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SmallBytes {
    fn cmp(&self, other: &SmallBytes) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for SmallBytes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq<[u8]> for SmallBytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl PartialEq<&[u8]> for SmallBytes {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_bytes() == *other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for SmallBytes {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.as_bytes() == other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for SmallBytes {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.as_bytes() == *other
    }
}

impl PartialEq<Vec<u8>> for SmallBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_bytes() == other.as_slice()
    }
}

/// A UTF-8 string, inline up to [`INLINE_CAPACITY`] bytes, else on the heap: the
/// names of fields and sections and the identifiers of the tree.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SmallString(SmallBytes);

impl SmallString {
    /// The empty string.
    pub const fn new() -> SmallString {
        SmallString(SmallBytes::new())
    }

    /// The identifier `src[start..end]`, whose bytes the lexer has checked to be
    /// ASCII: copied without UTF-8 validation.
    pub(crate) fn from_lexed_ident(src: &[u8], start: usize, end: usize) -> SmallString {
        SmallString(SmallBytes::from_range(src, start, end))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Every constructor starts from a `&str`, a `String` or the ASCII bytes of
        // an identifier, so the bytes are UTF-8 and the empty fallback is never
        // taken. Without `unsafe`, `&str` needs this check; on texts this short it
        // costs far less than the allocation it replaces, and comparisons with
        // `&str` skip it (they compare bytes).
        std::str::from_utf8(self.0.as_bytes()).unwrap_or_default()
    }

    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl From<&str> for SmallString {
    fn from(text: &str) -> SmallString {
        SmallString(SmallBytes::from(text))
    }
}

impl From<String> for SmallString {
    fn from(text: String) -> SmallString {
        SmallString(SmallBytes::from(text))
    }
}

impl From<&String> for SmallString {
    fn from(text: &String) -> SmallString {
        SmallString::from(text.as_str())
    }
}

impl From<SmallString> for String {
    fn from(text: SmallString) -> String {
        text.as_str().to_owned()
    }
}

impl Deref for SmallString {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SmallString {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for SmallString {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<str> for SmallString {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for SmallString {
    /// As `str` does, so that a `HashMap<SmallString, _>` can be looked up by `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SmallString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SmallString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for SmallString {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for SmallString {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for SmallString {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<SmallString> for str {
    fn eq(&self, other: &SmallString) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<SmallString> for &str {
    fn eq(&self, other: &SmallString) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_inline_and_long_ones_on_the_heap() {
        let short = SmallBytes::from(&b"conf-pkg-config"[..]);
        assert!(short.is_inline());
        assert_eq!(short, b"conf-pkg-config");
        let limit = SmallBytes::from(vec![b'x'; INLINE_CAPACITY]);
        assert!(limit.is_inline());
        assert_eq!(limit.len(), INLINE_CAPACITY);
        let long = SmallBytes::from(vec![b'y'; INLINE_CAPACITY + 1]);
        assert!(!long.is_inline());
        assert_eq!(long.as_bytes(), vec![b'y'; INLINE_CAPACITY + 1].as_slice());
        assert_eq!(Vec::from(long.clone()), long.to_vec());
        assert!(SmallBytes::new().is_empty());
    }

    #[test]
    fn ranges_of_a_source_near_its_end_and_out_of_bounds() {
        let src = b"name: \"x\" depends: [\"a-rather-long-package-name\"]";
        for start in 0..=src.len() {
            for end in start..=src.len() {
                let small = SmallBytes::from_range(src, start, end);
                assert_eq!(small.as_bytes(), &src[start..end]);
                assert_eq!(small.is_inline(), end - start <= INLINE_CAPACITY);
            }
        }
        assert!(SmallBytes::from_range(src, 3, 1000).is_empty());
        assert!(SmallBytes::from_range(src, 1000, 1001).is_empty());
        assert_eq!(SmallString::from_lexed_ident(b"os = x", 0, 2), "os");
    }

    #[test]
    fn compares_orders_and_prints_as_the_text() {
        let a = SmallString::from("build");
        let b = SmallString::from("x".repeat(40));
        assert_eq!(a, "build");
        assert_eq!("build", a);
        assert!(a < b);
        assert_eq!(format!("{a} {a:?}"), "build \"build\"");
        assert_eq!(format!("{:?}", SmallBytes::from("ab")), "[97, 98]");
        let mut set = std::collections::HashSet::new();
        set.insert(a.clone());
        assert!(set.contains("build"));
    }
}

#[cfg(test)]
mod size {
    use crate::ast::{Value, ValueKind};

    #[test]
    fn inline_texts_do_not_grow_the_tree() {
        // Both as with the `Vec<u8>`/`String` they replaced.
        assert_eq!(std::mem::size_of::<ValueKind>(), 40);
        assert_eq!(std::mem::size_of::<Value>(), 48);
    }
}
