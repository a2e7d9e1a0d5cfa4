//! `ADV027 unreleased-upper-bound`: an upper bound names an unreleased version.

use opam_file::RelOp;
use opam_model::{ReleasedVersions, compare_versions};

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
With `--repo`: an upper bound (`<` or `<=`) names a version that is in none of the
given repositories.

This is a warning, not an error.

## Why
The upper bound is usually the fixed release; if it is not released, either the
version has a typo or the fix is not published yet. Lower bounds such as `>= \"5\"`
legitimately name versions that were never released and are not checked.

## Example
```
affected: \"tls\" {< \"2.10\"}
```

## Fix
Correct the version, or publish the fixed release before the advisory.
";

pub(crate) fn check(cx: &FileContext<'_>, packages: &ReleasedVersions, out: &mut Vec<Finding>) {
    for affected in &cx.advisory().affected {
        let Some(constraint) = &affected.constraint else {
            continue;
        };
        let Some(versions) = affected.released_versions(packages) else {
            continue;
        };
        for (op, version) in constraint.atoms() {
            if !matches!(op.value, RelOp::Lt | RelOp::Leq) {
                continue;
            }
            let released = versions
                .iter()
                .any(|v| compare_versions(v.as_str(), &version.value).is_eq());
            if !released {
                out.push(
                    Finding::new(
                        Rule::UnreleasedUpperBound,
                        version.span,
                        format!(
                            "the upper bound {} is not a released version of `{}`",
                            version.value, affected.package.value
                        ),
                    )
                    .with_help("check the version for a typo, or release the fix first"),
                );
            }
        }
    }
}
