//! `osec opam check`: which of many opam files opam would reject, and the report
//! of it for people (rustc-style text and a summary line), as JSON lines, or as
//! SARIF. The files are read by [`OpamFiles`]; a file that cannot be read is
//! counted apart and named in [`CheckReport::unreadable_text`].

use opam_file::SourceFile;
use opam_file::diagnostic::{self, Diagnostic, SarifTool};

use crate::{Error, OpamFiles, OpamInput};

/// How [`CheckReport::render`] writes the failed files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum CheckFormat {
    /// rustc-style text.
    Human,
    /// One JSON object per line.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// What checking a set of opam files found.
#[derive(Debug)]
pub struct CheckReport {
    /// The files that failed to parse, with their diagnostics, in the order read.
    pub failures: Vec<(SourceFile, Vec<Diagnostic>)>,
    /// The files that could not be read.
    pub unreadable: Vec<Error>,
    /// How many files were read and parsed.
    pub checked: usize,
}

impl CheckReport {
    /// Parses every file of `files`, on every core.
    pub fn of(files: &OpamFiles) -> CheckReport {
        let mut report = CheckReport {
            failures: Vec::new(),
            unreadable: Vec::new(),
            checked: files.len(),
        };
        for result in files.filter_map(check_one) {
            match result {
                Ok(failure) => report.failures.push(failure),
                Err(error) => report.unreadable.push(error),
            }
        }
        report.checked -= report.unreadable.len();
        report
    }

    /// The report in `format` (a SARIF log names `tool` as its maker).
    pub fn render(&self, format: CheckFormat, tool: &SarifTool<'_>) -> String {
        match format {
            CheckFormat::Human => self.render_human(),
            CheckFormat::Json => self.render_json(),
            CheckFormat::Sarif => self.render_sarif(tool),
        }
    }

    /// The diagnostics of the failed files for people (file names and quoted lines
    /// with their control characters escaped), then `checked N files, M failed`.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        for (source, diagnostics) in &self.failures {
            // File and tar entry names may hold control characters, and the
            // quoted lines C1 controls (the renderer shows the others as symbols).
            let mut source = source.clone();
            source.path = safe_fs::escape_control(&source.path).into_owned();
            source.text = safe_fs::mask_c1_controls(&source.text).into_owned();
            out.push_str(&diagnostic::render_human(&source, diagnostics));
        }
        out.push_str(&format!(
            "checked {} files, {} failed",
            self.checked,
            self.failures.len()
        ));
        if !self.unreadable.is_empty() {
            out.push_str(&format!(", {} could not be read", self.unreadable.len()));
        }
        out.push('\n');
        out
    }

    /// One JSON object per diagnostic and line.
    pub fn render_json(&self) -> String {
        self.failures
            .iter()
            .map(|(source, diagnostics)| diagnostic::render_json_lines(source, diagnostics))
            .collect()
    }

    /// One SARIF 2.1.0 log made by `tool`, with a final newline.
    pub fn render_sarif(&self, tool: &SarifTool<'_>) -> String {
        let files: Vec<(&SourceFile, &[Diagnostic])> = self
            .failures
            .iter()
            .map(|(source, diagnostics)| (source, diagnostics.as_slice()))
            .collect();
        format!(
            "{}\n",
            diagnostic::sarif(tool, &files, diagnostic::SYNTAX_RULES)
        )
    }

    /// An `error:` line for each file that could not be read (with a `help:` line
    /// for one over the size limit, given with `--max-file-size`).
    pub fn unreadable_text(&self) -> String {
        let mut out = String::new();
        for error in &self.unreadable {
            out.push_str(&format!(
                "error: {}\n",
                safe_fs::escape_control(&error.to_string())
            ));
            if matches!(error, Error::TooLarge { .. }) {
                out.push_str("help: raise the limit with --max-file-size BYTES\n");
            }
        }
        out
    }
}

/// Parses one file whose bytes are `bytes`; `None` when it parses. A [`SourceFile`]
/// (which copies the text and indexes its lines) is only built for a file that fails.
fn check_one(input: &OpamInput, bytes: &[u8]) -> Option<(SourceFile, Vec<Diagnostic>)> {
    let Err(error) = opam_file::parse(bytes) else {
        return None;
    };
    Some((
        SourceFile::new(input.name().into_owned(), bytes),
        vec![Diagnostic::from_parse_error(&error)],
    ))
}
