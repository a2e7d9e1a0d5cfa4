//! `ADV005 unknown-field`: a header field that advisories do not have.

use opam_file::Span;

use crate::lint::{Finding, Rule};
use crate::parse::FIELDS;

pub(crate) const DOC: &str = "\
## What it checks
A header field whose name is not one of id, modified, published, withdrawn, aliases,
upstream, related, historical, severity, severity_score, affected, events, references,
credits, cwe, affected_bindings; or a section (`name { … }`) in the header.

## Why
An unknown field is usually a typo (`refrences`), and its content would be silently
dropped from the published record.

## Example
```
refrences: [ [fix \"https://github.com/o/r/pull/1\"] ]
```

## Fix
Correct the name, or remove the field.
";

pub(crate) fn finding(name: &str, span: Span) -> Finding {
    let help = match closest_field(name) {
        Some(field) => format!("did you mean `{field}`?"),
        None => format!("known fields: {}", FIELDS.join(", ")),
    };
    Finding::new(Rule::UnknownField, span, format!("unknown field `{name}`")).with_help(help)
}

pub(crate) fn section(kind: &str, span: Span) -> Finding {
    Finding::new(
        Rule::UnknownField,
        span,
        format!("unexpected section `{kind}` in the header"),
    )
    .with_help("the header holds only `name: value` fields")
}

/// The known field at edit distance at most 2 from `name`, if any.
fn closest_field(name: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .map(|field| (edit_distance(name, field), *field))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, field)| field)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev_diag = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else {
                continue;
            };
            let value = (prev_diag + usize::from(ca != *cb))
                .min(left + 1)
                .min(up + 1);
            prev_diag = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_field() {
        assert_eq!(closest_field("refrences"), Some("references"));
        assert_eq!(closest_field("cve"), Some("cwe"));
        assert_eq!(closest_field("zzzzzzzz"), None);
    }
}
