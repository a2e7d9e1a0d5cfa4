//! One module per rule. Each holds the rule's documentation (`DOC`, with the headings
//! What it checks / Why / Example / Fix) and either the check itself (`check`) or, for
//! the structural rules found while reading the file, the constructor of its finding.

pub(crate) mod date_in_future;
pub(crate) mod draft_text;
pub(crate) mod duplicate_field;
pub(crate) mod duplicate_id;
pub(crate) mod header_syntax;
pub(crate) mod id_file_mismatch;
pub(crate) mod id_year_mismatch;
pub(crate) mod insecure_url;
pub(crate) mod invalid_alias;
pub(crate) mod invalid_cvss;
pub(crate) mod invalid_cwe;
pub(crate) mod invalid_date;
pub(crate) mod invalid_field_value;
pub(crate) mod invalid_git_commit;
pub(crate) mod invalid_id;
pub(crate) mod missing_field;
pub(crate) mod missing_header;
pub(crate) mod missing_summary;
pub(crate) mod no_affected_release;
pub(crate) mod published_after_modified;
pub(crate) mod reserved_id_published;
pub(crate) mod severity_score_mismatch;
pub(crate) mod summary_too_long;
pub(crate) mod unknown_credit_type;
pub(crate) mod unknown_event_type;
pub(crate) mod unknown_field;
pub(crate) mod unknown_package;
pub(crate) mod unknown_reference_type;
pub(crate) mod unreadable_file;
pub(crate) mod unreleased_upper_bound;

use super::{FileContext, Finding};
use crate::parse::ParseProblem;

/// The finding of a problem found while reading the file, by the rule it breaks.
pub(crate) fn parse_problem(problem: &ParseProblem) -> Finding {
    match problem {
        ParseProblem::MissingHeader(error) => missing_header::finding(error),
        ParseProblem::HeaderSyntax {
            error,
            header_offset,
        } => header_syntax::finding(error, *header_offset),
        ParseProblem::MissingSummary { span } => missing_summary::finding(*span),
        ParseProblem::UnexpectedSection { kind, span } => unknown_field::section(kind, *span),
        ParseProblem::UnknownField { name, span } => unknown_field::finding(name, *span),
        ParseProblem::DuplicateField { name, span, first } => {
            duplicate_field::finding(name, *span, *first)
        }
        ParseProblem::InvalidFieldValue {
            name,
            expected,
            found,
            span,
        } => invalid_field_value::finding(name, expected, found, *span),
        ParseProblem::MissingField { name, open_fence } => {
            missing_field::finding(name, *open_fence)
        }
    }
}

/// Runs every per-file check that works on the model.
pub(crate) fn check_file(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    summary_too_long::check(cx, out);
    invalid_id::check(cx, out);
    id_file_mismatch::check(cx, out);
    id_year_mismatch::check(cx, out);
    invalid_date::check(cx, out);
    published_after_modified::check(cx, out);
    date_in_future::check(cx, out);
    invalid_cvss::check(cx, out);
    severity_score_mismatch::check(cx, out);
    invalid_cwe::check(cx, out);
    invalid_alias::check(cx, out);
    unknown_reference_type::check(cx, out);
    unknown_credit_type::check(cx, out);
    insecure_url::check(cx, out);
    invalid_git_commit::check(cx, out);
    unknown_event_type::check(cx, out);
    draft_text::check(cx, out);
    if let Some(packages) = cx.options.packages {
        unknown_package::check(cx, packages, out);
        no_affected_release::check(cx, packages, out);
        unreleased_upper_bound::check(cx, packages, out);
    }
}
