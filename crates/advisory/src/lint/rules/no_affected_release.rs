//! `ADV026 no-affected-release`: the constraint matches no released version.

use crate::lint::{FileContext, Finding, PackageVersions, Rule};

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

pub(crate) fn check(cx: &FileContext<'_>, packages: &dyn PackageVersions, out: &mut Vec<Finding>) {
    for affected in &cx.advisory().affected {
        let Some(constraint) = &affected.constraint else {
            continue;
        };
        let Some(versions) = packages.versions(&affected.package.value) else {
            continue;
        };
        let compare = |a: &str, b: &str| packages.compare(a, b);
        if !versions.iter().any(|v| constraint.matches(v, &compare)) {
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
