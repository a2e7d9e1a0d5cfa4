//! Percent-encoding and decoding of components (ECMA-427 "Character encoding").
//!
//! Encoding keeps ASCII letters, digits, `.`, `-`, `_`, `~` and `:`, and
//! writes every other byte of the UTF-8 text as `%XX` with uppercase hex.
//! Decoding turns every `%XX` back into a byte, requires the result to be
//! UTF-8, and leaves `+` alone (it is not a space in a package URL).

use std::borrow::Cow;
use std::fmt;

/// A byte written as itself in a canonical component.
fn is_kept(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':')
}

/// Writes `text` percent-encoded to `out`, kept bytes in runs.
pub(crate) fn encode_into<W: fmt::Write>(out: &mut W, text: &str) -> fmt::Result {
    let mut rest = text.as_bytes();
    loop {
        let kept = rest.iter().position(|b| !is_kept(*b)).unwrap_or(rest.len());
        let (run, after) = rest.split_at(kept);
        // Kept bytes are ASCII, so a run of them is always a `str`.
        out.write_str(std::str::from_utf8(run).unwrap_or_default())?;
        let Some((byte, after)) = after.split_first() else {
            break;
        };
        write!(out, "%{byte:02X}")?;
        rest = after;
    }
    Ok(())
}

/// Why a component could not be percent-decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// `%` at this byte offset is not followed by two hex digits.
    MalformedEscape {
        /// Byte offset of the `%` in the component.
        at: usize,
    },
    /// The decoded bytes are not UTF-8.
    InvalidUtf8,
}

/// Percent-decodes `text`.
pub(crate) fn decode(text: &str) -> Result<Cow<'_, str>, DecodeError> {
    if !text.contains('%') {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = bytes.get(index + 1).and_then(|b| hex_value(*b));
            let low = bytes.get(index + 2).and_then(|b| hex_value(*b));
            match (high, low) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    index += 3;
                }
                _ => return Err(DecodeError::MalformedEscape { at: index }),
            }
        } else {
            out.push(byte);
            index += 1;
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| DecodeError::InvalidUtf8)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str) -> String {
        let mut out = String::new();
        encode_into(&mut out, text).unwrap();
        out
    }

    #[test]
    fn encode_keeps_unreserved_and_colon_and_escapes_the_rest_uppercase() {
        assert_eq!(encode("aZ09.-_~:"), "aZ09.-_~:");
        assert_eq!(
            encode("a/b+c@d e,f=g&h#i?j%k"),
            "a%2Fb%2Bc%40d%20e%2Cf%3Dg%26h%23i%3Fj%25k"
        );
        assert_eq!(encode("café"), "caf%C3%A9");
        assert_eq!(encode("\u{7f}\n"), "%7F%0A");
    }

    #[test]
    fn decode_accepts_either_hex_case_and_keeps_plus() {
        assert_eq!(decode("a%2fb%2F%3a+").as_deref(), Ok("a/b/:+"));
        assert_eq!(decode("caf%C3%A9").as_deref(), Ok("café"));
        assert_eq!(decode("plain").as_deref(), Ok("plain"));
    }

    #[test]
    fn decode_rejects_malformed_escapes_with_their_offset() {
        assert_eq!(decode("ab%zz"), Err(DecodeError::MalformedEscape { at: 2 }));
        assert_eq!(decode("ab%4"), Err(DecodeError::MalformedEscape { at: 2 }));
        assert_eq!(decode("%"), Err(DecodeError::MalformedEscape { at: 0 }));
        assert_eq!(decode("%%41"), Err(DecodeError::MalformedEscape { at: 0 }));
    }

    #[test]
    fn decode_rejects_bytes_that_are_not_utf8() {
        assert_eq!(decode("%C3"), Err(DecodeError::InvalidUtf8));
        assert_eq!(decode("%FF%FE"), Err(DecodeError::InvalidUtf8));
    }

    #[test]
    fn decode_inverts_encode() {
        for text in ["", "a b", "1:2.4+b1", "%", "名前/ünïcode", "\u{0}"] {
            assert_eq!(decode(&encode(text)).as_deref(), Ok(text));
        }
    }
}
