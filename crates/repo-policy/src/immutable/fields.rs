//! The fields of a package version that define its source, read from the parsed
//! opam file with their spans: `url`, `extra-source`, `extra-files`, `patches`,
//! `substs`, and the build commands that edit the sources.
//!
//! Values are kept as parsed ([`Value`]), so that comparing them with
//! [`Value::without_spans`] ignores layout, comments and quoting: a reformatted file
//! compares equal.

use opam_file::{Item, ItemKind, OpamFile, Span, Value, ValueKind};
use opam_model::{Checksum, ChecksumKind};

use super::commands::modifies_sources;

/// Which file of a package directory a span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FileKind {
    /// `opam`.
    Opam,
    /// opam 1.2's `url` file.
    Url,
}

/// A place in one of a package directory's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Site {
    pub(crate) file: FileKind,
    pub(crate) span: Span,
}

/// A source: the `url` section (or opam 1.2's `url` file) or an `extra-source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceSection {
    /// The section (for the `url` file: its whole text).
    pub(crate) site: Site,
    /// `src:` (or `archive:`, or opam 1.2's `http:`, `git:`…), with its span.
    pub(crate) src: Option<(String, Span)>,
    /// The value of `checksum:`, when present.
    pub(crate) checksum_field: Option<Span>,
    /// The checksums that could be read, each with its string's span.
    pub(crate) checksums: Vec<(Checksum, Span)>,
}

impl SourceSection {
    /// The first checksum of each algorithm.
    pub(crate) fn checksum(&self, kind: ChecksumKind) -> Option<&(Checksum, Span)> {
        self.checksums.iter().find(|(sum, _)| sum.kind == kind)
    }

    /// Whether a sha256 or sha512 checksum is present.
    pub(crate) fn has_strong_checksum(&self) -> bool {
        self.checksums
            .iter()
            .any(|(sum, _)| matches!(sum.kind, ChecksumKind::Sha256 | ChecksumKind::Sha512))
    }

    /// Where the checksums are: the `checksum:` value, or the section without one.
    pub(crate) fn checksum_site(&self) -> Site {
        Site {
            file: self.site.file,
            span: self.checksum_field.unwrap_or(self.site.span),
        }
    }

    /// Where `src` is, or the section without one.
    pub(crate) fn src_site(&self) -> Site {
        Site {
            file: self.site.file,
            span: self.src.as_ref().map_or(self.site.span, |(_, span)| *span),
        }
    }
}

/// A field of a source that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidField {
    /// `url` or `extra-source "NAME"`.
    pub(crate) subject: String,
    pub(crate) site: Site,
    pub(crate) message: String,
}

/// The source-defining fields of one package version.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceFields {
    pub(crate) url: Option<SourceSection>,
    /// By name, in file order.
    pub(crate) extra_sources: Vec<(String, SourceSection)>,
    pub(crate) extra_files: Option<Value>,
    pub(crate) patches: Option<Value>,
    pub(crate) substs: Option<Value>,
    /// Commands of `build`, `install`, `run-test`, `build-test` and `build-doc` that
    /// edit the sources in place.
    pub(crate) editing_commands: Vec<Value>,
    pub(crate) invalid: Vec<InvalidField>,
}

/// The fields whose commands run on the package's sources.
const COMMAND_FIELDS: &[&str] = &["build", "install", "run-test", "build-test", "build-doc"];

/// The fields of opam 1.2's `url` file that give the source's address.
const SRC_FIELDS: &[&str] = &["src", "archive", "http", "git", "hg", "darcs", "local"];

