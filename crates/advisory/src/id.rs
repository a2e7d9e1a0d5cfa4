//! Advisory identifiers: `OSEC-YYYY-NN`.

use std::fmt;
use std::str::FromStr;

/// The identifier of an OSEC advisory, `OSEC-<year>-<number>`, the number written with at
/// least two digits (`OSEC-2026-01`, `OSEC-2026-123`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AdvisoryId {
    year: u16,
    number: u32,
}

/// Why a text is not an advisory identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not an advisory ID of the form OSEC-YYYY-NN (four-digit year, number of two or more digits, from 01)"
)]
pub struct InvalidAdvisoryId {
    /// The rejected text.
    pub text: String,
}

impl AdvisoryId {
    /// The prefix every OSEC identifier starts with.
    pub const PREFIX: &'static str = "OSEC";

    /// The identifier for `year` and `number`; `None` if the year has not four digits or
    /// the number is 0.
    pub fn new(year: u16, number: u32) -> Option<AdvisoryId> {
        ((1000..=9999).contains(&year) && number > 0).then_some(AdvisoryId { year, number })
    }

    /// The year of the identifier.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The number within the year.
    pub fn number(self) -> u32 {
        self.number
    }
}

impl FromStr for AdvisoryId {
    type Err = InvalidAdvisoryId;

    fn from_str(text: &str) -> Result<AdvisoryId, InvalidAdvisoryId> {
        let invalid = || InvalidAdvisoryId {
            text: text.to_owned(),
        };
        let rest = text.strip_prefix("OSEC-").ok_or_else(invalid)?;
        let (year, number) = rest.split_once('-').ok_or_else(invalid)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !all_digits(year) || number.len() < 2 || !all_digits(number) {
            return Err(invalid());
        }
        // A number of three or more digits must not start with 0 (`OSEC-2026-001`).
        if number.len() > 2 && number.starts_with('0') {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let number = number.parse().map_err(|_| invalid())?;
        AdvisoryId::new(year, number).ok_or_else(invalid)
    }
}

impl fmt::Display for AdvisoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OSEC-{:04}-{:02}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_two_digit_numbers() {
        let id: AdvisoryId = "OSEC-2026-01".parse().unwrap();
        assert_eq!((id.year(), id.number()), (2026, 1));
        assert_eq!(id.to_string(), "OSEC-2026-01");
    }

    #[test]
    fn accepts_numbers_beyond_99() {
        let id: AdvisoryId = "OSEC-2026-123".parse().unwrap();
        assert_eq!(id.number(), 123);
        assert_eq!(id.to_string(), "OSEC-2026-123");
    }

    #[test]
    fn rejects_malformed_ids() {
        for text in [
            "OSEC-2026-1",
            "OSEC-26-01",
            "osec-2026-01",
            "OSEC-2026-00",
            "OSEC-2026-001",
            "OSEC-2026-0a",
            "RUSTSEC-2026-0001",
            "OSEC-2026",
            "",
        ] {
            assert!(text.parse::<AdvisoryId>().is_err(), "{text} accepted");
        }
    }

    #[test]
    fn orders_by_year_then_number() {
        let a: AdvisoryId = "OSEC-2025-10".parse().unwrap();
        let b: AdvisoryId = "OSEC-2026-02".parse().unwrap();
        let c: AdvisoryId = "OSEC-2026-10".parse().unwrap();
        assert!(a < b && b < c);
    }
}
