//! `ADV016 invalid-cvss`: `severity` is not a CVSS vector.

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The `severity` field is not a valid CVSS 2.0, 3.0, 3.1 or 4.0 base vector.

## Why
The vector is published as the OSV severity and scanners compute scores from it; an
invalid vector is dropped or misread.

## Example
```
severity: \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H\"
```

## Fix
Write the complete vector, e.g. with the calculator at https://www.first.org/cvss/.
";

/// The base metrics every vector of a version must set.
fn mandatory_metrics(vector: &cvss::Cvss) -> &'static [&'static str] {
    match vector {
        cvss::Cvss::CvssV20(_) => &["AV", "AC", "Au", "C", "I", "A"],
        cvss::Cvss::CvssV40(_) => &[
            "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
        ],
        _ => &["AV", "AC", "PR", "UI", "S", "C", "I", "A"],
    }
}

/// Why `text` is not a complete CVSS base vector, if it is not.
pub(crate) fn vector_problem(text: &str) -> Option<String> {
    let vector = match text.parse::<cvss::Cvss>() {
        Ok(vector) => vector,
        Err(err) => return Some(err.to_string()),
    };
    let present: Vec<&str> = text
        .split('/')
        .filter_map(|part| part.split_once(':').map(|(k, _)| k))
        .collect();
    let missing: Vec<&str> = mandatory_metrics(&vector)
        .iter()
        .copied()
        .filter(|metric| !present.contains(metric))
        .collect();
    (!missing.is_empty()).then(|| format!("base metric {} missing", missing.join(", ")))
}

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let Some(severity) = &cx.advisory().severity else {
        return;
    };
    if let Some(problem) = vector_problem(&severity.value) {
        out.push(
            Finding::new(Rule::InvalidCvss, severity.span, format!("`{}` is not a valid CVSS vector: {problem}", severity.value))
                .with_help("write a complete CVSS vector such as \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\""),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_every_base_metric() {
        assert_eq!(
            vector_problem("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H"),
            None
        );
        assert_eq!(vector_problem("AV:N/AC:L/Au:N/C:P/I:P/A:P"), None);
        assert_eq!(
            vector_problem("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/E:U"),
            None
        );
        assert_eq!(
            vector_problem("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N").as_deref(),
            Some("base metric A missing")
        );
        assert!(vector_problem("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H").is_some());
    }
}
