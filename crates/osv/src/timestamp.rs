//! OSV timestamps: RFC 3339 date-times in UTC, written with a `Z` suffix.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as OSV writes it: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
///
/// The text is kept exactly as given, so a record round-trips byte for byte;
/// comparisons use the instant it denotes.
#[derive(Debug, Clone)]
pub struct Timestamp {
    text: String,
    instant: jiff::Timestamp,
}

/// Why a string is not an OSV timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not an OSV timestamp: {reason} (expected RFC 3339 in UTC, like `2024-05-01T12:00:00Z`)"
)]
pub struct TimestampError {
    text: String,
    reason: String,
}

impl Timestamp {
    /// The timestamp exactly as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant this timestamp denotes.
    pub fn to_jiff(&self) -> jiff::Timestamp {
        self.instant
    }

    /// Builds the canonical OSV form of an instant (second precision, or
    /// more digits when the instant has a fraction).
    pub fn from_jiff(instant: jiff::Timestamp) -> Self {
        let text = if instant.subsec_nanosecond() == 0 {
            instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else {
            instant.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
        };
        Timestamp { text, instant }
    }
}

/// Checks the shape the OSV schema requires before asking jiff whether the
/// date and time exist (jiff alone also accepts offsets and other forms).
fn check_shape(text: &str) -> Result<(), &'static str> {
    let bytes = text.as_bytes();
    let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let byte_at = |i: usize, b: u8| bytes.get(i) == Some(&b);
    let date_ok = (0..4).all(digit_at)
        && byte_at(4, b'-')
        && (5..7).all(digit_at)
        && byte_at(7, b'-')
        && (8..10).all(digit_at);
    if !date_ok {
        return Err("the date is not written YYYY-MM-DD");
    }
    if !byte_at(10, b'T') {
        return Err("the date and time must be separated by an uppercase `T`");
    }
    let time_ok = (11..13).all(digit_at)
        && byte_at(13, b':')
        && (14..16).all(digit_at)
        && byte_at(16, b':')
        && (17..19).all(digit_at);
    if !time_ok {
        return Err("the time is not written HH:MM:SS");
    }
    let mut rest = bytes.get(19..).unwrap_or_default();
    if let Some((b'.', fraction)) = rest.split_first() {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err("a `.` must be followed by fractional-second digits");
        }
        rest = fraction.get(digits..).unwrap_or_default();
    }
    if rest != b"Z" {
        return Err("the time must end with `Z` (UTC)");
    }
    Ok(())
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| TimestampError {
            text: text.to_owned(),
            reason,
        };
        check_shape(text).map_err(|reason| error(reason.to_owned()))?;
        let instant = jiff::Timestamp::from_str(text).map_err(|e| error(e.to_string()))?;
        Ok(Timestamp {
            text: text.to_owned(),
            instant,
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// By instant; two spellings of the same instant are ordered by their text
    /// so that the order agrees with equality.
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_osv_records_use() {
        for text in [
            "2026-08-22T11:05:00Z",
            "2016-04-29T00:18:22Z",
            "2024-02-29T23:59:59.123456Z",
        ] {
            let ts: Timestamp = text.parse().unwrap();
            assert_eq!(ts.as_str(), text);
        }
    }

    #[test]
    fn rejects_offsets_lowercase_and_impossible_dates() {
        for (text, why) in [
            ("2026-08-22T11:05:00+00:00", "`Z`"),
            ("2026-08-22t11:05:00Z", "uppercase `T`"),
            ("2026-08-22 11:05:00Z", "uppercase `T`"),
            ("2026-8-22T11:05:00Z", "YYYY-MM-DD"),
            ("2026-08-22T11:05Z", "HH:MM:SS"),
            ("2026-08-22T11:05:00.Z", "fractional"),
            ("2026-02-30T11:05:00Z", "not an OSV timestamp"),
            ("2026-08-22T11:05:00", "`Z`"),
            ("", "YYYY-MM-DD"),
        ] {
            let err = text.parse::<Timestamp>().unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn orders_by_instant() {
        let a: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let b: Timestamp = "2026-01-01T00:00:00.5Z".parse().unwrap();
        assert!(a < b);
    }

    #[test]
    fn from_jiff_writes_the_canonical_form() {
        let instant: jiff::Timestamp = "2026-08-22T11:05:00Z".parse().unwrap();
        assert_eq!(
            Timestamp::from_jiff(instant).as_str(),
            "2026-08-22T11:05:00Z"
        );
    }
}
