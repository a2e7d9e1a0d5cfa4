//! Which dependency kind each entry of a `depends:` or `depopts:` formula has.
//!
//! opam decides whether a dependency applies by evaluating its filter with the flags
//! `build`, `post`, `with-test`, `with-doc`, `with-dev-setup` and `dev` (opam's
//! `filter_deps`). An edge's kind is the first flag set under which the entry applies:
//! none (a normal dependency), then `build`, `post`, `with-test`, `with-doc`, `dev`,
//! `with-dev-setup`. Version constraints inside the braces are not evaluated here (the
//! installed set already satisfied them); they neither add nor remove the entry.
//!
//! Variables other than the flags (`os`, `arch`, `pkg:installed`…) are unknown here. An
//! entry whose filter depends on them is kept: it can only add an edge towards a package
//! that is installed anyway, which errs towards reporting a path rather than hiding one.

use opam_file::{LogOp, PfxOp, Value, ValueKind};

use super::inventory::DepKind;

/// One package named in a dependency formula, with the constraint list in its braces.
#[derive(Debug, Clone)]
pub(crate) struct Atom<'a> {
    /// The package name.
    pub(crate) name: &'a str,
    /// Where the name is written (for error messages of callers).
    pub(crate) offset: usize,
    /// The values inside `{ … }`, empty when there are none.
    pub(crate) constraints: &'a [Value],
}

/// Every package atom of a formula (`depends`, `depopts`, `conflicts` are lists of
/// them, combined with `&`, `|` and parentheses). A value that is not a formula is
/// returned as an error with its offset.
pub(crate) fn atoms(value: &Value) -> Result<Vec<Atom<'_>>, (usize, String)> {
    let mut out = Vec::new();
    collect(value, &mut out)?;
    Ok(out)
}

fn collect<'a>(value: &'a Value, out: &mut Vec<Atom<'a>>) -> Result<(), (usize, String)> {
    match &value.kind {
        ValueKind::List(items) | ValueKind::Group(items) => {
            for item in &items.value {
                collect(item, out)?;
            }
            Ok(())
        }
        ValueKind::Logop(_, left, right) => {
            collect(left, out)?;
            collect(right, out)
        }
        ValueKind::String(_) => out.push_atom(value, &[]),
        ValueKind::Option(inner, constraints) if matches!(inner.kind, ValueKind::String(_)) => {
            out.push_atom(inner, &constraints.value)
        }
        _ => Err((
            value.span.start as usize,
            "expected a package name (a string, optionally with `{ … }` constraints)".to_owned(),
        )),
    }
}

trait PushAtom<'a> {
    fn push_atom(
        &mut self,
        name: &'a Value,
        constraints: &'a [Value],
    ) -> Result<(), (usize, String)>;
}

impl<'a> PushAtom<'a> for Vec<Atom<'a>> {
    fn push_atom(
        &mut self,
        name: &'a Value,
        constraints: &'a [Value],
    ) -> Result<(), (usize, String)> {
        let offset = name.span.start as usize;
        let Some(text) = name.as_str() else {
            return Err((offset, "package name is not valid UTF-8".to_owned()));
        };
        self.push(Atom {
            name: text,
            offset,
            constraints,
        });
        Ok(())
    }
}

/// The flags of opam's `filter_deps`, each either set or not.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    build: bool,
    post: bool,
    test: bool,
    doc: bool,
    dev: bool,
    dev_setup: bool,
}

/// Kleene logic: a filter may be true, false, or unknown here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn of(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }
}

/// The kind of a dependency entry with these constraints, or `None` when no flag
/// setting makes it apply (for example `{false}`).
pub(crate) fn kind_of(constraints: &[Value]) -> Option<DepKind> {
    let applies = |flags: Flags| {
        constraints
            .iter()
            .fold(Truth::True, |acc, c| acc.and(entry_truth(c, flags)))
            != Truth::False
    };
    let settings = [
        (DepKind::Normal, Flags::default()),
        (
            DepKind::Build,
            Flags {
                build: true,
                ..Flags::default()
            },
        ),
        (
            DepKind::Post,
            Flags {
                post: true,
                ..Flags::default()
            },
        ),
        (
            DepKind::Test,
            Flags {
                test: true,
                ..Flags::default()
            },
        ),
        (
            DepKind::Doc,
            Flags {
                doc: true,
                ..Flags::default()
            },
        ),
        (
            DepKind::Dev,
            Flags {
                dev: true,
                ..Flags::default()
            },
        ),
        (
            DepKind::DevSetup,
            Flags {
                dev_setup: true,
                ..Flags::default()
            },
        ),
    ];
    if let Some((kind, _)) = settings.iter().find(|(_, flags)| applies(*flags)) {
        return Some(*kind);
    }
    let all = Flags {
        build: true,
        post: true,
        test: true,
        doc: true,
        dev: true,
        dev_setup: true,
    };
    // Needs several flags at once (`{with-test & with-doc}`): a development dependency.
    applies(all).then_some(DepKind::Test)
}

