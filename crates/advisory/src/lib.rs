//! The OSEC advisory format: parsing with positions, the typed model, lint rules and
//! the canonical layout of the header.
//!
//! An advisory is a Markdown file `advisories/YYYY/OSEC-YYYY-NN.md`: a header in opam
//! syntax fenced by ```` ``` ```` lines, a `# Summary` heading and Markdown details.
//!
//! **Owns:** the advisory model ([`Advisory`], [`AdvisoryId`], vocabularies of the OSV
//! schema), reading a file into it ([`parse()`]), the lint rules and their registry
//! ([`lint`], with the whole `osec lint` run: [`lint::lint_paths`]), the canonical
//! header layout ([`format`], and `osec fmt` on one file: [`format::format_file`]),
//! the conversion to OSV ([`to_osv()`], field by field as the published
//! `generated-osv` records), the conversion back from OSV and CVE JSON 5 records into
//! drafts ([`import`], files included: [`import::import_files`]), drafts of new
//! advisories ([`draft`]), the IDs of a database ([`ids`]) and the skeleton of a
//! reporter's vulnerability report ([`report`]), and the comparison with another OSV
//! source ([`sync`]), with the text of each.
//! **Does not own:** the opam syntax (crate `opam-file`, whose parser reads the header
//! and whose diagnostic value the findings become), versions and repositories (crate
//! `opam-model`: the repository rules and the conversion take its
//! [`opam_model::ReleasedVersions`], read from `--repo` for the packages that
//! [`lint::affected_packages`] names), the OSV data model (crate `osv`), reading and
//! writing files safely (crate `safe-fs`: [`tree`] reads advisories through it,
//! `osec fmt` rewrites them with it).
//!
//! Phases, in order: [`markdown::Parts::split`] finds the header, summary and details;
//! `opam_file::parse` reads the header; [`parse()`] builds the [`Advisory`], with spans
//! shifted into the `.md` file, and reports structural problems as values
//! ([`ParseProblem`]); [`lint::lint_files`] turns those into findings of their rules
//! and runs the other rules (the parser does not depend on the linter;
//! [`lint::lint_read`] works on files as read from disk, where one that is unreadable
//! or not UTF-8 gets an `ADV028` finding); [`format::format_advisory`] prints the
//! header in canonical layout.
//!
//! ```
//! use advisory::lint::{lint_source, LintOptions, Rule};
//! let text = "```\nid: OSEC-2026-01\nmodified: \"2026-01-01T00:00:00Z\"\n\
//!             affected: \"pkg\" {< \"1.0\"}\ncolour: red\n```\n# Title\n";
//! let report = lint_source("OSEC-2026-01.md".as_ref(), text.to_owned(), &LintOptions::now());
//! assert_eq!(report.findings.len(), 1);
//! assert_eq!(report.findings[0].rule, Rule::UnknownField);
//! ```
//!
//! Rules: `ADV001`…`ADV030`, listed with their documentation in [`lint::Rule`]
//! (registry in `lint/codes.rs`, one file per rule in `lint/rules/`). Findings become
//! [`opam_file::Diagnostic`]s and are printed by opam-file's renderers
//! ([`lint::render`]: rustc-style text, SARIF 2.1.0) or as one JSON document.
//!
//! # Limitations
//! - `osec fmt` keeps a field's original text when a comment sits inside its value,
//!   drops blank lines between header fields, and writes the header with `\n` line
//!   ends (the rest of the file keeps its own).
//! - Dates in the future are judged against [`lint::LintOptions::now`]; CVSS scores
//!   are compared to one decimal, ratings by name (None, Low, Medium, High, Critical).

#![forbid(unsafe_code)]

pub mod date;
pub mod draft;
pub mod error;
pub mod format;
pub mod id;
pub mod ids;
pub mod import;
pub mod lint;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod report;
pub mod sync;
pub mod to_osv;
pub mod tree;

pub use error::{Error, Result};
pub use id::AdvisoryId;
pub use model::{
    Advisory, Affected, Alias, Constraint, ConstraintKind, Credit, CreditKind, Cwe, Event,
    EventKind, EventRange, RangeKind, Reference, ReferenceKind,
};
pub use parse::{ParseProblem, ParsedAdvisory, parse};
pub use to_osv::{Conversion, ConvertError, ConvertOptions, to_osv};
