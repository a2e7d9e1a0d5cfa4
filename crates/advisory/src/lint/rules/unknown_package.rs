//! `ADV025 unknown-package`: an affected package is in no repository.

use opam_model::ReleasedVersions;

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
With `--repo`: an `affected` package is in none of the given repositories.

## Why
A misspelt package name matches no installation, so nobody would be warned.

## Example
```
affected: \"ocmal\" {< \"4.03.0\"}
```

## Fix
Use the package's name as in opam-repository (or opam-repository-archive).
";

pub(crate) fn check(cx: &FileContext<'_>, packages: &ReleasedVersions, out: &mut Vec<Finding>) {
    for affected in &cx.advisory().affected {
        if affected.released_versions(packages).is_none() {
            out.push(
                Finding::new(
                    Rule::UnknownPackage,
                    affected.package.span,
                    format!(
                        "package `{}` is in none of the given repositories",
                        affected.package.value
                    ),
                )
                .with_help(
                    "check the spelling against opam-repository and opam-repository-archive",
                ),
            );
        }
    }
}