impl SourceFields {
    /// Reads the fields of `opam`; `url_file` is opam 1.2's separate `url` file, used
    /// when the opam file has no `url` section.
    pub(crate) fn read(opam: &OpamFile, url_file: Option<&OpamFile>) -> SourceFields {
        let mut fields = SourceFields::default();
        for item in &opam.items {
            match &item.kind {
                ItemKind::Section(section) => {
                    let site = Site {
                        file: FileKind::Opam,
                        span: item.span,
                    };
                    match section.kind.value.as_str() {
                        "url" if fields.url.is_none() => {
                            fields.url = Some(read_source(
                                "url",
                                &section.items.value,
                                site,
                                &mut fields.invalid,
                            ));
                        }
                        "extra-source" => {
                            let name = section
                                .name
                                .as_ref()
                                .map(|n| String::from_utf8_lossy(&n.value).into_owned())
                                .unwrap_or_default();
                            let subject = format!("extra-source {name:?}");
                            let source = read_source(
                                &subject,
                                &section.items.value,
                                site,
                                &mut fields.invalid,
                            );
                            fields.extra_sources.push((name, source));
                        }
                        _ => {}
                    }
                }
                ItemKind::Variable(name, value) => match name.value.as_str() {
                    "extra-files" if fields.extra_files.is_none() => {
                        fields.extra_files = Some(value.clone());
                    }
                    "patches" if fields.patches.is_none() => fields.patches = Some(value.clone()),
                    "substs" if fields.substs.is_none() => fields.substs = Some(value.clone()),
                    field if COMMAND_FIELDS.contains(&field) => {
                        fields.editing_commands.extend(
                            commands(value)
                                .into_iter()
                                .filter(|command| modifies_sources(command))
                                .cloned(),
                        );
                    }
                    _ => {}
                },
            }
        }
        if fields.url.is_none()
            && let Some(url_file) = url_file
        {
            let span = url_file
                .items
                .first()
                .map_or(Span::default(), |first| first.span);
            let site = Site {
                file: FileKind::Url,
                span,
            };
            fields.url = Some(read_source(
                "url",
                &url_file.items,
                site,
                &mut fields.invalid,
            ));
        }
        fields
    }

    /// The sources: `url` first, then the extra sources, each with its name for
    /// messages (`url`, `extra-source "NAME"`).
    pub(crate) fn sources(&self) -> Vec<(String, &SourceSection)> {
        let url = self.url.iter().map(|url| ("url".to_owned(), url));
        let extra = self
            .extra_sources
            .iter()
            .map(|(name, source)| (format!("extra-source {name:?}"), source));
        url.chain(extra).collect()
    }
}

/// Reads a source section's items; problems go to `invalid`.
fn read_source(
    subject: &str,
    items: &[Item],
    site: Site,
    invalid: &mut Vec<InvalidField>,
) -> SourceSection {
    let mut report = |span: Span, message: String| {
        invalid.push(InvalidField {
            subject: subject.to_owned(),
            site: Site {
                file: site.file,
                span,
            },
            message,
        });
    };
    let src_value = SRC_FIELDS
        .iter()
        .find_map(|name| field(items, name).map(|value| (*name, value)));
    let src = match src_value {
        Some((_, value)) => match &value.kind {
            ValueKind::String(text) => {
                Some((String::from_utf8_lossy(text).into_owned(), value.span))
            }
            _ => {
                report(value.span, "`src` is not a string".to_owned());
                None
            }
        },
        None => {
            report(site.span, "no `src` field".to_owned());
            None
        }
    };
    let checksum_value = field(items, "checksum");
    let mut checksums = Vec::new();
    if let Some(value) = checksum_value {
        let elements: &[Value] = match &value.kind {
            ValueKind::List(list) => &list.value,
            _ => std::slice::from_ref(value),
        };
        for element in elements {
            match &element.kind {
                ValueKind::String(text) => match Checksum::parse(&String::from_utf8_lossy(text)) {
                    Ok(sum) => checksums.push((sum, element.span)),
                    Err(message) => report(element.span, message.to_string()),
                },
                _ => report(element.span, "a checksum is not a string".to_owned()),
            }
        }
    }
    SourceSection {
        site,
        src,
        checksum_field: checksum_value.map(|value| value.span),
        checksums,
    }
}

/// The value of the first field `name` among `items`.
fn field<'a>(items: &'a [Item], name: &str) -> Option<&'a Value> {
    items.iter().find_map(|item| match &item.kind {
        ItemKind::Variable(field, value) if field.value == name => Some(value),
        _ => None,
    })
}

