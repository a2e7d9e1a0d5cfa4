//! Which dependency kind each entry of a `depends:` or `depopts:` formula has.
//!
//! opam decides whether a dependency applies by evaluating its filter with the flags
//! `build`, `post`, `with-test`, `with-doc`, `with-dev-setup` and `dev` (opam's
//! `filter_deps`; the filters are read and evaluated by crate `opam-model`). An edge's kind is the first flag set under which the entry applies:
//! none (a normal dependency), then `build`, `post`, `with-test`, `with-doc`, `dev`,
//! `with-dev-setup`. Version constraints inside the braces are not evaluated here (the
//! installed set already satisfied them); they neither add nor remove the entry.
//!
//! Variables other than the flags (`os`, `arch`, `pkg:installed`…) are unknown here. An
//! entry whose filter depends on them is kept: it can only add an edge towards a package
//! that is installed anyway, which errs towards reporting a path rather than hiding one.

use std::collections::HashMap;

use opam_file::{Span, Value, ValueKind};
use opam_model::{
    DependencyFlags, FilteredConstraint, FilteredFormula, Formula, Partial, VariableScope,
    VariableValue,
};

use super::inventory::DepKind;

/// One package named in a dependency formula, with the constraint list in its braces.
#[derive(Debug, Clone)]
pub(crate) struct Atom<'a> {
    /// The package name.
    pub(crate) name: &'a str,
    /// Where the name is written (for error messages of callers).
    pub(crate) offset: usize,
    /// Where the entry ends: after the closing brace of its constraints, else after
    /// the name.
    pub(crate) end: usize,
    /// The values inside `{ … }`, empty when there are none.
    pub(crate) constraints: &'a [Value],
}

/// A dependency formula that cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FormulaError {
    /// A value where a package name belongs.
    #[error("expected a package name (a string, optionally with `{{ … }}` constraints)")]
    NotAPackage {
        /// The value.
        span: Span,
    },
    /// A package name whose bytes are not UTF-8.
    #[error("package name is not valid UTF-8")]
    NameNotUtf8 {
        /// The name.
        span: Span,
    },
    /// Braces that are not a filtered constraint (opam-model's message).
    #[error("{message}")]
    Constraint {
        /// Where reading stopped.
        span: Span,
        /// What is wrong.
        message: String,
    },
}

impl FormulaError {
    /// Where the problem is.
    pub(crate) fn span(&self) -> Span {
        match self {
            FormulaError::NotAPackage { span }
            | FormulaError::NameNotUtf8 { span }
            | FormulaError::Constraint { span, .. } => *span,
        }
    }
}

/// Every package atom of a formula (`depends`, `depopts`, `conflicts` are lists of
/// them, combined with `&`, `|` and parentheses). A value that is not a formula is
/// an error.
pub(crate) fn atoms(value: &Value) -> Result<Vec<Atom<'_>>, FormulaError> {
    let mut out = Vec::new();
    collect(value, &mut out)?;
    Ok(out)
}

fn collect<'a>(value: &'a Value, out: &mut Vec<Atom<'a>>) -> Result<(), FormulaError> {
    match &value.kind {
        ValueKind::List(items) | ValueKind::Group(items) => {
            for item in &items.value {
                collect(item, out)?;
            }
            Ok(())
        }
        ValueKind::Logop(chain) => {
            for operand in &chain.operands {
                collect(operand, out)?;
            }
            Ok(())
        }
        ValueKind::String(_) => out.push_atom(value, &[], value.span.end as usize),
        ValueKind::Option(inner, constraints) if matches!(inner.kind, ValueKind::String(_)) => {
            out.push_atom(inner, &constraints.value, value.span.end as usize)
        }
        _ => Err(FormulaError::NotAPackage { span: value.span }),
    }
}

trait PushAtom<'a> {
    fn push_atom(
        &mut self,
        name: &'a Value,
        constraints: &'a [Value],
        end: usize,
    ) -> Result<(), FormulaError>;
}

impl<'a> PushAtom<'a> for Vec<Atom<'a>> {
    fn push_atom(
        &mut self,
        name: &'a Value,
        constraints: &'a [Value],
        end: usize,
    ) -> Result<(), FormulaError> {
        let offset = name.span.start as usize;
        let Some(text) = name.as_str() else {
            return Err(FormulaError::NameNotUtf8 { span: name.span });
        };
        self.push(Atom {
            name: text,
            offset,
            end,
            constraints,
        });
        Ok(())
    }
}

