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

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let Some(severity) = &cx.advisory().severity else { return };
    if let Err(err) = severity.value.parse::<cvss::Cvss>() {
        out.push(
            Finding::new(Rule::InvalidCvss, severity.span, format!("`{}` is not a valid CVSS vector: {err}", severity.value))
                .with_help("write a complete CVSS vector such as \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\""),
        );
    }
}
