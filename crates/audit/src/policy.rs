//! What the user decided about findings: `osec.toml` `[[ignore]]` entries and
//! `--ignore`, the severity threshold, and whether development-only findings count.
//!
//! ```toml
//! [[ignore]]
//! id = "OSEC-2026-16"          # or any alias (CVE-…)
//! reason = "cohttp is only used as a client here"   # required
//! until = "2026-12-31"         # optional: the ignore stops applying after this day
//! ```
//!
//! osv-scanner's `osv-scanner.toml` is read too, for its `[[IgnoredVulns]]` (its
//! other tables, `[[PackageOverrides]]` and the like, are osv-scanner's own):
//!
//! ```toml
//! [[IgnoredVulns]]
//! id = "CVE-2026-28364"        # or the OSEC ID, or any alias
//! ignoreUntil = 2026-12-31     # optional, a TOML date or date-time: the ignore stops at that moment
//! reason = "…"                 # optional there
//! ```
//!
//! An ignore matches a finding by its ID or any of its aliases, so ignoring a CVE
//! ignores the OSEC record that lists it.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::scan::{Finding, Severity};

/// A problem with a configuration file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or not in the expected shape.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong, and what to write instead.
        message: String,
    },
}

/// One `[[ignore]]` entry (or `--ignore ID`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignore {
    /// The vulnerability ID or one of its aliases.
    pub id: String,
    /// Why it is ignored (required in `osec.toml`; `--ignore` gives "ignored on the command line").
    pub reason: String,
    /// The last day the ignore applies (UTC); after it, the finding is
    /// reported again and the ignore is a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// An `[[ignore]]` entry as written, with the places of its values (for
/// errors), before its date is checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    id: toml::Spanned<String>,
    reason: String,
    #[serde(default)]
    until: Option<toml::Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

/// `osv-scanner.toml`: the `[[IgnoredVulns]]` osec applies; other tables are
/// osv-scanner's and left alone.
#[derive(Debug, Deserialize)]
struct OsvScannerFile {
    #[serde(default, rename = "IgnoredVulns")]
    ignored_vulns: Vec<IgnoredVuln>,
}

/// One `[[IgnoredVulns]]` entry; a misspelt key is an error rather than an ignore
/// that never expires.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoredVuln {
    id: String,
    #[serde(default, rename = "ignoreUntil")]
    ignore_until: Option<toml::Spanned<toml::value::Datetime>>,
    #[serde(default)]
    reason: String,
}

/// Everything that decides which findings are reported and which fail the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Ignored vulnerabilities.
    pub ignores: Vec<Ignore>,
    /// Findings below this level are reported as below threshold and do not fail the run.
    pub threshold: Severity,
    /// Leave out findings reached only through test, doc or dev dependencies.
    pub skip_development: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            ignores: Vec::new(),
            threshold: Severity::None,
            skip_development: false,
        }
    }
}

/// A policy problem the user should hear about, without failing the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PolicyWarning {
    /// An ignore whose `until` date has passed: it no longer applies.
    ExpiredIgnore {
        /// The ignored ID.
        id: String,
        /// The last day it applied.
        until: Date,
    },
    /// An ignore that matched no finding: the vulnerability may be fixed.
    UnusedIgnore {
        /// The ignored ID.
        id: String,
    },
}

impl std::fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PolicyWarning::ExpiredIgnore { id, until } => write!(
                f,
                "the ignore of {id} expired on {until}: it is reported again; fix it or extend `until`"
            ),
            PolicyWarning::UnusedIgnore { id } => write!(
                f,
                "the ignore of {id} matches no finding: remove it from the configuration"
            ),
        }
    }
}

/// A finding the policy set aside, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ignored {
    /// The finding.
    pub finding: Finding,
    /// `ignore: <reason>`, `development only`, or `below threshold`.
    pub reason: String,
}

/// The findings after the policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Decision {
    /// Findings reported and failing the run.
    pub reported: Vec<Finding>,
    /// Findings set aside, with the reason.
    pub ignored: Vec<Ignored>,
    /// Expired and unused ignores.
    pub warnings: Vec<PolicyWarning>,
}

