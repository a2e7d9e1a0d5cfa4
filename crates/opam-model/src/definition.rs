//! The parsed opam file of one package version, with the fields this crate
//! interprets: sources (`url`, `extra-source`), dependencies and availability.

use std::path::Path;

use opam_file::{Item, ItemKind, OpamFile, Span, Value, ValueKind};

use crate::error::{ChecksumError, DefinitionError, Error};
use crate::filter::Filter;
use crate::formula::{DependencyFormula, Formula, Junction};

/// A checksum algorithm of opam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChecksumKind {
    /// `md5=…` (also a bare 32-digit hex string).
    Md5,
    /// `sha256=…`
    Sha256,
    /// `sha512=…`
    Sha512,
}

/// A checksum of a source archive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Checksum {
    /// The algorithm.
    pub kind: ChecksumKind,
    /// The hash in lowercase hexadecimal.
    pub hex: String,
}

impl Checksum {
    /// Parses `md5=…`, `sha256=…`, `sha512=…`, or a bare md5, checking the length
    /// and digits of the hash.
    pub fn parse(text: &str) -> Result<Checksum, ChecksumError> {
        let (kind, hex) = match text.split_once('=') {
            Some(("md5", hex)) => (ChecksumKind::Md5, hex),
            Some(("sha256", hex)) => (ChecksumKind::Sha256, hex),
            Some(("sha512", hex)) => (ChecksumKind::Sha512, hex),
            Some((other, _)) => {
                return Err(ChecksumError::UnknownAlgorithm {
                    algorithm: other.to_owned(),
                    text: text.to_owned(),
                });
            }
            None => (ChecksumKind::Md5, text),
        };
        let expected = match kind {
            ChecksumKind::Md5 => 32,
            ChecksumKind::Sha256 => 64,
            ChecksumKind::Sha512 => 128,
        };
        if hex.len() != expected || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(ChecksumError::InvalidHash {
                text: text.to_owned(),
                digits: expected,
            });
        }
        Ok(Checksum {
            kind,
            hex: hex.to_ascii_lowercase(),
        })
    }
}

/// Where a source comes from: the `url { … }` section or an `extra-source`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// `src:` (or the older `archive:`), as written.
    pub src: String,
    /// `checksum:`, a string or a list.
    pub checksums: Vec<Checksum>,
    /// `mirrors:`.
    pub mirrors: Vec<String>,
}

/// An `extra-source "NAME" { … }` section.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtraSource {
    /// The file name the source is saved as.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
}

/// A parsed opam file of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDefinition {
    /// The file's items.
    pub file: OpamFile,
    /// The `url` section.
    pub url: Option<Source>,
    /// The `extra-source` sections, in file order.
    pub extra_sources: Vec<ExtraSource>,
}

impl PackageDefinition {
    /// Parses the opam file `path` (relative to its repository, for messages) and
    /// reads its sources.
    pub(crate) fn parse(bytes: &[u8], path: &Path) -> Result<PackageDefinition, Error> {
        let error = |span: Span, problem: DefinitionError| {
            let (line, column) = line_column(bytes, span);
            Error::OpamFile {
                path: path.to_owned(),
                span,
                line,
                column,
                problem,
            }
        };
        let file =
            opam_file::parse(bytes).map_err(|e| error(e.span(), DefinitionError::Syntax(e)))?;
        let mut url = None;
        let mut extra_sources = Vec::new();
        for item in &file.items {
            if let ItemKind::Section(section) = &item.kind {
                match section.kind.value.as_str() {
                    "url" => {
                        url = Some(
                            read_source(&section.items.value)
                                .map_err(|(span, problem)| error(span, problem))?,
                        );
                    }
                    "extra-source" => {
                        let name = section
                            .name
                            .as_ref()
                            .map(|n| String::from_utf8_lossy(&n.value).into_owned())
                            .unwrap_or_default();
                        let source = read_source(&section.items.value)
                            .map_err(|(span, problem)| error(span, problem))?;
                        extra_sources.push(ExtraSource { name, source });
                    }
                    _ => {}
                }
            }
        }
        Ok(PackageDefinition {
            file,
            url,
            extra_sources,
        })
    }

    /// The value of a top-level field.
    pub fn field(&self, name: &str) -> Option<&Value> {
        field(&self.file.items, name)
    }