/// Truth of one item inside the braces of a dependency: version constraints are
/// `Unknown` (they do not decide whether the entry applies), the rest is a filter.
fn entry_truth(value: &Value, flags: Flags) -> Truth {
    match &value.kind {
        ValueKind::PrefixRelop(..) => Truth::Unknown,
        ValueKind::Logop(op, left, right) => {
            let (l, r) = (entry_truth(left, flags), entry_truth(right, flags));
            match op.value {
                LogOp::And => l.and(r),
                LogOp::Or => l.or(r),
            }
        }
        ValueKind::Pfxop(op, inner) if op.value == PfxOp::Not => entry_truth(inner, flags).not(),
        ValueKind::Group(items) => match items.value.as_slice() {
            [] => Truth::True,
            [single] => entry_truth(single, flags),
            _ => Truth::Unknown,
        },
        _ => filter_truth(value, flags),
    }
}

fn filter_truth(value: &Value, flags: Flags) -> Truth {
    match &value.kind {
        ValueKind::Bool(b) => Truth::of(*b),
        ValueKind::String(s) => match s.as_slice() {
            b"true" => Truth::True,
            b"false" => Truth::False,
            _ => Truth::Unknown,
        },
        ValueKind::Ident(name) => match name.as_str() {
            "build" => Truth::of(flags.build),
            "post" => Truth::of(flags.post),
            "with-test" => Truth::of(flags.test),
            "with-doc" => Truth::of(flags.doc),
            "dev" => Truth::of(flags.dev),
            "with-dev-setup" => Truth::of(flags.dev_setup),
            _ => Truth::Unknown,
        },
        ValueKind::Logop(op, left, right) => {
            let (l, r) = (filter_truth(left, flags), filter_truth(right, flags));
            match op.value {
                LogOp::And => l.and(r),
                LogOp::Or => l.or(r),
            }
        }
        ValueKind::Pfxop(op, inner) => match op.value {
            PfxOp::Not => filter_truth(inner, flags).not(),
            PfxOp::Defined => match inner.as_ident() {
                Some("build" | "post" | "with-test" | "with-doc" | "dev" | "with-dev-setup") => {
                    Truth::True
                }
                _ => Truth::Unknown,
            },
        },
        ValueKind::Group(items) => match items.value.as_slice() {
            [] => Truth::True,
            [single] => filter_truth(single, flags),
            _ => Truth::Unknown,
        },
        _ => Truth::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::opam_syntax;
    use opam_file::ItemKind;

    fn depends(src: &str) -> Vec<(String, Option<DepKind>)> {
        let file = opam_syntax::parse(&format!("depends: [{src}]")).expect("parses");
        let Some(ItemKind::Variable(_, value)) = file.items.first().map(|i| &i.kind) else {
            panic!("no field");
        };
        atoms(value)
            .expect("a formula")
            .into_iter()
            .map(|a| (a.name.to_owned(), kind_of(a.constraints)))
            .collect()
    }

    fn kind(constraint: &str) -> Option<DepKind> {
        depends(&format!("\"p\" {{{constraint}}}"))
            .first()
            .and_then(|(_, k)| *k)
    }

    #[test]
    fn classifies_flags_as_opam_filter_deps_does() {
        assert_eq!(kind(""), Some(DepKind::Normal));
        assert_eq!(kind(">= \"1.0\""), Some(DepKind::Normal));
        assert_eq!(kind("build"), Some(DepKind::Build));
        assert_eq!(kind(">= \"3.8\" & build"), Some(DepKind::Build));
        assert_eq!(kind("= \"4.14.2\" & post"), Some(DepKind::Post));
        assert_eq!(kind("with-test"), Some(DepKind::Test));
        assert_eq!(kind("with-test & >= \"1.7.0\""), Some(DepKind::Test));
        assert_eq!(kind("with-doc"), Some(DepKind::Doc));
        assert_eq!(kind("dev"), Some(DepKind::Dev));
        assert_eq!(
            kind("with-dev-setup & >= \"1.7.3-1\""),
            Some(DepKind::DevSetup)
        );
        // `{with-test | < "1.0"}` applies without any flag (with a constraint).
        assert_eq!(kind("with-test | < \"1.0\""), Some(DepKind::Normal));
        assert_eq!(kind("!with-test"), Some(DepKind::Normal));
        assert_eq!(kind("with-test & with-doc"), Some(DepKind::Test));
        assert_eq!(kind("false"), None);
        assert_eq!(kind("with-test & false"), None);
        // unknown variables keep the entry
        assert_eq!(kind("os = \"win32\""), Some(DepKind::Normal));
        assert_eq!(kind("with-doc & os = \"linux\""), Some(DepKind::Doc));
    }

    #[test]
    fn finds_every_atom_of_a_formula() {
        let found = depends(
            "\"a\" \"b\" {build} (\"c\" | \"d\" {with-test}) \"e\" {>= \"1\"} & \"f\" {with-doc}",
        );
        let names: Vec<_> = found.iter().map(|(n, k)| (n.as_str(), *k)).collect();
        assert_eq!(
            names,
            [
                ("a", Some(DepKind::Normal)),
                ("b", Some(DepKind::Build)),
                ("c", Some(DepKind::Normal)),
                ("d", Some(DepKind::Test)),
                ("e", Some(DepKind::Normal)),
                ("f", Some(DepKind::Doc)),
            ]
        );
    }

    #[test]
    fn rejects_values_that_are_not_formulas() {
        let file = opam_syntax::parse("depends: [\"a\" b]").expect("parses");
        let Some(ItemKind::Variable(_, value)) = file.items.first().map(|i| &i.kind) else {
            panic!("no field");
        };
        let (offset, _) = atoms(value).expect_err("ident is not a package");
        assert_eq!(offset, 14);
    }
}