impl Policy {
    /// Reads the `[[ignore]]` entries of an `osec.toml`.
    pub fn read_config(path: &Path) -> Result<Vec<Ignore>, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        parse_config(&text, path)
    }

    /// Reads the `[[IgnoredVulns]]` of an osv-scanner `osv-scanner.toml`.
    pub fn read_osv_scanner_config(path: &Path) -> Result<Vec<Ignore>, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        parse_osv_scanner_config(&text, path)
    }

    /// Sorts findings into reported and ignored; an ignore applies through its
    /// `until` day, not after `today`.
    pub fn apply(&self, findings: Vec<Finding>, today: Date) -> Decision {
        let mut decision = Decision::default();
        let active: Vec<&Ignore> = self
            .ignores
            .iter()
            .filter(|ignore| match ignore.until {
                Some(until) if until < today => {
                    decision.warnings.push(PolicyWarning::ExpiredIgnore {
                        id: ignore.id.clone(),
                        until,
                    });
                    false
                }
                _ => true,
            })
            .collect();
        let mut used = vec![false; active.len()];
        for finding in findings {
            let matching = active
                .iter()
                .position(|ignore| finding.id == ignore.id || finding.aliases.contains(&ignore.id));
            if let Some(index) = matching {
                if let Some(flag) = used.get_mut(index) {
                    *flag = true;
                }
                let reason = active.get(index).map_or("", |i| i.reason.as_str());
                decision.ignored.push(Ignored {
                    finding,
                    reason: format!("ignore: {reason}"),
                });
            } else if self.skip_development && finding.development_only {
                decision.ignored.push(Ignored {
                    finding,
                    reason: "development only".to_owned(),
                });
            } else if !finding.reaches(self.threshold) {
                decision.ignored.push(Ignored {
                    finding,
                    reason: "below threshold".to_owned(),
                });
            } else {
                decision.reported.push(finding);
            }
        }
        for (ignore, used) in active.iter().zip(used) {
            if !used {
                decision.warnings.push(PolicyWarning::UnusedIgnore {
                    id: ignore.id.clone(),
                });
            }
        }
        decision
    }
}

fn parse_config(text: &str, path: &Path) -> Result<Vec<Ignore>, PolicyError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        PolicyError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let config: ConfigFile = toml::from_str(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        invalid(offset, err.message().trim().to_owned())
    })?;
    let mut ignores = Vec::with_capacity(config.ignore.len());
    for entry in config.ignore {
        let id_offset = value_start(text, entry.id.span());
        let id = entry.id.into_inner();
        if entry.reason.trim().is_empty() {
            return Err(invalid(
                id_offset,
                format!("the ignore of {id} has an empty `reason`: say why it is safe"),
            ));
        }
        let until = match entry.until {
            Some(until) => Some(
                parse_date(until.get_ref())
                    .map_err(|message| invalid(value_start(text, until.span()), message))?,
            ),
            None => None,
        };
        ignores.push(Ignore {
            id,
            reason: entry.reason,
            until,
        });
    }
    Ok(ignores)
}

fn parse_osv_scanner_config(text: &str, path: &Path) -> Result<Vec<Ignore>, PolicyError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        PolicyError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let config: OsvScannerFile = toml::from_str(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        invalid(offset, err.message().trim().to_owned())
    })?;
    let mut ignores = Vec::with_capacity(config.ignored_vulns.len());
    for entry in config.ignored_vulns {
        let until = match entry.ignore_until {
            Some(until) => Some(
                last_day_before(until.get_ref())
                    .map_err(|message| invalid(until.span().start, message))?,
            ),
            None => None,
        };
        let reason = if entry.reason.trim().is_empty() {
            "no reason given in osv-scanner.toml".to_owned()
        } else {
            entry.reason
        };
        ignores.push(Ignore {
            id: entry.id,
            reason,
            until,
        });
    }
    Ok(ignores)
}

/// The last UTC day an osv-scanner ignore applies: it applies while the time is
/// before `ignoreUntil` (a date means its midnight; no offset means UTC), so an
/// ignore until `2026-12-31` applies through 2026-12-30.
fn last_day_before(until: &toml::value::Datetime) -> Result<Date, String> {
    let Some(day) = until.date else {
        return Err(format!(
            "`ignoreUntil = {until}` has no date: write a date (2026-12-31) or a date-time (2026-12-31T00:00:00Z)"
        ));
    };
    let time = until.time.unwrap_or(toml::value::Time {
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
    });
    let offset_minutes = match until.offset {
        Some(toml::value::Offset::Custom { minutes }) => i32::from(minutes),
        Some(toml::value::Offset::Z) | None => 0,
    };
    let out_of_range = |_| format!("`ignoreUntil = {until}` is not a moment of the calendar");
    let civil = jiff::civil::DateTime::new(
        i16::try_from(day.year)
            .map_err(|_| format!("`ignoreUntil = {until}`: year out of range"))?,
        i8::try_from(day.month).unwrap_or(0),
        i8::try_from(day.day).unwrap_or(0),
        i8::try_from(time.hour).unwrap_or(-1),
        i8::try_from(time.minute).unwrap_or(-1),
        i8::try_from(time.second).unwrap_or(-1),
        i32::try_from(time.nanosecond).unwrap_or(-1),
    )
    .map_err(out_of_range)?;
    let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).map_err(out_of_range)?;
    let moment = offset
        .to_timestamp(civil)
        .and_then(|t| t.checked_sub(jiff::SignedDuration::from_nanos(1)))
        .map_err(out_of_range)?;
    Ok(jiff::tz::TimeZone::UTC.to_datetime(moment).date())
}

