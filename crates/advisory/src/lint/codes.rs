//! The registry of lint rules: every code, its name, severity, status and documentation.
//!
//! Codes are stable: a published code is never renumbered or reused. A rule that is
//! retired stays listed with [`Status::Removed`].

use super::rules;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Makes `osec lint` fail.
    Error,
    /// Reported, but `osec lint` still succeeds.
    Warning,
}

impl Level {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// Where a rule is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Checked by default.
    Stable,
    /// No longer checked; the code stays reserved.
    Removed,
}

macro_rules! registry {
    ($($code:literal $variant:ident $name:literal $level:ident $module:ident,)*) => {
        /// A lint rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $(
                #[doc = concat!("`", $code, "` ", $name)]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable code, `ADVnnn`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The kebab-case name, such as `unknown-field`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The level of the rule's findings.
            pub fn level(self) -> Level {
                match self { $(Rule::$variant => Level::$level,)* }
            }

            /// The rule's documentation, in Markdown, with the headings
            /// What it checks / Why / Example / Fix.
            pub fn doc(self) -> &'static str {
                match self { $(Rule::$variant => rules::$module::DOC,)* }
            }
        }
    };
}

registry! {
    "ADV001" HeaderSyntax "header-syntax" Error header_syntax,
    "ADV002" MissingHeader "missing-header" Error missing_header,
    "ADV003" MissingSummary "missing-summary" Error missing_summary,
    "ADV004" SummaryTooLong "summary-too-long" Error summary_too_long,
    "ADV005" UnknownField "unknown-field" Error unknown_field,
    "ADV006" DuplicateField "duplicate-field" Error duplicate_field,
    "ADV007" MissingField "missing-field" Error missing_field,
    "ADV008" InvalidFieldValue "invalid-field-value" Error invalid_field_value,
    "ADV009" InvalidId "invalid-id" Error invalid_id,
    "ADV010" IdFileMismatch "id-file-mismatch" Error id_file_mismatch,
    "ADV011" IdYearMismatch "id-year-mismatch" Error id_year_mismatch,
    "ADV012" DuplicateId "duplicate-id" Error duplicate_id,
    "ADV013" InvalidDate "invalid-date" Error invalid_date,
    "ADV014" PublishedAfterModified "published-after-modified" Error published_after_modified,
    "ADV015" DateInFuture "date-in-future" Error date_in_future,
    "ADV016" InvalidCvss "invalid-cvss" Error invalid_cvss,
    "ADV017" SeverityScoreMismatch "severity-score-mismatch" Error severity_score_mismatch,
    "ADV018" InvalidCwe "invalid-cwe" Error invalid_cwe,
    "ADV019" InvalidAlias "invalid-alias" Error invalid_alias,
    "ADV020" UnknownReferenceType "unknown-reference-type" Error unknown_reference_type,
    "ADV021" UnknownCreditType "unknown-credit-type" Error unknown_credit_type,
    "ADV022" InsecureUrl "insecure-url" Error insecure_url,
    "ADV023" InvalidGitCommit "invalid-git-commit" Error invalid_git_commit,
    "ADV024" UnknownEventType "unknown-event-type" Error unknown_event_type,
    "ADV025" UnknownPackage "unknown-package" Error unknown_package,
    "ADV026" NoAffectedRelease "no-affected-release" Error no_affected_release,
    "ADV027" UnreleasedUpperBound "unreleased-upper-bound" Warning unreleased_upper_bound,
    "ADV028" UnreadableFile "unreadable-file" Error unreadable_file,
    "ADV029" ReservedIdPublished "reserved-id-published" Error reserved_id_published,
    "ADV030" DraftText "draft-text" Error draft_text,
}

impl Rule {
    /// Every rule is stable so far; retired rules will say so here.
    pub fn status(self) -> Status {
        Status::Stable
    }

