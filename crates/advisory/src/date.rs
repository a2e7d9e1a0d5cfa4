//! RFC 3339 timestamps, as the header's `modified`, `published` and `withdrawn` hold.

use jiff::Timestamp;

/// Why a text is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an RFC 3339 date-time such as 2026-01-31T12:00:00Z: {reason}")]
pub struct InvalidDate {
    /// The rejected text.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, strictly: the `T` and the offset
/// are required, as in RFC 3339 section 5.6.
pub fn parse_date(text: &str) -> Result<Timestamp, InvalidDate> {
    let invalid = |reason: &str| InvalidDate {
        text: text.to_owned(),
        reason: reason.to_owned(),
    };
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() >= 20
        && bytes.iter().take(19).enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(invalid("expected YYYY-MM-DDTHH:MM:SS"));
    }
    let mut rest = text.get(19..).unwrap_or("");
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid("a `.` must be followed by digits"));
        }
        rest = fraction.get(digits..).unwrap_or("");
    }
    let offset_ok = rest == "Z" || {
        let b = rest.as_bytes();
        b.len() == 6
            && matches!(b.first(), Some(b'+' | b'-'))
            && b.get(3) == Some(&b':')
            && [1, 2, 4, 5]
                .iter()
                .all(|&i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    if !offset_ok {
        return Err(invalid("expected the offset `Z` or `±HH:MM` at the end"));
    }
    text.parse::<Timestamp>()
        .map_err(|err| invalid(&err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_utc_offsets_and_fractions() {
        assert!(parse_date("2026-01-01T12:00:00Z").is_ok());
        assert!(parse_date("2018-04-06T18:29:00.207Z").is_ok());
        let with_offset = parse_date("2026-05-28T09:59:44+01:00").unwrap();
        assert_eq!(with_offset, parse_date("2026-05-28T08:59:44Z").unwrap());
    }

    #[test]
    fn rejects_non_rfc3339_text() {
        for text in [
            "2026-01-01",
            "2026-01-01 12:00:00Z",
            "2026-01-01T12:00:00",
            "2026-13-01T12:00:00Z",
            "2026-02-30T12:00:00Z",
            "2026-01-01T25:00:00Z",
            "2026-01-01T12:00:00.Z",
            "2026-01-01T12:00:00+0100",
            "yesterday",
        ] {
            assert!(parse_date(text).is_err(), "{text} accepted");
        }
    }
}
