//! `ADV026 no-affected-release`: the constraint matches no released version.

use opam_model::{ReleasedVersions, compare_versions};

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
With `--repo`: an affected package's constraint matches none of its released
versions (it is unsatisfiable, or excludes every release).

## Why
An advisory that covers no release warns nobody; the bounds are likely swapped or
mistyped.

## Example
```
affected: \"ocaml\" {>= \"5.0\" & < \"4.14\"}
```

## Fix
Correct the bounds so that they cover the vulnerable releases.
";

pub(crate) fn check(cx: &FileContext<'_>, packages: &ReleasedVersions, out: &mut Vec<Finding>) {
    for affected in &cx.advisory().affected {
        let Some(constraint) = &affected.constraint else {
            continue;
        };
        let Some(versions) = affected.released_versions(packages) else {
            continue;
        };
        if !versions
            .iter()
            .any(|v| constraint.matches(v.as_str(), &compare_versions))
        {
            out.push(
                Finding::new(
                    Rule::NoAffectedRelease,
                    constraint.span,
                    format!(
                        "the constraint matches none of the {} released versions of `{}`",
                        versions.len(),
                        affected.package.value
                    ),
                )
                .with_help("correct the bounds; `osec opam versions --repo DIR NAME 'CONSTRAINT'` lists what they match"),
            );
        }
    }
}