    /// The osec version that introduced the rule.
    pub fn since(self) -> &'static str {
        "0.1.0"
    }

    /// The rule with this code (`ADV005`) or name (`unknown-field`).
    pub fn find(code_or_name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code() == code_or_name || r.name() == code_or_name)
    }

    /// The first paragraph of the documentation's "What it checks" section, its
    /// lines joined: one sentence, SARIF's `shortDescription`.
    pub fn summary(self) -> &'static str {
        self.texts().0.as_str()
    }

    /// The "What it checks" and "Why" sections, each paragraph's lines joined:
    /// SARIF's `fullDescription`.
    pub fn description(self) -> &'static str {
        self.texts().1.as_str()
    }

    /// The summary and description, joined once for every rule.
    fn texts(self) -> &'static (String, String) {
        static TEXTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        static NONE: (String, String) = (String::new(), String::new());
        let texts = TEXTS.get_or_init(|| {
            Rule::ALL
                .iter()
                .map(|rule| {
                    let checks = paragraphs(rule.section("## What it checks"));
                    let summary = checks.first().cloned().unwrap_or_default();
                    let mut all = checks;
                    all.extend(paragraphs(rule.section("## Why")));
                    (summary, all.join("\n\n"))
                })
                .collect()
        });
        Rule::ALL
            .iter()
            .position(|rule| *rule == self)
            .and_then(|i| texts.get(i))
            .unwrap_or(&NONE)
    }

    /// The text under `heading`, up to the next heading.
    fn section(self, heading: &str) -> &'static str {
        let doc = self.doc();
        let Some(start) = doc.find(heading) else {
            return "";
        };
        let rest = doc.get(start + heading.len()..).unwrap_or("");
        rest.find("\n## ")
            .map_or(rest, |end| rest.get(..end).unwrap_or(rest))
    }
}

/// The paragraphs of a Markdown section, each one line.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sequential_and_unique() {
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(rule.code(), format!("ADV{:03}", i + 1));
        }
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }

    #[test]
    fn every_doc_has_the_four_headings() {
        for rule in Rule::ALL {
            for heading in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(
                    rule.doc().contains(heading),
                    "{} lacks {heading}",
                    rule.code()
                );
            }
            assert!(!rule.summary().is_empty(), "{}", rule.code());
        }
    }

    /// One sentence: a capital or a code first, one full stop at the end and none
    /// inside (a `.` inside code spans, `1.0`, or `e.g.` is not a stop).
    fn is_one_sentence(text: &str) -> bool {
        let mut outside_code = String::new();
        for (i, part) in text.split('`').enumerate() {
            outside_code.push_str(if i % 2 == 0 { part } else { "code" });
        }
        let first = outside_code.chars().next();
        let stops = outside_code.matches(". ").count() + outside_code.matches(".\n").count();
        first.is_some_and(|c| c.is_uppercase() || text.starts_with('`'))
            && text.ends_with('.')
            && stops == 0
            && !text.contains('\n')
    }

    #[test]
    fn every_rule_has_a_one_sentence_summary_and_a_longer_description() {
        for rule in Rule::ALL {
            let summary = rule.summary();
            assert!(is_one_sentence(summary), "{}: {summary:?}", rule.code());
            let description = rule.description();
            assert!(description.starts_with(summary), "{}", rule.code());
            let more = description[summary.len()..].trim();
            assert!(
                more.split_whitespace().count() >= 8,
                "{}: the description only repeats the summary: {description:?}",
                rule.code()
            );
        }
        assert!(!is_one_sentence(
            "The file does not start with a fence, or the"
        ));
        assert!(!is_one_sentence("Two sentences. Here."));
        assert!(is_one_sentence("`published` is after `a.b`, not 1.0."));
    }

    #[test]
    fn finds_rules_by_code_or_name() {
        assert_eq!(Rule::find("ADV005"), Some(Rule::UnknownField));
        assert_eq!(Rule::find("unknown-field"), Some(Rule::UnknownField));
        assert_eq!(Rule::find("ADV999"), None);
    }
}
