//! `ADV022 insecure-url`: a URL that is not https.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::RangeKind;

pub(crate) const DOC: &str = "\
## What it checks
A reference URL or the repository of a `git` range does not start with `https://`.

## Why
Plain http links can be tampered with on the way; readers of an advisory follow them
to find fixes.

## Example
```
references: [ [fix \"http://github.com/o/r/pull/1\"] ]
```

## Fix
Use the `https://` address.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let adv = cx.advisory();
    let references = adv.references.iter().map(|r| &r.url);
    let repositories = adv
        .events
        .iter()
        .filter(|r| r.kind.value == RangeKind::Git)
        .map(|r| &r.repo);
    for url in references.chain(repositories) {
        if !url.value.starts_with("https://") {
            out.push(
                Finding::new(
                    Rule::InsecureUrl,
                    url.span,
                    format!("`{}` is not an https URL", url.value),
                )
                .with_help("use the https:// address"),
            );
        }
    }
}
