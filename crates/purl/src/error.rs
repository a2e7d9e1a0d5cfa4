//! The error type: what is wrong, in which component, with which text, where.

use std::fmt;
use std::ops::Range;

/// The part of a package URL an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Component {
    /// `pkg:`.
    Scheme,
    /// The type, such as `opam`.
    Type,
    /// The namespace (segments before the name).
    Namespace,
    /// The name.
    Name,
    /// The version, after `@`.
    Version,
    /// The qualifiers, after `?`.
    Qualifiers,
    /// The subpath, after `#`.
    Subpath,
}

impl Component {
    /// The component's name as the specification spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Scheme => "scheme",
            Component::Type => "type",
            Component::Namespace => "namespace",
            Component::Name => "name",
            Component::Version => "version",
            Component::Qualifiers => "qualifiers",
            Component::Subpath => "subpath",
        }
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of problem an [`Error`] reports.
///
/// The first group are syntax errors (the text is not a package URL); the
/// second are violations of a type's rules ([`ErrorKind::is_type_rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text does not start with `pkg:`.
    MissingScheme,
    /// The type is missing or has characters outside `[A-Za-z0-9.-]`, or does
    /// not start with a letter.
    InvalidType,
    /// There is no name (empty, or the path ends with `/`).
    MissingName,
    /// A `%` is not followed by two hexadecimal digits.
    MalformedEscape,
    /// Percent-decoding gives bytes that are not UTF-8.
    InvalidUtf8,
    /// A decoded namespace or subpath segment contains `/`.
    SlashInSegment,
    /// A qualifier key is not `[a-z][a-z0-9._-]*`.
    InvalidQualifierKey,
    /// The same qualifier key appears twice.
    DuplicateQualifierKey,
    /// A qualifier has no `=`.
    QualifierWithoutEquals,
    /// Both a version and the `vers` qualifier (a version range), which
    /// Annex B makes mutually exclusive.
    VersionAndVers,
    /// The type requires a namespace and there is none.
    NamespaceRequired,
    /// The type prohibits a namespace and there is one.
    NamespaceProhibited,
    /// The type requires a qualifier that is absent.
    MissingRequiredQualifier,
    /// A component does not match the type's permitted characters.
    NotPermitted,
    /// A component breaks a rule the type definition states in prose.
    TypeRule,
}

impl ErrorKind {
    /// Whether the problem is a type's rule rather than the generic syntax.
    pub fn is_type_rule(self) -> bool {
        matches!(
            self,
            ErrorKind::NamespaceRequired
                | ErrorKind::NamespaceProhibited
                | ErrorKind::MissingRequiredQualifier
                | ErrorKind::NotPermitted
                | ErrorKind::TypeRule
        )
    }
}

/// A package URL that cannot be parsed or built.
///
/// It names the component, the offending text (decoded where that helps) and,
/// for parse errors, the byte range of that text in the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(*.component, .text, .message))]
pub struct Error {
    kind: ErrorKind,
    component: Component,
    text: String,
    message: String,
    span: Option<Range<usize>>,
}

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        component: Component,
        text: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            kind,
            component,
            text: text.into(),
            message: message.into(),
            span: None,
        }
    }

    /// Attaches the byte range in the parsed input, unless one is already set.
    pub(crate) fn at(mut self, span: Range<usize>) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The component the problem is in.
    pub fn component(&self) -> Component {
        self.component
    }

    /// The offending text (may be empty, for a missing component).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What is wrong, without the component and text.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte range of the offending text in the parsed input (parse errors only).
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The error as `osec purl` shows it: `error: invalid package URL: …`, then,
    /// for a parse error, its column and `input` with carets under the offending
    /// text. No final newline.
    pub fn render_with_input(&self, input: &str) -> String {
        let mut out = format!("error: invalid package URL: {self}");
        if let Some(span) = self.span() {
            let before = input.get(..span.start).unwrap_or_default();
            let marked = input.get(span).unwrap_or_default();
            let column = before.chars().count() + 1;
            out.push_str(&format!(
                "\n --> column {column}\n  |\n  | {input}\n  | {}{}",
                " ".repeat(column - 1),
                "^".repeat(marked.chars().count().max(1))
            ));
        }
        out
    }
}

fn describe(component: Component, text: &str, message: &str) -> String {
    if text.is_empty() {
        format!("{component}: {message}")
    } else {
        format!("{component} {text:?}: {message}")
    }
}