/// The commands of a command field, as opam reads them: a list of lists (each
/// possibly with a filter) is a list of commands; a list of arguments is one command.
fn commands(value: &Value) -> Vec<&Value> {
    let ValueKind::List(list) = &value.kind else {
        return vec![value];
    };
    let is_command = |element: &Value| match &element.kind {
        ValueKind::List(_) => true,
        ValueKind::Option(inner, _) => matches!(inner.kind, ValueKind::List(_)),
        _ => false,
    };
    if !list.value.is_empty() && list.value.iter().all(is_command) {
        list.value.iter().collect()
    } else {
        vec![value]
    }
}

/// The elements of a list field; a single value is a list of one.
pub(crate) fn elements(value: &Value) -> &[Value] {
    match &value.kind {
        ValueKind::List(list) => &list.value,
        _ => std::slice::from_ref(value),
    }
}

/// A value in opam's normalised syntax, on one line, for messages.
pub(crate) fn value_text(value: &Value) -> String {
    let mut out = Vec::new();
    opam_file::print::normalise::print_value(&mut out, value);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> SourceFields {
        let file = opam_file::parse(text.as_bytes()).expect("parses");
        SourceFields::read(&file, None)
    }

    #[test]
    fn reads_url_checksums_and_extra_sources_with_spans() {
        let text = "url {\n  src: \"https://e.org/a.tgz\"\n  checksum: [\"md5=0123456789abcdef0123456789abcdef\" \"sha1=00\"]\n}\nextra-source \"p\" { src: \"https://e.org/p\" }\n";
        let fields = read(text);
        let url = fields.url.as_ref().expect("url");
        let (src, span) = url.src.as_ref().expect("src");
        assert_eq!(src, "https://e.org/a.tgz");
        assert_eq!(&text[span.range()], "\"https://e.org/a.tgz\"");
        assert_eq!(url.checksums.len(), 1);
        assert_eq!(
            &text[url.checksums[0].1.range()],
            "\"md5=0123456789abcdef0123456789abcdef\""
        );
        assert!(!url.has_strong_checksum());
        assert_eq!(fields.invalid.len(), 1);
        assert_eq!(fields.invalid[0].subject, "url");
        assert_eq!(&text[fields.invalid[0].site.span.range()], "\"sha1=00\"");
        assert_eq!(fields.extra_sources.len(), 1);
        assert_eq!(fields.extra_sources[0].0, "p");
        assert!(fields.extra_sources[0].1.checksums.is_empty());
    }

    #[test]
    fn url_file_of_opam_1_2_is_the_source_when_opam_has_none() {
        let opam = opam_file::parse(b"opam-version: \"1.2\"\n").expect("parses");
        let url = opam_file::parse(
            b"archive: \"http://e.org/a.tgz\"\nchecksum: \"0123456789abcdef0123456789abcdef\"\n",
        )
        .expect("parses");
        let fields = SourceFields::read(&opam, Some(&url));
        let source = fields.url.expect("url from the url file");
        assert_eq!(source.site.file, FileKind::Url);
        assert_eq!(source.src.expect("src").0, "http://e.org/a.tgz");
        assert_eq!(source.checksums[0].0.kind, ChecksumKind::Md5);
    }

    #[test]
    fn only_editing_commands_are_kept() {
        let fields = read(
            "build: [\n  [\"sed\" \"-i\" \"s/a/b/\" \"f\"] {os = \"linux\"}\n  [make]\n]\ninstall: [\"patch\" \"-p1\" \"-i\" \"x\"]\nremove: [\"sed\" \"-i\" \"x\" \"y\"]\n",
        );
        let texts: Vec<String> = fields.editing_commands.iter().map(value_text).collect();
        assert_eq!(
            texts,
            [
                "[\"sed\" \"-i\" \"s/a/b/\" \"f\"] {os = \"linux\"}",
                "[\"patch\" \"-p1\" \"-i\" \"x\"]"
            ]
        );
    }
}