/// The kind of a dependency entry whose braces hold `constraints`, or `None` when no
/// flag setting makes it apply (for example `{false}`). An error when the braces
/// are not a filtered constraint (opam-model reads them).
pub(crate) fn kind_of(constraints: &[Value]) -> Result<Option<DepKind>, FormulaError> {
    // Fast path for the common case: no braces, or version constraints only.
    if constraints.iter().all(is_version_only) {
        return Ok(Some(DepKind::Normal));
    }
    let formula = FilteredFormula::from_values(constraints).map_err(|e| match e {
        opam_model::Error::Formula(f) => FormulaError::Constraint {
            span: f.span,
            message: f.message,
        },
        other => FormulaError::Constraint {
            span: constraints.first().map_or(Span::new(0, 0), |c| c.span),
            message: other.to_string(),
        },
    })?;
    Ok(kind_of_formula(&formula))
}

/// Kinds already computed, by the source text of the braces: the same few constraint
/// texts (`{with-test}`, `{build}`) recur across the opam files of a switch.
#[derive(Debug, Default)]
pub(crate) struct KindCache {
    kinds: HashMap<Vec<u8>, Option<DepKind>>,
}

impl KindCache {
    /// [`kind_of`], remembered by the constraints' text in `source`.
    pub(crate) fn kind_of(
        &mut self,
        source: &[u8],
        constraints: &[Value],
    ) -> Result<Option<DepKind>, FormulaError> {
        let key = match (constraints.first(), constraints.last()) {
            (Some(first), Some(last)) => {
                source.get(first.span.start as usize..last.span.end as usize)
            }
            _ => None,
        };
        let Some(key) = key else {
            return kind_of(constraints);
        };
        if let Some(kind) = self.kinds.get(key) {
            return Ok(*kind);
        }
        let kind = kind_of(constraints)?;
        self.kinds.insert(key.to_vec(), kind);
        Ok(kind)
    }
}

/// True for `op "version"` and `&`, `|`, `( )` of those: no filter, so always applies.
fn is_version_only(value: &Value) -> bool {
    match &value.kind {
        ValueKind::PrefixRelop(..) => true,
        ValueKind::Logop(chain) => chain.operands.iter().all(is_version_only),
        ValueKind::Group(items) => {
            !items.value.is_empty() && items.value.iter().all(is_version_only)
        }
        _ => false,
    }
}

/// [`kind_of`] on a formula already read.
pub(crate) fn kind_of_formula(formula: &FilteredFormula) -> Option<DepKind> {
    let none = DependencyFlags::NONE;
    let settings = [
        (DepKind::Normal, none),
        (
            DepKind::Build,
            DependencyFlags {
                build: true,
                ..none
            },
        ),
        (DepKind::Post, DependencyFlags { post: true, ..none }),
        (DepKind::Test, DependencyFlags { test: true, ..none }),
        (DepKind::Doc, DependencyFlags { doc: true, ..none }),
        (DepKind::Dev, DependencyFlags { dev: true, ..none }),
        (
            DepKind::DevSetup,
            DependencyFlags {
                dev_setup: true,
                ..none
            },
        ),
    ];
    if let Some((kind, _)) = settings.iter().find(|(_, flags)| applies(formula, flags)) {
        return Some(*kind);
    }
    let all = DependencyFlags {
        build: true,
        post: true,
        test: true,
        doc: true,
        dev_setup: true,
        dev: true,
    };
    // Needs several flags at once (`{with-test & with-doc}`): a development dependency.
    applies(formula, &all).then_some(DepKind::Test)
}

/// Whether a dependency with this constraint stays under `flags`, as opam's
/// `filter_deps` decides; variables other than the flags are unknown here and an
/// unknown filter counts as true (see the module documentation).
fn applies(formula: &FilteredFormula, flags: &DependencyFlags) -> bool {
    let env = |scope: VariableScope<'_>, variable: &str| match scope {
        VariableScope::Global => flags.lookup(variable).map(VariableValue::Bool),
        _ => None,
    };
    let result: Partial<()> = formula.partial_eval(&mut |atom| match atom {
        FilteredConstraint::Filter(filter) => {
            if filter.eval_to_bool(&env, true) {
                Partial::True
            } else {
                Partial::False
            }
        }
        FilteredConstraint::Constraint(..) => Partial::Formula(Formula::Empty),
    });
    result != Partial::False
}

#[cfg(test)]
mod tests {
    use super::*;
    use opam_file::ItemKind;