    /// `depends:` (elements `&`-ed); `Empty` when absent.
    pub fn depends(&self) -> Result<DependencyFormula, Error> {
        self.dependency_field("depends", Junction::And)
    }

    /// `depopts:` (elements `|`-ed); `Empty` when absent.
    pub fn depopts(&self) -> Result<DependencyFormula, Error> {
        self.dependency_field("depopts", Junction::Or)
    }

    /// `conflicts:` (elements `|`-ed); `Empty` when absent.
    pub fn conflicts(&self) -> Result<DependencyFormula, Error> {
        self.dependency_field("conflicts", Junction::Or)
    }

    /// `available:`; `true` when absent. As opam does, a list of at most one filter
    /// is read as that filter (`available: [ os != "win32" ]`, as opam 1.2 wrote it
    /// and many files of opam-repository still do).
    pub fn available(&self) -> Result<Filter, Error> {
        match self.field("available") {
            Some(Value {
                kind: ValueKind::List(items),
                ..
            }) => Filter::from_values(&items.value),
            Some(value) => Filter::from_value(value),
            None => Ok(Filter::Bool(true)),
        }
    }

    fn dependency_field(&self, name: &str, junction: Junction) -> Result<DependencyFormula, Error> {
        match self.field(name) {
            Some(value) => DependencyFormula::from_value(value, junction),
            None => Ok(Formula::Empty),
        }
    }
}

fn field<'a>(items: &'a [Item], name: &str) -> Option<&'a Value> {
    items.iter().find_map(|item| match &item.kind {
        ItemKind::Variable(field, value) if field.value == name => Some(value),
        _ => None,
    })
}

fn read_source(items: &[Item]) -> Result<Source, (Span, DefinitionError)> {
    let string = |value: &Value| -> Result<String, (Span, DefinitionError)> {
        match &value.kind {
            ValueKind::String(s) => Ok(String::from_utf8_lossy(s).into_owned()),
            _ => Err((value.span, DefinitionError::NotAString)),
        }
    };
    let strings = |value: &Value| -> Result<Vec<String>, (Span, DefinitionError)> {
        match &value.kind {
            ValueKind::List(list) => list.value.iter().map(string).collect(),
            _ => Ok(vec![string(value)?]),
        }
    };
    let src_value = field(items, "src").or_else(|| field(items, "archive"));
    let src = match src_value {
        Some(value) => string(value)?,
        None => {
            let span = items.first().map(|i| i.span).unwrap_or_default();
            return Err((span, DefinitionError::MissingSrc));
        }
    };
    let checksums = match field(items, "checksum") {
        Some(value) => {
            let texts = strings(value)?;
            texts
                .iter()
                .map(|t| Checksum::parse(t).map_err(|e| (value.span, DefinitionError::Checksum(e))))
                .collect::<Result<_, _>>()?
        }
        None => Vec::new(),
    };
    let mirrors = field(items, "mirrors")
        .map(strings)
        .transpose()?
        .unwrap_or_default();
    Ok(Source {
        src,
        checksums,
        mirrors,
    })
}

/// The line and column (both from 1, the column in bytes) of a span's start.
fn line_column(text: &[u8], span: Span) -> (usize, usize) {
    let offset = usize::try_from(span.start)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = text.get(..offset).unwrap_or_default();
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::GlobalEnvironment;

    fn available(text: &str) -> Result<Filter, Error> {
        let definition =
            PackageDefinition::parse(text.as_bytes(), Path::new("opam")).expect("the file parses");
        definition.available()
    }

    #[test]
    fn available_may_be_a_list_of_one_filter() {
        let env = GlobalEnvironment::from_bindings("os=win32");
        for text in [
            "available: os != \"win32\"\n",
            "available: [ os != \"win32\" ]\n",
            "available: [ (os != \"win32\") ]\n",
        ] {
            let filter = available(text).expect(text);
            assert!(!filter.eval_to_bool(&env, true), "{text}");
        }
        assert_eq!(available("available: []\n").ok(), Some(Filter::Bool(true)));
        assert_eq!(available("x: 1\n").ok(), Some(Filter::Bool(true)));
        assert!(available("available: [ true false ]\n").is_err());
    }
}
