//! opam-repository policy: a released package's source never changes
//! (opam-repository's policy since PR #29072), checked across git revisions; the
//! advisories written into the opam files they affect; and the packages whose latest
//! release is stuck on an affected version.
//!
//! # What this crate owns
//!
//! - [`check_immutable`]: the immutable-source check of `osec repo check-immutable
//!   --repo DIR BASE HEAD`. DIR is a git repository read with gix (a worktree or a
//!   bare clone; no checkout, no `git` process); BASE and HEAD are any revisions
//!   that name commits (`main`, a hash, `HEAD~3`).
//! - The `POL` codes ([`Rule`], `RULES.md`), each with its level and documentation.
//! - The [`Report`] and its renderers ([`Format`]): rustc-style text, the JSON
//!   contract below, SARIF 2.1.0 for GitHub code scanning, and a Markdown summary for
//!   a pull-request comment.
//!
//! - [`annotate`]: `osec repo annotate --repo DIR ADVISORIES [--mark …] [--remove]`,
//!   the `x-security-advisories: ["OSEC-2026-16"]` field in the opam file of every
//!   version an advisory affects, and the marks (`flags: avoid-version`,
//!   `available: false & (…)`) of affected versions that have a fixed successor;
//!   edits that keep every other byte, and that `--remove` undoes byte for byte.
//! - [`exposure`]: `osec repo exposure --repo DIR… ADVISORIES`, the packages whose
//!   latest release can only be installed with an affected version, with their
//!   maintainers, as text, JSON (contract below) or Markdown ([`ExposureFormat`]).
//!
//! # What it does not own
//!
//! The opam syntax and its lossless edits (`opam-file`: parsing, `Document`, the
//! normalised printer used for values in messages), checksums, formulas, filters and
//! repositories (`opam-model`), advisories, their lint and the affected versions of
//! the OSV export (`advisory`), safe writes (`safe-fs`), and the command line and exit
//! codes (`osec`).
//!
//! # Phases
//!
//! 1. Resolve BASE and HEAD to commits and find their `packages/` trees
//!    ([`Error`] when the repository, a revision or `packages/` is missing; shallow
//!    clones get a hint to fetch more history).
//! 2. Diff the two trees top-down by object id: only subtrees whose ids differ are
//!    read, so a pull request's range costs a few tree reads, whatever the size of
//!    the repository. A package directory is one holding a file `opam`; each one that
//!    differs is changed, new or removed (a directory that moved keeps its identity
//!    `NAME.VERSION`).
//! 3. For a changed version, parse the opam file (and opam 1.2's `url` file) at both
//!    revisions and compare parsed values, not text, so that reformatting is not a
//!    change: per source (`url`, each `extra-source`) the checksums (changed
//!    POL001, removed POL002, weakened to md5 POL003, replaced by other algorithms
//!    POL004) and `src` (changed POL005, or moved with a checksum kept POL006); sources
//!    added or removed (POL007, POL008); `extra-files`, `patches`, `substs` element by
//!    element (POL009–POL011); the files under `files/` by blob id (POL012–POL014);
//!    new build commands that edit sources in place (POL015). Every other field
//!    (`depends`, `available`, `flags`, `synopsis`, `x-…`) is metadata and passes.
//! 4. A new version needs a checksum (POL017) of sha256 or sha512 (POL018) for each
//!    source; a removed version is a warning (POL016). Files that do not parse and
//!    unreadable source fields are findings (POL019, POL020), never skipped.
//!
//! # Example
//!
//! ```no_run
//! use std::path::Path;
//! use repo_policy::{Format, check_immutable};
//!
//! let report = check_immutable(Path::new("opam-repository"), "origin/master", "HEAD")?;
//! print!("{}", report.render(Format::Human));
//! std::process::exit(if report.errors() > 0 { 1 } else { 0 });
//! # Ok::<(), repo_policy::Error>(())
//! ```
//!
//! # The JSON report (`--format json`, schema `osec-repo-check-immutable/1`)
//!
//! Stable: fields are only ever added. Findings are sorted by package, then
//! code, then position; the same repository and revisions give the same bytes.
//!
//! ```text
//! {
//!   "schema": "osec-repo-check-immutable/1",
//!   "tool_version": "0.1.0",
//!   "repository": PATH,                                  // as given
//!   "base": {"revision": SPEC, "commit": HEX},           // SPEC as given, HEX the commit's full id
//!   "head": {"revision": SPEC, "commit": HEX},
//!   "versions": {"changed": N, "new": N, "removed": N},  // package directories that differ
//!   "errors": N,                                         // violations: exit 1 when > 0
//!   "warnings": N,
//!   "findings": [{
//!     "code": "POL001", "name": "checksum-changed", "severity": "error" | "warning",
//!     "package": "NAME.VERSION",
//!     "subject": "url" | "extra-source \"NAME\"" | "extra-files" | "patches" | "substs"
//!                | "build" | "files/PATH" | "opam" | "url" | "version",
//!     "message": TEXT,                                   // one line, without the package
//!     "location": LOCATION,                              // at HEAD; at BASE for removals
//!     "old": TEXT | null,                                // the value at BASE
//!     "new": TEXT | null,                                // the value at HEAD
//!     "old_location": LOCATION | null,                   // where the value at BASE was
//!     "help": TEXT                                       // what to do
//!   }]
//! }
//! LOCATION = {
//!   "revision": "base" | "head",
//!   "path": "packages/NAME/NAME.VERSION/opam",           // from the repository root, `/`-separated
//!   "region": {"start_line": N, "start_column": N, "end_line": N, "end_column": N} | null
//! }
//! ```
//!
//! Lines and columns are 1-based, columns count characters, and the end is just after
//! the value. Values are in opam's normalised syntax (`["fix.patch" {os = "linux"}]`),
//! checksums as `ALGO=HEX`, files of `files/` as `blob HEX` (with `(mode M)` when not a
//! plain file). `region` is null for a file under `files/`, a removed version, and a
//! removed section (then `location` is the opam file at HEAD).
//!
//! # `repo annotate`
//!
//! The versions an advisory affects are those the OSV export lists in `versions`
//! ([`advisory::to_osv::affected_versions`]), from the repository being annotated.
//! The field is added at the end of the file (after a newline when the file does not
//! end with one, which it then still does not), or its list rewritten, sorted, when
//! the IDs change; the IDs of advisories not given are kept. A withdrawn advisory
//! affects nothing: its ID is taken out. `--mark` marks an affected version when a
//! later version of the package is not affected:
//!
//! - `avoid-version` goes at the end of `flags`' list (`flags: conf` becomes
//!   `flags: [conf avoid-version]`; without `flags`, `flags: avoid-version` is added),
//!   as opam-repository marks versions today;
//! - `unavailable` makes `available: F` read `available: false & (F)` (inside the
//!   brackets of `available: [ F ]`), which opam evaluates to false while the old
//!   condition stays readable and restorable; without `available`, `available: false`
//!   is added.
//!
//! What osec added is recorded in `x-security-advisories-marks` (`"avoid-version"`,
//! `"avoid-version-listed"` for a single flag made a list, `"unavailable"`), so that
//! `--remove`, or a version no longer affected, takes out those marks and never one
//! a maintainer wrote; a mark changed by hand since is left, with a warning. A
//! version that already has the mark is not marked again.
//!
//! # `repo exposure` and its JSON (`--format json`, schema `osec-repo-exposure/1`)
//!
//! A package is *stuck* when its latest release (the greatest version whose
//! `available` is not false) can only be installed with an affected version:
//! `depends` read with opam's default flags (`build`, `post`; no `with-test`,
//! `with-doc`, `with-dev-setup`, `dev`), every dependency resolved to the versions
//! it admits (its constraint, minus `conflicts`, minus versions whose `available` is
//! false or whose own dependencies can't be met), and `|` alternatives honoured: it
//! is stuck only when every way of satisfying `depends` needs an affected version,
//! directly or through the versions its dependencies admit. Stable: fields are only
//! added.
//!
//! ```text
//! {
//!   "schema": "osec-repo-exposure/1",
//!   "tool_version": "0.1.0",
//!   "repositories": [SPEC, …],                    // as given, highest priority first
//!   "versions": N,                                // package versions read
//!   "advisories": [{
//!     "id": "OSEC-2026-16", "path": PATH, "withdrawn": BOOL,
//!     "packages": [{                              // one per `affected` entry
//!       "name": "cohttp", "constraint": "cohttp {< \"6.3.0\"}",
//!       "affected": [VERSION, …], "unaffected": [VERSION, …],   // released, opam's order
//!       "stuck": [{                               // by name, opam's order
//!         "name": NAME, "version": LATEST, "repository": SPEC,
//!         "maintainers": [TEXT, …],               // the `maintainer` field
//!         "direct": BOOL,                         // depends on the vulnerable package itself
//!         "blocking": [{                          // dependencies admitting only versions that need an affected one
//!           "name": NAME,
//!           "requirement": [TEXT, …],             // the elements of `depends` naming it, normalised
//!           "admitted": [VERSION, …]
//!         }]
//!       }]
//!     }]
//!   }],
//!   "rejected": [{"path": PATH, "errors": N}],   // advisories with lint errors: not used
//!   "unreadable": [{"package": "NAME.VERSION", "repository": SPEC, "path": PATH, "message": TEXT}]
//! }
//! ```
//!
//! # Limitations
//!
//! - `repo exposure` is not a solver: each dependency is judged on its own, so two
//!   dependencies that can only be met by different versions of one package, or a
//!   conflict between two dependencies' own dependencies, are not seen (a package is
//!   then missed, never listed wrongly for that reason). Filters over variables osec
//!   can't know (`os`, `arch`, `ocaml:version`) are taken as true in `depends` and
//!   false in `conflicts`: a package stuck only on some platforms is listed.
//! - `repo exposure` takes an unreadable opam file's version as installable without
//!   an affected version, and lists it (the command exits 2).
//! - `repo annotate` writes each file atomically, but not all files as one: an
//!   interrupted run leaves some files annotated, and the next run finishes.
//! - An unchanged md5 checksum is taken as proof that an archive only moved (POL006):
//!   opam itself accepts md5 checksums.
//! - Build commands are recognised by their program (`sed -i`, `perl -i`, `patch`,
//!   `git apply`/`am`, `awk -i inplace`, `ed`, and those inside `sh -c`); a script
//!   shipped in `files/` is only seen as a changed file.
//! - Package directories are found as opam finds them (a directory with a file
//!   `opam`); a version whose directory name is not `NAME.VERSION` is still compared,
//!   named by its directory.
//! - A changed file under `files/` is reported by blob id, without a content diff.
//! - A version removed before BASE and added again with another source is new to
//!   the range (checked for its checksum only): in opam-repository's history,
//!   `gappa.1.3.5` (commit 1fdce8d) and `noise.0.1.0` (ba7c59c, a different project
//!   under the same name) came back this way. Checking a range that spans the
//!   removal, or a new version against opam-repository-archive, catches it.

#![forbid(unsafe_code)]

mod advisories;
mod annotate;
mod codes;
mod error;
mod exposure;
mod git;
mod immutable;
mod report;

pub use advisories::{Advisories, LoadedAdvisory};
pub use annotate::{
    AdvisoryCoverage, AnnotateOptions, Annotation, FileEdit, Mark, Notice, PackageCoverage,
    annotate,
};
pub use codes::{Rule, rules_markdown};
pub use error::{Error, Result};
pub use exposure::{
    AdvisoryExposure, Blocking, Exposure, ExposureFormat, PackageExposure, StuckPackage,
    Unreadable, exposure,
};
pub use git::Revision;
pub use immutable::check_immutable;
pub use report::{Counts, Finding, Format, Location, Region, Report, Side};
