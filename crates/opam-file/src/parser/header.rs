//! The `opam-version` header rules of opam-file-format 2.1.3 and later.

/// The file-format version this library reproduces, as opam-file-format's
/// `OpamBaseParser.version`: (2, 1) for 2.1.x. opam-file-format 2.2.0 uses (2, 2),
/// which only moves the threshold of the sentinel trap.
pub const LIBRARY_VERSION: (i64, i64) = (2, 1);

/// The (major, minor) of an `opam-version` string, as opam's `nopatch` computes it:
/// cut at the second `.`, or else keep the longest prefix of digits and dots; then
/// read `MAJOR.MINOR` or `MAJOR` (OCaml `Scanf` `%u`, which allows `_` after the
/// first digit); anything else is (0, 0).
pub fn nopatch(version: &[u8]) -> (i64, i64) {
    let first_dot = version.iter().position(|&b| b == b'.');
    let second_dot = first_dot.and_then(|first| {
        version[first + 1..]
            .iter()
            .position(|&b| b == b'.')
            .map(|i| first + 1 + i)
    });
    let cut = match second_dot {
        Some(end) => &version[..end],
        None => {
            let len = version
                .iter()
                .take_while(|&&b| b.is_ascii_digit() || b == b'.')
                .count();
            &version[..len]
        }
    };
    if let Some((major, rest)) = scan_unsigned(cut)
        && let Some(after_dot) = rest.strip_prefix(b".")
        && let Some((minor, b"")) = scan_unsigned(after_dot)
    {
        return (major, minor);
    }
    match scan_unsigned(cut) {
        Some((major, b"")) => (major, 0),
        _ => (0, 0),
    }
}

/// Scanf's `%u`: a digit, then digits or `_`; converted like `int_of_string "0u…"`
/// (values up to 2^63 - 1, wrapping into OCaml's negative ints above `max_int`).
fn scan_unsigned(text: &[u8]) -> Option<(i64, &[u8])> {
    if !text.first()?.is_ascii_digit() {
        return None;
    }
    let len = text
        .iter()
        .take_while(|&&b| b.is_ascii_digit() || b == b'_')
        .count();
    let mut value: u64 = 0;
    for &byte in &text[..len] {
        if byte != b'_' {
            value = value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
        }
    }
    if value > i64::MAX as u64 {
        return None;
    }
    const OCAML_MIN_INT_MAGNITUDE: u64 = 1 << 62;
    let wrapped = if value >= OCAML_MIN_INT_MAGNITUDE {
        i64::try_from(value).ok()? + i64::MIN
    } else {
        i64::try_from(value).ok()?
    };
    Some((wrapped, &text[len..]))
}

#[cfg(test)]
mod tests {
    use super::nopatch;

    #[test]
    fn nopatch_follows_opam() {
        assert_eq!(nopatch(b"2.0"), (2, 0));
        assert_eq!(nopatch(b"2.1.5"), (2, 1));
        assert_eq!(nopatch(b"2"), (2, 0));
        assert_eq!(nopatch(b"2."), (0, 0));
        assert_eq!(nopatch(b"2.1~rc1"), (2, 1));
        assert_eq!(nopatch(b"2.1~rc.1"), (0, 0));
        assert_eq!(nopatch(b"1_2.3.4"), (12, 3));
        assert_eq!(nopatch(b""), (0, 0));
        assert_eq!(nopatch(b"x"), (0, 0));
    }
}