/// Where a string value's text starts: just inside its quotes.
fn value_start(text: &str, span: std::ops::Range<usize>) -> usize {
    let value = text.get(span.clone()).unwrap_or_default();
    let quotes = if value.starts_with("\"\"\"") || value.starts_with("'''") {
        3
    } else {
        1
    };
    span.start + quotes.min(value.len())
}

/// An `until` value: a day of the calendar written `YYYY-MM-DD`. The message
/// says what is wrong.
fn parse_date(text: &str) -> Result<Date, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(format!(
            "`until = \"{text}\"` is not a date: write YYYY-MM-DD"
        ));
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|digits| digits.parse::<i16>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    Date::new(
        year,
        i8::try_from(month).unwrap_or(0),
        i8::try_from(day).unwrap_or(0),
    )
    .map_err(|_| {
        format!(
            "`until = \"{text}\"` is not a day of the calendar (month 01-12, and a day \
                 that month has): write the last day the ignore applies as YYYY-MM-DD"
        )
    })
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, score: Option<f64>, development_only: bool) -> Finding {
        Finding {
            id: id.to_owned(),
            aliases: vec![format!("CVE-{id}")],
            summary: String::new(),
            severity: score.map(|score| crate::scan::Rating {
                vector: String::new(),
                score,
                level: Severity::of_score(score),
            }),
            package: "p".to_owned(),
            installed_version: "1".to_owned(),
            fixed_versions: Vec::new(),
            path: Vec::new(),
            development_only,
            url: None,
            constraint: None,
            location: None,
        }
    }

    fn ignore(id: &str, until: Option<&str>) -> Ignore {
        Ignore {
            id: id.to_owned(),
            reason: "r".to_owned(),
            until: until.map(day),
        }
    }

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn ignore_by_alias_applies_through_its_until_day_then_expires() {
        let policy = Policy {
            ignores: vec![ignore("CVE-A", Some("2026-01-31"))],
            ..Policy::default()
        };
        let on_the_day = policy.apply(vec![finding("A", Some(9.0), false)], day("2026-01-31"));
        assert!(on_the_day.reported.is_empty());
        assert!(on_the_day.warnings.is_empty());
        let after = policy.apply(vec![finding("A", Some(9.0), false)], day("2026-02-01"));
        assert_eq!(after.reported.len(), 1);
        assert_eq!(
            after.warnings,
            [PolicyWarning::ExpiredIgnore {
                id: "CVE-A".to_owned(),
                until: day("2026-01-31")
            }]
        );
    }

    #[test]
    fn threshold_keeps_unknown_severity_and_drops_lower_levels() {
        let policy = Policy {
            threshold: Severity::High,
            skip_development: true,
            ..Policy::default()
        };
        let decision = policy.apply(
            vec![
                finding("LOW", Some(3.0), false),
                finding("HIGH", Some(7.0), false),
                finding("UNKNOWN", None, false),
                finding("DEV", Some(9.8), true),
            ],
            day("2026-01-01"),
        );
        let ids: Vec<&str> = decision.reported.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["HIGH", "UNKNOWN"]);
        let reasons: Vec<&str> = decision.ignored.iter().map(|i| i.reason.as_str()).collect();
        assert_eq!(reasons, ["below threshold", "development only"]);
    }

    #[test]
    fn config_errors_name_line_and_column() {
        let path = Path::new("osec.toml");
        let err = parse_config(
            "[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"soon\"\n",
            path,
        )
        .expect_err("bad date");
        assert_eq!(
            err.to_string(),
            "osec.toml:4:10: `until = \"soon\"` is not a date: write YYYY-MM-DD"
        );
        // Issue 14: impossible days were compared as text and suppressed findings.
        for (until, column) in [("2026-13-45", 10), ("9999-99-99", 10), ("2026-02-30", 10)] {
            let config = format!(
                "# osec.toml\n[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil   = \"{until}\"\n"
            );
            let err = parse_config(&config, path).expect_err(until);
            assert_eq!(
                err.to_string(),
                format!(
                    "osec.toml:5:{}: `until = \"{until}\"` is not a day of the calendar \
                     (month 01-12, and a day that month has): write the last day the ignore \
                     applies as YYYY-MM-DD",
                    column + 2
                )
            );
        }
        let leap = "[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"2028-02-29\"\n";
        assert_eq!(
            parse_config(leap, path).unwrap()[0].until,
            Some(day("2028-02-29"))
        );
        let err = parse_config("[[ignore]]\nid = \"X\"\nreason = \"\"\n", path)
            .expect_err("empty reason");
        assert!(
            err.to_string()
                .starts_with("osec.toml:2:7: the ignore of X has an empty"),
            "{err}"
        );
    }

    #[test]
    fn errors_in_triple_quoted_values_point_inside_the_quotes() {
        let path = Path::new("osec.toml");
        let err = parse_config("[[ignore]]\nid = '''X'''\nreason = \"\"\n", path)
            .expect_err("empty reason");
        assert!(
            err.to_string()
                .starts_with("osec.toml:2:9: the ignore of X has an empty"),
            "{err}"
        );
        let err = parse_config(
            "[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"\"\"2026-13-45\"\"\"\n",
            path,
        )
        .expect_err("impossible day");
        assert!(
            err.to_string()
                .starts_with("osec.toml:4:12: `until = \"2026-13-45\"` is not a day"),
            "{err}"
        );
    }

    #[test]
    fn an_until_not_written_yyyy_mm_dd_is_not_a_date() {
        for until in ["2026/12/31", "2026-12-311", "2026-12-3", "20261231"] {
            let config = format!("[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"{until}\"\n");
            let err = parse_config(&config, Path::new("osec.toml")).expect_err(until);
            assert_eq!(
                err.to_string(),
                format!("osec.toml:4:10: `until = \"{until}\"` is not a date: write YYYY-MM-DD")
            );
        }
    }

    #[test]
    fn osv_scanner_ignores_stop_at_their_moment_and_keep_their_reason() {
        let path = Path::new("osv-scanner.toml");
        let config = "\
[[IgnoredVulns]]
id = \"CVE-2026-1\"
ignoreUntil = 2026-12-31
reason = \"server only\"

[[IgnoredVulns]]
id = \"OSEC-2026-2\"
ignoreUntil = 2026-12-31T12:00:00Z

[[IgnoredVulns]]
id = \"GHSA-3\"
ignoreUntil = 2026-12-31T00:30:00+01:00

[[IgnoredVulns]]
id = \"CVE-2026-4\"
ignoreUntil = 2026-12-31T00:00:00

[[IgnoredVulns]]
id = \"CVE-2026-5\"

[[PackageOverrides]]
name = \"lwt\"
ignore = true
";
        let ignores = parse_osv_scanner_config(config, path).expect("valid");
        let read: Vec<(&str, &str, Option<Date>)> = ignores
            .iter()
            .map(|i| (i.id.as_str(), i.reason.as_str(), i.until))
            .collect();
        let no_reason = "no reason given in osv-scanner.toml";
        assert_eq!(
            read,
            [
                // Midnight of the 31st: the 30th is the last day it applies.
                ("CVE-2026-1", "server only", Some(day("2026-12-30"))),
                ("OSEC-2026-2", no_reason, Some(day("2026-12-31"))),
                // 23:30 UTC on the 30th.
                ("GHSA-3", no_reason, Some(day("2026-12-30"))),
                ("CVE-2026-4", no_reason, Some(day("2026-12-30"))),
                ("CVE-2026-5", no_reason, None),
            ]
        );
    }

    #[test]
    fn osv_scanner_errors_name_line_and_column() {
        let path = Path::new("osv-scanner.toml");
        let err = parse_osv_scanner_config(
            "[[IgnoredVulns]]\nid = \"X\"\nignoreUntil = 07:32:00\n",
            path,
        )
        .expect_err("a time without a date");
        assert_eq!(
            err.to_string(),
            "osv-scanner.toml:3:15: `ignoreUntil = 07:32:00` has no date: write a date \
             (2026-12-31) or a date-time (2026-12-31T00:00:00Z)"
        );
        let err = parse_osv_scanner_config(
            "[[IgnoredVulns]]\nid = \"X\"\nignoreUnitl = 2026-12-31\n",
            path,
        )
        .expect_err("a misspelt key");
        assert!(
            err.to_string()
                .starts_with("osv-scanner.toml:3:1: unknown field `ignoreUnitl`"),
            "{err}"
        );
        let err =
            parse_osv_scanner_config("[[IgnoredVulns]]\nid = 7\n", path).expect_err("not a string");
        assert!(
            err.to_string().starts_with("osv-scanner.toml:2:6: "),
            "{err}"
        );
    }
}
