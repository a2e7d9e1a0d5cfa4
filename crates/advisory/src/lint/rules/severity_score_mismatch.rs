//! `ADV017 severity-score-mismatch`: `severity_score` disagrees with the vector.

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
`severity_score` is not a score (`\"7.5\"`, `\"7.5 (High)\"`, `\"7.5 / High\"`), has no
`severity` vector beside it, or differs from the score and rating recomputed from the
`severity` vector.

## Why
People read the score, tools compute from the vector; when they disagree one of them
is wrong.

## Example
```
severity: \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"
severity_score: \"7.5 (High)\"
```

## Fix
Write the recomputed score (the message gives it), or correct the vector.
";

/// A score as written: the number and the optional rating word.
#[derive(Debug, PartialEq)]
pub(crate) struct WrittenScore<'a> {
    pub(crate) value: f64,
    pub(crate) rating: Option<&'a str>,
}

/// Reads `"9.1"`, `"9.1 (Critical)"` or `"9.1 / Critical"`.
pub(crate) fn read_score(text: &str) -> Option<WrittenScore<'_>> {
    let text = text.trim();
    let number_len = text
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let value: f64 = text.get(..number_len)?.parse().ok()?;
    if !(0.0..=10.0).contains(&value) {
        return None;
    }
    let rest = text.get(number_len..)?.trim();
    let rating = if rest.is_empty() {
        None
    } else if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner.trim())
    } else if let Some(word) = rest.strip_prefix('/') {
        Some(word.trim())
    } else {
        return None;
    };
    if rating.is_some_and(|r| r.parse::<cvss::Severity>().is_err()) {
        return None;
    }
    Some(WrittenScore { value, rating })
}

fn capitalised(severity: cvss::Severity) -> String {
    let word = severity.as_str();
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let adv = cx.advisory();
    let Some(score) = &adv.severity_score else {
        return;
    };
    let Some(written) = read_score(&score.value) else {
        out.push(
            Finding::new(
                Rule::SeverityScoreMismatch,
                score.span,
                format!("`{}` is not a CVSS score", score.value),
            )
            .with_help("write the score as \"7.5\" or \"7.5 (High)\""),
        );
        return;
    };
    let Some(severity) = &adv.severity else {
        out.push(
            Finding::new(
                Rule::SeverityScoreMismatch,
                score.span,
                "`severity_score` is given without a `severity` vector",
            )
            .with_help("add the CVSS vector as `severity`, or remove the score"),
        );
        return;
    };
    if super::invalid_cvss::vector_problem(&severity.value).is_some() {
        return;
    }
    let Ok(vector) = severity.value.parse::<cvss::Cvss>() else {
        return;
    };
    let computed = vector.score();
    let rating = vector.severity();
    let expected = format!("{computed:.1} ({})", capitalised(rating));
    let score_differs = format!("{:.1}", written.value) != format!("{computed:.1}");
    let rating_differs = written
        .rating
        .is_some_and(|r| r.parse::<cvss::Severity>().ok() != Some(rating));
    if score_differs || rating_differs {
        out.push(
            Finding::new(
                Rule::SeverityScoreMismatch,
                score.span,
                format!(
                    "the vector's score is {expected}, but `severity_score` says \"{}\"",
                    score.value
                ),
            )
            .with_related(severity.span, "the vector")
            .with_help(format!(
                "write `severity_score: \"{expected}\"`, or correct the vector"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_written_forms() {
        assert_eq!(
            read_score("6.8"),
            Some(WrittenScore {
                value: 6.8,
                rating: None
            })
        );
        assert_eq!(
            read_score("9.1 (Critical)"),
            Some(WrittenScore {
                value: 9.1,
                rating: Some("Critical")
            })
        );
        assert_eq!(
            read_score("8.7 / High"),
            Some(WrittenScore {
                value: 8.7,
                rating: Some("High")
            })
        );
        assert_eq!(read_score("high"), None);
        assert_eq!(read_score("11.0"), None);
        assert_eq!(read_score("7.5 (Severe)"), None);
    }
}