    fn depends(src: &str) -> Vec<(String, Option<DepKind>)> {
        let file = opam_file::parse(format!("depends: [{src}]").as_bytes()).expect("parses");
        let Some(ItemKind::Variable(_, value)) = file.items.first().map(|i| &i.kind) else {
            panic!("no field");
        };
        atoms(value)
            .expect("a formula")
            .into_iter()
            .map(|a| {
                (
                    a.name.to_owned(),
                    kind_of(a.constraints).expect("constraints"),
                )
            })
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
    fn cache_answers_by_constraint_text() {
        let src = b"depends: [\"a\" {with-test} \"b\" {with-test} \"c\" {build} \"d\"]";
        let file = opam_file::parse(src).expect("parses");
        let Some(ItemKind::Variable(_, value)) = file.items.first().map(|i| &i.kind) else {
            panic!("no field");
        };
        let mut cache = KindCache::default();
        let kinds: Vec<_> = atoms(value)
            .expect("a formula")
            .iter()
            .map(|a| cache.kind_of(src, a.constraints).expect("constraints"))
            .collect();
        assert_eq!(
            kinds,
            [
                Some(DepKind::Test),
                Some(DepKind::Test),
                Some(DepKind::Build),
                Some(DepKind::Normal)
            ]
        );
        assert_eq!(
            cache.kinds.len(),
            2,
            "one entry per distinct text, none for no braces"
        );
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
        let file = opam_file::parse(b"depends: [\"a\" b]").expect("parses");
        let Some(ItemKind::Variable(_, value)) = file.items.first().map(|i| &i.kind) else {
            panic!("no field");
        };
        let error = atoms(value).expect_err("ident is not a package");
        assert_eq!(
            error,
            FormulaError::NotAPackage {
                span: Span::new(14, 15)
            }
        );
        assert_eq!(
            error.to_string(),
            "expected a package name (a string, optionally with `{ … }` constraints)"
        );
    }
}

/// Every `depends:` and `depopts:` of the two opam-repository snapshots (`$OSEC_DATA`,
/// default `<workspace>/../shared/data`) is read by [`atoms`] and [`kind_of`] without
/// error, and the kinds found are plausible.
#[cfg(test)]
mod corpus_tests {
    use std::collections::BTreeMap;
    use std::io::Read;

    use opam_file::ItemKind;

    use super::{atoms, kind_of};
    use crate::input::DepKind;

    #[test]
    fn reads_every_dependency_of_the_repositories() {
        for tarball in ["opam-repository.tar.gz", "opam-repository-archive.tar.gz"] {
            let Some(data) = test_references::require_data(
                "reads_every_dependency_of_the_repositories",
                tarball,
            ) else {
                continue;
            };
            let path = data.join(tarball);
            let file = std::fs::File::open(&path).expect("the tarball opens");
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
            let mut kinds: BTreeMap<Option<DepKind>, usize> = BTreeMap::new();
            let mut failures = Vec::new();
            for entry in archive.entries().expect("tar entries") {
                let mut entry = entry.expect("tar entry");
                let name = entry.path().expect("entry path").display().to_string();
                if !name.ends_with("/opam") || !name.contains("packages/") {
                    continue;
                }
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).expect("read entry");
                let Ok(file) = opam_file::parse(&bytes) else {
                    continue; // opam-file's own corpus test covers parsing
                };
                for item in &file.items {
                    let ItemKind::Variable(field, value) = &item.kind else {
                        continue;
                    };
                    if !matches!(field.value.as_str(), "depends" | "depopts") {
                        continue;
                    }
                    match atoms(value) {
                        Err(error) => failures.push(format!("{name}: {error}")),
                        Ok(found) => {
                            for atom in found {
                                match kind_of(atom.constraints) {
                                    Ok(kind) => *kinds.entry(kind).or_default() += 1,
                                    Err(error) => {
                                        failures.push(format!("{name}: {}: {error}", atom.name))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assert!(
                failures.is_empty(),
                "{tarball}: {} failures, first: {:?}",
                failures.len(),
                &failures[..failures.len().min(10)]
            );
            let count = |k: Option<DepKind>| kinds.get(&k).copied().unwrap_or(0);
            let total: usize = kinds.values().sum();
            assert!(total > 10_000, "{tarball}: only {total} dependencies");
            // most dependencies are normal; every flag kind occurs
            assert!(count(Some(DepKind::Normal)) > total / 2, "{kinds:?}");
            for kind in [DepKind::Build, DepKind::Test, DepKind::Doc] {
                assert!(count(Some(kind)) > 0, "{tarball}: no {kind}: {kinds:?}");
            }
        }
    }
}
