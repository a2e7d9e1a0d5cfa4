//! Formulas (OpamFormula): version constraints, dependency formulas and their
//! evaluation.
//!
//! A [`Formula`] is `Empty`, an atom, a parenthesised block, or `&`/`|` of two
//! formulas. Version constraints (`{>= "1.0" & < "2.0"}`) are
//! `Formula<VersionConstraint>`; the constraints of a dependency may mix versions
//! and filters (`{>= "1.0" & with-test}`): `Formula<FilteredConstraint>`. A
//! dependency list (`depends:`) is a `Formula<Dependency>`, implicitly `&` for
//! `depends` and `|` for `depopts` and `conflicts`.

use std::fmt;

use opam_file::{ItemKind, LogOp, PfxOp, RelOp, Span, Value, ValueKind};

use crate::error::{Error, FormulaError, InvalidText, TextKind};
use crate::filter::{
    Environment, Filter, FilterValue, VariableScope, VariableValue, expand_string, relop_holds,
};
use crate::name::PackageName;
use crate::package::Package;
use crate::version::{Version, check_version_text};

/// A boolean formula over atoms of type `A`, as opam's `OpamFormula.formula`.
///
/// opam's `And` and `Or` are binary, and a chain `a & b & c` is the left-nested
/// `And(And(a, b), c)`. Here such a chain is one flat node, `And([a, b, c])`: a
/// conjunction of 50,000 dependencies is then a list, not a tree 50,000 levels deep
/// that evaluating, comparing or dropping it would recurse through. The
/// correspondence is exact — a flat node is opam's left-nested chain, and an operand
/// that is itself an `And` in an `And` is opam's right operand — so every operation
/// gives the result opam's does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Formula<A> {
    /// No constraint at all (true when evaluated).
    #[default]
    Empty,
    /// One atom.
    Atom(A),
    /// A parenthesised formula.
    Block(Box<Formula<A>>),
    /// All of the formulas (two or more), opam's left-nested `And`s.
    And(Vec<Formula<A>>),
    /// Any of the formulas (two or more), opam's left-nested `Or`s.
    Or(Vec<Formula<A>>),
}

/// The result of partially evaluating a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partial<A> {
    /// Certainly true.
    True,
    /// Certainly false.
    False,
    /// What remains to decide.
    Formula(Formula<A>),
}

impl<A> Formula<A> {
    /// `a & b`, where an `Empty` side disappears (opam's `make_and`).
    pub fn and(a: Formula<A>, b: Formula<A>) -> Formula<A> {
        match (a, b) {
            (Formula::Empty, r) | (r, Formula::Empty) => r,
            (a, b) => Formula::conjunction(a, b),
        }
    }

    /// `a | b`, where an `Empty` side disappears (opam's `make_or`).
    pub fn or(a: Formula<A>, b: Formula<A>) -> Formula<A> {
        match (a, b) {
            (Formula::Empty, r) | (r, Formula::Empty) => r,
            (a, b) => Formula::disjunction(a, b),
        }
    }

    /// opam's `And(a, b)`, `Empty` sides kept: `b` joins the chain `a` is.
    fn conjunction(a: Formula<A>, b: Formula<A>) -> Formula<A> {
        match a {
            Formula::And(mut all) => {
                all.push(b);
                Formula::And(all)
            }
            a => Formula::And(vec![a, b]),
        }
    }

    /// opam's `Or(a, b)`, `Empty` sides kept: `b` joins the chain `a` is.
    fn disjunction(a: Formula<A>, b: Formula<A>) -> Formula<A> {
        match a {
            Formula::Or(mut any) => {
                any.push(b);
                Formula::Or(any)
            }
            a => Formula::Or(vec![a, b]),
        }
    }

    /// The conjunction of the formulas, folded from the left.
    pub fn ands(formulas: impl IntoIterator<Item = Formula<A>>) -> Formula<A> {
        formulas.into_iter().fold(Formula::Empty, Formula::and)
    }

    /// The disjunction of the formulas, folded from the left.
    pub fn ors(formulas: impl IntoIterator<Item = Formula<A>>) -> Formula<A> {
        formulas.into_iter().fold(Formula::Empty, Formula::or)
    }

    /// Evaluates the formula, left to right and lazily as opam's `eval`; `Empty`
    /// is true.
    pub fn eval(&self, atom: &mut impl FnMut(&A) -> bool) -> bool {
        match self {
            Formula::Empty => true,
            Formula::Atom(a) => atom(a),
            Formula::Block(f) => f.eval(atom),
            Formula::And(all) => all.iter().all(|f| f.eval(atom)),
            Formula::Or(any) => any.iter().any(|f| f.eval(atom)),
        }
    }

    /// Replaces every atom by a formula, dropping `Empty` results (opam's
    /// `OpamFormula.map`).
    pub fn map<B>(&self, f: &mut impl FnMut(&A) -> Formula<B>) -> Formula<B> {
        match self {
            Formula::Empty => Formula::Empty,
            Formula::Atom(a) => f(a),
            Formula::And(all) => all
                .iter()
                .fold(Formula::Empty, |done, next| Formula::and(done, next.map(f))),
            Formula::Or(any) => any
                .iter()
                .fold(Formula::Empty, |done, next| Formula::or(done, next.map(f))),
            Formula::Block(inner) => match inner.map(f) {
                Formula::Empty => Formula::Empty,
                other => Formula::Block(Box::new(other)),
            },
        }
    }

    /// The negation by De Morgan's laws: `&` and `|` swap, atoms are negated by
    /// `negate_atom`, blocks stay (opam's `OpamFormula.neg`).
    pub fn negated(self, negate_atom: &impl Fn(A) -> A) -> Formula<A> {
        match self {
            Formula::Empty => Formula::Empty,
            Formula::Atom(a) => Formula::Atom(negate_atom(a)),
            Formula::Block(inner) => Formula::Block(Box::new(inner.negated(negate_atom))),
            Formula::And(all) => all.into_iter().fold(Formula::Empty, |done, next| {
                Formula::or(done, next.negated(negate_atom))
            }),
            Formula::Or(any) => any.into_iter().fold(Formula::Empty, |done, next| {
                Formula::and(done, next.negated(negate_atom))
            }),
        }
    }

    /// Evaluates what can be evaluated: `false` absorbs `&`, `true` absorbs `|`,
    /// and the other constant is the identity (opam's `partial_eval`; every atom is
    /// evaluated, left to right).
    pub fn partial_eval<B>(&self, atom: &mut impl FnMut(&A) -> Partial<B>) -> Partial<B> {
        match self {
            Formula::Empty => Partial::Formula(Formula::Empty),
            Formula::Atom(a) => atom(a),
            Formula::Block(inner) => inner.partial_eval(atom),
            // `true` is the identity of `&`: folding from it gives the first operand's
            // result, then opam's rule for each `done & next`.
            Formula::And(all) => all.iter().fold(Partial::True, |done, next| {
                match (done, next.partial_eval(atom)) {
                    (Partial::False, _) | (_, Partial::False) => Partial::False,
                    (Partial::True, f) | (f, Partial::True) => f,
                    (Partial::Formula(x), Partial::Formula(y)) => {
                        Partial::Formula(Formula::conjunction(x, y))
                    }
                }
            }),
            Formula::Or(any) => any.iter().fold(Partial::False, |done, next| {
                match (done, next.partial_eval(atom)) {
                    (Partial::True, _) | (_, Partial::True) => Partial::True,
                    (Partial::False, f) | (f, Partial::False) => f,
                    (Partial::Formula(x), Partial::Formula(y)) => {
                        Partial::Formula(Formula::disjunction(x, y))
                    }
                }
            }),
        }
    }

    /// The atoms, left to right.
    pub fn atoms(&self) -> Vec<&A> {
        let mut out = Vec::new();
        self.collect_atoms(&mut out);
        out
    }

    fn collect_atoms<'a>(&'a self, out: &mut Vec<&'a A>) {
        match self {
            Formula::Empty => {}
            Formula::Atom(a) => out.push(a),
            Formula::Block(inner) => inner.collect_atoms(out),
            Formula::And(operands) | Formula::Or(operands) => {
                for operand in operands {
                    operand.collect_atoms(out);
                }
            }
        }
    }
}

impl<A: Clone> Formula<A> {
    /// The disjunctive normal form, blocks removed (opam's `dnf_of_formula`): an
    /// `Or` of `And`s of atoms, where an `Empty` stays where opam leaves it. Like
    /// opam's, it grows exponentially with the disjunctions under a conjunction.
    pub fn to_dnf(&self) -> Formula<A> {
        let disjuncts = self.dnf_terms().into_iter().map(|conjuncts| {
            conjuncts
                .into_iter()
                .reduce(Formula::conjunction)
                .unwrap_or_default()
        });
        disjuncts.reduce(Formula::disjunction).unwrap_or_default()
    }

    /// The normal form as disjuncts, each a list of conjuncts (atoms or `Empty`),
    /// in opam's order: `(a | b) & (c | d)` is `[[a, c], [a, d], [b, c], [b, d]]`.
    fn dnf_terms(&self) -> Vec<Vec<Formula<A>>> {
        match self {
            Formula::Empty => vec![vec![Formula::Empty]],
            Formula::Atom(a) => vec![vec![Formula::Atom(a.clone())]],
            Formula::Block(inner) => inner.dnf_terms(),
            Formula::Or(any) => any.iter().flat_map(Formula::dnf_terms).collect(),
            Formula::And(all) => {
                let mut operands = all.iter();
                let first = operands.next().map(Formula::dnf_terms).unwrap_or_default();
                operands.fold(first, |mut left, operand| {
                    let right = operand.dnf_terms();
                    if let [only] = right.as_slice() {
                        // Nothing to distribute: a chain of `&` stays linear.
                        for conjuncts in &mut left {
                            conjuncts.extend(only.iter().cloned());
                        }
                        return left;
                    }
                    left.iter()
                        .flat_map(|x| {
                            right
                                .iter()
                                .map(move |y| x.iter().chain(y).cloned().collect())
                        })
                        .collect()
                })
            }
        }
    }
}

/// The negation of a relational operator: `=` ↔ `!=`, `>=` ↔ `<`, `>` ↔ `<=`.
pub fn negate_relop(op: RelOp) -> RelOp {
    match op {
        RelOp::Eq => RelOp::Neq,
        RelOp::Neq => RelOp::Eq,
        RelOp::Geq => RelOp::Lt,
        RelOp::Gt => RelOp::Leq,
        RelOp::Leq => RelOp::Gt,
        RelOp::Lt => RelOp::Geq,
    }
}

/// One version constraint: an operator and a version, as `>= "1.0"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionConstraint {
    /// The operator; the version being checked is its left side.
    pub op: RelOp,
    /// The version on the right side.
    pub version: Version,
}

impl VersionConstraint {
    /// Whether `version op self.version` holds.
    pub fn matches(&self, version: &Version) -> bool {
        relop_holds(self.op, version.cmp(&self.version))
    }

    fn negated(self) -> VersionConstraint {
        VersionConstraint {
            op: negate_relop(self.op),
            version: self.version,
        }
    }
}

impl fmt::Display for VersionConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"{}\"", self.op.as_str(), self.version)
    }
}

/// A formula of version constraints, such as `< "4.14.3" | (>= "5" & < "5.4.1")`.
pub type VersionFormula = Formula<VersionConstraint>;

impl Formula<VersionConstraint> {
    /// Whether `version` satisfies the formula (`Empty` is satisfied by all).
    pub fn matches(&self, version: &Version) -> bool {
        self.eval(&mut |c| c.matches(version))
    }

    /// Reads the constraints between braces in opam syntax (opam's `constraints`):
    /// each value is `op "version"`, `&`/`|` of constraints, a group, or `!` of a
    /// constraint; several values are `&`-ed.
    pub fn from_values(values: &[Value]) -> Result<VersionFormula, Error> {
        values
            .iter()
            .map(version_formula_from_value)
            .collect::<Result<Vec<_>, _>>()
            .map(Formula::ands)
    }
}

impl Formula<VersionConstraint> {
    /// Parses a constraint written in opam syntax, with or without its braces:
    /// `>= "5" & < "5.4.1"` or `{< "4.14.3" | >= "5"}`. Errors quote the text and
    /// give the position in it.
    pub fn parse_text(text: &str) -> Result<VersionFormula, Error> {
        let braced = text.trim_start().starts_with('{');
        let (prefix, suffix) = if braced {
            ("c: \"p\" ", "\n")
        } else {
            ("c: \"p\" {", "\n}\n")
        };
        let source = format!("{prefix}{text}{suffix}");
        let invalid = |start: u32, reason: String| {
            let offset = (start as usize)
                .saturating_sub(prefix.len())
                .min(text.len());
            Error::InvalidText(InvalidText {
                kind: TextKind::Constraint,
                text: text.to_owned(),
                offset,
                reason,
            })
        };
        let file = opam_file::parse(source.as_bytes())
            .map_err(|e| invalid(e.span().start, e.to_string()))?;
        let values = match file.items.as_slice() {
            [item] => match &item.kind {
                ItemKind::Variable(_, value) => match &value.kind {
                    // The subject is the `"p"` of the prefix: stacked lists after it are
                    // `StackedOptions`, anything else around it is not an `Option`.
                    ValueKind::Option(_, values) => Some(values),
                    _ => None,
                },
                ItemKind::Section(_) => None,
            },
            _ => None,
        };
        let Some(values) = values else {
            return Err(invalid(
                prefix.len() as u32,
                "expected version constraints such as `>= \"1.0\" & < \"2.0\"`, with or without braces".into(),
            ));
        };
        VersionFormula::from_values(&values.value).map_err(|e| match e {
            Error::Formula(FormulaError { message, span }) => invalid(span.start, message),
            other => other,
        })
    }
}

fn version_formula_from_value(value: &Value) -> Result<VersionFormula, Error> {
    Ok(match &value.kind {
        ValueKind::PrefixRelop(op, version) => Formula::Atom(VersionConstraint {
            op: op.value,
            version: version_from_value(version)?,
        }),
        ValueKind::Logop(chain) => {
            let operands = chain
                .operands
                .iter()
                .map(version_formula_from_value)
                .collect::<Result<Vec<_>, _>>()?;
            match chain.op {
                LogOp::And => Formula::And(operands),
                LogOp::Or => Formula::Or(operands),
            }
        }
        ValueKind::Pfxop(op, inner) if op.value == PfxOp::Not => {
            version_formula_from_value(inner)?.negated(&VersionConstraint::negated)
        }
        ValueKind::Group(group) => {
            Formula::Block(Box::new(VersionFormula::from_values(&group.value)?))
        }
        _ => {
            return Err(shape_error(
                "expected a version constraint such as `>= \"1.0\"`, combined with `&`, `|`, `!` and parentheses",
                value.span,
            ));
        }
    })
}

fn version_from_value(value: &Value) -> Result<Version, Error> {
    match &value.kind {
        ValueKind::String(bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| shape_error("a version must be ASCII text", value.span))?;
            Version::parse(text).map_err(|e| located(e, value.span))
        }
        _ => Err(shape_error(
            "expected a version in double quotes",
            value.span,
        )),
    }
}

/// A formula error at `span`, from the message of `err`.
fn located(err: Error, span: Span) -> Error {
    shape_error(&err.to_string(), span)
}

fn shape_error(message: &str, span: Span) -> Error {
    Error::Formula(FormulaError {
        message: message.to_owned(),
        span,
    })
}

/// One atom of the constraints of a dependency: a version constraint whose version
/// may be a variable or hold `%{…}%`, or a filter such as `with-test`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FilteredConstraint {
    /// `op version`, where the version is a string (possibly interpolated) or a
    /// variable (`{= version}`).
    Constraint(RelOp, Filter),
    /// A filter.
    Filter(Filter),
}

/// A formula of filtered constraints, such as `>= "1.0" & with-test`.
pub type FilteredFormula = Formula<FilteredConstraint>;

impl Formula<FilteredConstraint> {
    /// Reads the contents of the braces after a dependency (opam's
    /// `filtered_constraints`): `op version` is a constraint, `&`, `|`, groups and
    /// `!` combine (`!` pushed down), anything else is a filter; several values
    /// are `&`-ed.
    pub fn from_values(values: &[Value]) -> Result<FilteredFormula, Error> {
        values
            .iter()
            .map(filtered_formula_from_value)
            .collect::<Result<Vec<_>, _>>()
            .map(Formula::ands)
    }
}

fn filtered_formula_from_value(value: &Value) -> Result<FilteredFormula, Error> {
    Ok(match &value.kind {
        ValueKind::PrefixRelop(op, version) => Formula::Atom(FilteredConstraint::Constraint(
            op.value,
            version_expression(version)?,
        )),
        ValueKind::Logop(chain) => {
            // opam's `make_and`/`make_or` on the left-nested chain, from its left.
            let mut operands = chain.operands.iter().map(filtered_formula_from_value);
            let first = operands.next().transpose()?.unwrap_or_default();
            operands.try_fold(first, |done, next| {
                let next = next?;
                Ok::<_, Error>(match chain.op {
                    LogOp::And => Formula::and(done, next),
                    LogOp::Or => Formula::or(done, next),
                })
            })?
        }
        ValueKind::Group(group) => {
            Formula::Block(Box::new(FilteredFormula::from_values(&group.value)?))
        }
        ValueKind::Pfxop(op, inner) if op.value == PfxOp::Not => {
            FilteredFormula::from_values(std::slice::from_ref(inner))?.negated(&|atom| match atom {
                FilteredConstraint::Constraint(op, v) => {
                    FilteredConstraint::Constraint(negate_relop(op), v)
                }
                FilteredConstraint::Filter(f) => {
                    FilteredConstraint::Filter(Filter::Not(Box::new(f)))
                }
            })
        }
        _ => Formula::Atom(FilteredConstraint::Filter(Filter::from_value(value)?)),
    })
}

/// The version side of a filtered constraint: a string (checked to be a valid
/// version once interpolations are replaced) or a variable.
fn version_expression(value: &Value) -> Result<Filter, Error> {
    match &value.kind {
        ValueKind::String(bytes) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let placeholder =
                |_: VariableScope<'_>, _: &str| Some(VariableValue::String("-".into()));
            let expanded = expand_string(&text, &placeholder, Some("-")).unwrap_or_default();
            check_version_text(&expanded).map_err(|e| located(e, value.span))?;
            Ok(Filter::String(text))
        }
        ValueKind::Ident(_) => Filter::from_value(value),
        _ => Err(shape_error(
            "expected a version in double quotes or a variable",
            value.span,
        )),
    }
}

/// A dependency: a package name and the constraints on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// The package.
    pub name: PackageName,
    /// Its constraints; `Empty` for none.
    pub constraint: FilteredFormula,
}

/// A package name with version constraints only, such as an advisory's
/// `affected: "ocaml" {< "4.14.3"}` or a dependency once its filters are evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PackageConstraint {
    /// The package.
    pub name: PackageName,
    /// The versions it allows; `Empty` for all.
    pub constraint: VersionFormula,
}

impl PackageConstraint {
    /// Reads `"name"` or `"name" {constraints}` (pure version constraints).
    pub fn from_value(value: &Value) -> Result<PackageConstraint, Error> {
        let (name, constraint) = match &value.kind {
            ValueKind::Option(name, constraints) => (
                name.as_ref(),
                VersionFormula::from_values(&constraints.value)?,
            ),
            _ => (value, Formula::Empty),
        };
        Ok(PackageConstraint {
            name: package_name_from_value(name)?,
            constraint,
        })
    }

    /// Whether `package` has this name and a version satisfying the constraint.
    pub fn matches(&self, package: &Package) -> bool {
        package.name == self.name && self.constraint.matches(&package.version)
    }
}

fn package_name_from_value(value: &Value) -> Result<PackageName, Error> {
    match &value.kind {
        ValueKind::String(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            PackageName::parse(&text).map_err(|e| located(e, value.span))
        }
        _ => Err(shape_error(
            "expected a package name in double quotes",
            value.span,
        )),
    }
}

/// How the elements of a dependency list combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junction {
    /// `&`, as in `depends`.
    And,
    /// `|`, as in `depopts` and `conflicts`.
    Or,
}

/// Dependency formulas, as in `depends:`.
pub type DependencyFormula = Formula<Dependency>;

impl Formula<Dependency> {
    /// Reads the value of `depends:` (with [`Junction::And`]), `depopts:` or
    /// `conflicts:` (with [`Junction::Or`]): a list (a single element may stand
    /// without brackets) of `"name"`, `"name" {constraints}`, groups, and `&`/`|`
    /// of those.
    pub fn from_value(value: &Value, junction: Junction) -> Result<DependencyFormula, Error> {
        let items = match &value.kind {
            ValueKind::List(items) => items.value.as_slice(),
            _ => std::slice::from_ref(value),
        };
        dependency_items(items, junction)
    }

    /// Evaluates the filters (opam's `filter_deps`): the dependency flags come
    /// from `flags`, other variables from `env`, and a filter that stays undefined
    /// counts as `default` (opam uses `false`). A dependency whose filter is false
    /// disappears (from an `|` as well as from an `&`); version constraints whose
    /// version is undefined or invalid once expanded are dropped, as opam does.
    pub fn filter_deps(
        &self,
        flags: &DependencyFlags,
        env: &dyn Environment,
        default: bool,
    ) -> Formula<PackageConstraint> {
        let env = FlagEnvironment { flags, env };
        self.map(&mut |dependency| match dependency.constraint.partial_eval(
            &mut |atom| match atom {
                FilteredConstraint::Filter(filter) => {
                    if filter.eval_to_bool(&env, default) {
                        Partial::True
                    } else {
                        Partial::False
                    }
                }
                FilteredConstraint::Constraint(op, version) => {
                    let version = match version.reduce(&env) {
                        FilterValue::Undefined => None,
                        value => value.as_string(),
                    };
                    match version.and_then(|v| Version::parse(&v).ok()) {
                        Some(version) => {
                            Partial::Formula(Formula::Atom(VersionConstraint { op: *op, version }))
                        }
                        None => Partial::Formula(Formula::Empty),
                    }
                }
            },
        ) {
            Partial::True => Formula::Atom(PackageConstraint {
                name: dependency.name.clone(),
                constraint: Formula::Empty,
            }),
            Partial::False => Formula::Empty,
            Partial::Formula(constraint) => Formula::Atom(PackageConstraint {
                name: dependency.name.clone(),
                constraint,
            }),
        })
    }
}

fn dependency_items(items: &[Value], junction: Junction) -> Result<DependencyFormula, Error> {
    let formulas = items
        .iter()
        .map(dependency_item)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match junction {
        Junction::And => Formula::ands(formulas),
        Junction::Or => Formula::ors(formulas),
    })
}

fn dependency_item(value: &Value) -> Result<DependencyFormula, Error> {
    Ok(match &value.kind {
        ValueKind::String(_) => Formula::Atom(Dependency {
            name: package_name_from_value(value)?,
            constraint: Formula::Empty,
        }),
        ValueKind::Option(name, constraints) => Formula::Atom(Dependency {
            name: package_name_from_value(name)?,
            constraint: FilteredFormula::from_values(&constraints.value)?,
        }),
        ValueKind::Group(group) => {
            Formula::Block(Box::new(dependency_items(&group.value, Junction::And)?))
        }
        ValueKind::Logop(chain) => {
            let operands = chain
                .operands
                .iter()
                .map(dependency_item)
                .collect::<Result<Vec<_>, _>>()?;
            match chain.op {
                LogOp::And => Formula::And(operands),
                LogOp::Or => Formula::Or(operands),
            }
        }
        _ => {
            return Err(shape_error(
                "expected a dependency: \"name\" or \"name\" {constraints}, combined with `&`, `|` and parentheses",
                value.span,
            ));
        }
    })
}

impl Formula<PackageConstraint> {
    /// Whether `package` is selected by the formula (opam's `verifies`): the
    /// conjunctions of the formula's normal form that mention its name, with the
    /// other names left out, must be satisfied by its version.
    pub fn matches(&self, package: &Package) -> bool {
        let by_name = self.to_dnf().map(&mut |atom: &PackageConstraint| {
            if atom.name == package.name {
                Formula::Atom(atom.constraint.clone())
            } else {
                Formula::Empty
            }
        });
        by_name != Formula::Empty
            && by_name.eval(&mut |constraint| constraint.matches(&package.version))
    }
}

/// The dependency flags of `filter_deps`: which kinds of dependency are wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DependencyFlags {
    /// `build` (default true).
    pub build: bool,
    /// `post`.
    pub post: bool,
    /// `with-test`.
    pub test: bool,
    /// `with-doc`.
    pub doc: bool,
    /// `with-dev-setup`.
    pub dev_setup: bool,
    /// `dev`.
    pub dev: bool,
}

impl Default for DependencyFlags {
    /// What `opam list` uses: build dependencies, nothing else.
    fn default() -> DependencyFlags {
        DependencyFlags {
            build: true,
            ..DependencyFlags::NONE
        }
    }
}

impl DependencyFlags {
    /// Every flag false: only dependencies without a flag filter apply.
    pub const NONE: DependencyFlags = DependencyFlags {
        build: false,
        post: false,
        test: false,
        doc: false,
        dev_setup: false,
        dev: false,
    };

    /// The value of a dependency flag variable, `None` for other variables.
    pub fn lookup(&self, variable: &str) -> Option<bool> {
        match variable {
            "build" => Some(self.build),
            "post" => Some(self.post),
            "with-test" => Some(self.test),
            "with-doc" => Some(self.doc),
            "with-dev-setup" => Some(self.dev_setup),
            "dev" => Some(self.dev),
            _ => None,
        }
    }
}

/// The dependency flags as global variables, over another environment.
struct FlagEnvironment<'a> {
    flags: &'a DependencyFlags,
    env: &'a dyn Environment,
}

impl Environment for FlagEnvironment<'_> {
    fn lookup(&self, scope: VariableScope<'_>, variable: &str) -> Option<VariableValue> {
        if scope == VariableScope::Global
            && let Some(flag) = self.flags.lookup(variable)
        {
            return Some(VariableValue::Bool(flag));
        }
        self.env.lookup(scope, variable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::GlobalEnvironment;

    fn value_of(text: &str) -> Value {
        let file = opam_file::parse(format!("x: {text}\n").as_bytes()).unwrap();
        match file.items.into_iter().next().unwrap().kind {
            ItemKind::Variable(_, value) => value,
            ItemKind::Section(_) => unreachable!(),
        }
    }

    fn versions_matching(constraint: &str, candidates: &[&str]) -> Vec<String> {
        let formula = VersionFormula::parse_text(constraint).unwrap();
        candidates
            .iter()
            .filter(|v| formula.matches(&Version::parse(v).unwrap()))
            .map(|v| (*v).to_owned())
            .collect()
    }

    /// The repository of the notes' §2.4, whose results were verified with opam 2.1.2.
    const NOTES_VERSIONS: &[&str] = &[
        "0.9", "1.0~beta", "1.0", "1.5", "2.0~rc1", "2.0", "2.1", "3.0", "10",
    ];

    #[test]
    fn selects_the_versions_of_the_notes_examples() {
        let cases: &[(&str, &[&str])] = &[
            (r#">= "1.0" & < "2.0""#, &["1.0", "1.5", "2.0~rc1"]),
            (r#"{< "1.0" | >= "3.0"}"#, &["0.9", "1.0~beta", "3.0", "10"]),
            (
                r#"!(>= "1.0" & < "2.0")"#,
                &["0.9", "1.0~beta", "2.0", "2.1", "3.0", "10"],
            ),
            (r#">= "1.0" & (< "1.5" | = "10")"#, &["1.0", "10"]),
            (r#"> "2.0~~" & < "2.0""#, &["2.0~rc1"]),
            (r#">= "2.0~""#, &["2.0~rc1", "2.0", "2.1", "3.0", "10"]),
            (r#"= "1.00""#, &["1.0"]),
            ("", NOTES_VERSIONS),
            ("  { }  ", NOTES_VERSIONS),
        ];
        for (constraint, expected) in cases {
            assert_eq!(
                &versions_matching(constraint, NOTES_VERSIONS),
                expected,
                "{constraint}"
            );
        }
    }

    #[test]
    fn reads_an_advisory_affected_field() {
        let affected = PackageConstraint::from_value(&value_of(
            r#""ocaml" {< "4.14.3" | (>= "5" & < "5.4.1")}"#,
        ))
        .unwrap();
        assert_eq!(affected.name.as_str(), "ocaml");
        for (package, expected) in [
            ("ocaml.4.14.2", true),
            ("ocaml.4.14.3", false),
            ("ocaml.5.4.0", true),
            ("ocaml.5.4.1", false),
            ("dune.1", false),
        ] {
            assert_eq!(
                affected.matches(&Package::parse(package).unwrap()),
                expected,
                "{package}"
            );
        }
    }

    #[test]
    fn constraint_text_errors_quote_the_text_and_position() {
        let message = |text: &str| VersionFormula::parse_text(text).unwrap_err().to_string();
        assert_eq!(
            message(r#">= "1.0" & < v2"#),
            "invalid constraint \">= \\\"1.0\\\" & < v2\" at column 14: expected a version in double quotes"
        );
        assert_eq!(
            message(r#">= "1.0" & < 2.0"#),
            "invalid constraint \">= \\\"1.0\\\" & < 2.0\" at column 15: '.' is not a valid token"
        );
        assert_eq!(
            message(r#">= "1 0""#),
            "invalid constraint \">= \\\"1 0\\\"\" at column 4: invalid version \"1 0\" at column 2: invalid character ' ': a version may only contain ASCII letters, digits and `-_+.~`"
        );
        assert!(
            message(r#">= "1.0" &"#)
                .starts_with("invalid constraint \">= \\\"1.0\\\" &\" at column")
        );
        assert!(message("with-test").contains("expected a version constraint"));
        assert!(message(r#"{>= "1"} {< "2"}"#).contains("with or without braces"));
        let injected = message(r#">= "1"} y: {"#);
        assert!(injected.starts_with("invalid constraint"), "{injected}");
    }

    #[test]
    fn negation_is_pushed_down_to_constraints_and_filters() {
        let formula = FilteredFormula::from_values(std::slice::from_ref(&value_of(
            r#"!(>= "1.0" & with-test)"#,
        )))
        .unwrap();
        let expected = Formula::Block(Box::new(Formula::Or(vec![
            Formula::Atom(FilteredConstraint::Constraint(
                RelOp::Lt,
                Filter::String("1.0".into()),
            )),
            Formula::Atom(FilteredConstraint::Filter(Filter::Not(Box::new(
                Filter::Ident(crate::filter::FilterIdent::parse("with-test").unwrap()),
            )))),
        ])));
        assert_eq!(formula, expected);
    }

    #[test]
    fn depends_is_a_conjunction_and_depopts_a_disjunction() {
        let value = value_of(r#"["a" "b" {>= "1"}]"#);
        assert!(matches!(
            DependencyFormula::from_value(&value, Junction::And).unwrap(),
            Formula::And(..)
        ));
        assert!(matches!(
            DependencyFormula::from_value(&value, Junction::Or).unwrap(),
            Formula::Or(..)
        ));
        // A single dependency may stand without brackets.
        let single =
            DependencyFormula::from_value(&value_of(r#""a" {build}"#), Junction::And).unwrap();
        assert_eq!(single.atoms().len(), 1);
    }

    #[test]
    fn filtered_out_dependencies_disappear_even_from_a_disjunction() {
        let value = value_of(r#"["a" {with-test} | "b" {>= "2"}]"#);
        let formula = DependencyFormula::from_value(&value, Junction::And).unwrap();
        let env = GlobalEnvironment::default();
        let resolved = formula.filter_deps(&DependencyFlags::default(), &env, false);
        let a = Package::parse("a.1").unwrap();
        let b = Package::parse("b.2").unwrap();
        assert!(!resolved.matches(&a));
        assert!(resolved.matches(&b));
        assert!(!resolved.matches(&Package::parse("b.1").unwrap()));
        let with_test = resolved_with(
            &formula,
            DependencyFlags {
                test: true,
                ..DependencyFlags::default()
            },
        );
        assert!(with_test.matches(&a));
    }

    fn resolved_with(
        formula: &DependencyFormula,
        flags: DependencyFlags,
    ) -> Formula<PackageConstraint> {
        formula.filter_deps(&flags, &GlobalEnvironment::default(), false)
    }

    #[test]
    fn constraint_versions_may_be_variables_or_interpolated() {
        let value = value_of(r#"["a" {= "%{myver}%"} "b" {>= myver} "c" {< "%{nosuchvar}%"}]"#);
        let formula = DependencyFormula::from_value(&value, Junction::And).unwrap();
        let env = GlobalEnvironment::from_bindings("myver=1.2");
        let resolved = formula.filter_deps(&DependencyFlags::default(), &env, false);
        assert!(resolved.matches(&Package::parse("a.1.2").unwrap()));
        assert!(!resolved.matches(&Package::parse("a.1.3").unwrap()));
        assert!(resolved.matches(&Package::parse("b.1.3").unwrap()));
        // An undefined version expands to "", not a version: the constraint is dropped.
        assert!(resolved.matches(&Package::parse("c.99").unwrap()));
    }

    #[test]
    fn each_dependency_flag_sets_its_own_variable_only() {
        let flag_names = [
            "build",
            "post",
            "with-test",
            "with-doc",
            "with-dev-setup",
            "dev",
        ];
        let env = GlobalEnvironment::default();
        let package = Package::parse("a.1").unwrap();
        for (set, set_name) in flag_names.iter().enumerate() {
            let flags = DependencyFlags {
                build: set == 0,
                post: set == 1,
                test: set == 2,
                doc: set == 3,
                dev_setup: set == 4,
                dev: set == 5,
            };
            for name in flag_names {
                assert_eq!(
                    flags.lookup(name),
                    Some(name == *set_name),
                    "{set_name}: {name}"
                );
                let value = value_of(&format!(r#""a" {{{name}}}"#));
                let formula = DependencyFormula::from_value(&value, Junction::And).unwrap();
                // `default` true: a flag that were undefined would keep the dependency.
                let resolved = formula.filter_deps(&flags, &env, true);
                assert_eq!(
                    resolved.matches(&package),
                    name == *set_name,
                    "{set_name}: {name}"
                );
            }
        }
        assert_eq!(DependencyFlags::default().lookup("os"), None);
    }

    #[test]
    fn prints_version_constraints_in_opam_syntax() {
        for (op, text) in [
            (RelOp::Eq, r#"= "1.0~beta""#),
            (RelOp::Neq, r#"!= "1.0~beta""#),
            (RelOp::Geq, r#">= "1.0~beta""#),
            (RelOp::Gt, r#"> "1.0~beta""#),
            (RelOp::Leq, r#"<= "1.0~beta""#),
            (RelOp::Lt, r#"< "1.0~beta""#),
        ] {
            let constraint = VersionConstraint {
                op,
                version: Version::parse("1.0~beta").unwrap(),
            };
            assert_eq!(constraint.to_string(), text);
            assert_eq!(
                VersionFormula::parse_text(text).unwrap(),
                Formula::Atom(constraint)
            );
        }
    }

    #[test]
    fn only_not_negates_constraints() {
        // `?` is no constraint operator: an error among version constraints, a
        // filter (not a negation) among the constraints of a dependency.
        let err = VersionFormula::parse_text(r#"?(>= "1")"#).unwrap_err();
        assert!(
            err.to_string().contains("expected a version constraint"),
            "{err}"
        );
        let formula = FilteredFormula::from_values(&[value_of("?foo")]).unwrap();
        let defined = Filter::Defined(Box::new(Filter::Ident(
            crate::filter::FilterIdent::parse("foo").unwrap(),
        )));
        assert_eq!(formula, Formula::Atom(FilteredConstraint::Filter(defined)));
    }

    #[test]
    fn rejects_malformed_dependencies_with_their_span() {
        let err =
            DependencyFormula::from_value(&value_of(r#"["a" b]"#), Junction::And).unwrap_err();
        let Error::Formula(FormulaError { span, message }) = err else {
            panic!("{err}");
        };
        assert_eq!((span.start, span.end), (8, 9));
        assert!(message.starts_with("expected a dependency"), "{message}");
        let err = DependencyFormula::from_value(&value_of(r#"["a" {>= "1 0"}]"#), Junction::And)
            .unwrap_err();
        assert!(err.to_string().contains("invalid character ' '"), "{err}");
    }

    #[test]
    fn dnf_distributes_and_over_or() {
        let atom = |n: u8| Formula::Atom(n);
        let f = Formula::And(vec![
            Formula::Block(Box::new(Formula::Or(vec![atom(1), atom(2)]))),
            atom(3),
        ]);
        let dnf = f.to_dnf();
        let expected = Formula::Or(vec![
            Formula::And(vec![atom(1), atom(3)]),
            Formula::And(vec![atom(2), atom(3)]),
        ]);
        assert_eq!(dnf, expected);
        for values in 0..8u8 {
            let truth = |n: &u8| values & (1 << (n - 1)) != 0;
            assert_eq!(f.eval(&mut |n| truth(n)), dnf.eval(&mut |n| truth(n)));
        }
    }

    /// Runs `test` on a thread with a 2 MiB stack: recursion once per term of a
    /// 50,000-term chain would overflow it.
    fn on_small_stack(test: impl FnOnce() + Send + 'static) {
        let thread = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(test)
            .expect("thread starts");
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
    }

    #[test]
    fn fifty_thousand_term_chains_read_evaluate_and_drop() {
        on_small_stack(|| {
            let count = 50_000;
            let excluded: Vec<String> = (0..count).map(|i| format!("!= \"{i}\"")).collect();
            let formula = VersionFormula::parse_text(&excluded.join(" & ")).unwrap();
            assert!(matches!(&formula, Formula::And(all) if all.len() == count));
            assert!(!formula.matches(&Version::parse("777").unwrap()));
            assert!(formula.matches(&Version::parse("50000").unwrap()));
            let negated = formula.clone().negated(&VersionConstraint::negated);
            assert!(negated.matches(&Version::parse("777").unwrap()));
            assert_eq!(negated.atoms().len(), count);

            let names: Vec<String> = (0..count).map(|i| format!("\"p{i}\"")).collect();
            let depends = value_of(&format!("[{}]", names.join(" & ")));
            let formula = DependencyFormula::from_value(&depends, Junction::And).unwrap();
            let resolved = formula.filter_deps(
                &DependencyFlags::default(),
                &GlobalEnvironment::default(),
                false,
            );
            assert!(resolved.matches(&Package::parse("p49999.1").unwrap()));
            assert!(!resolved.matches(&Package::parse("q.1").unwrap()));
            let constraints = value_of(&format!("[{}]", excluded.join(" | ")));
            let ValueKind::List(constraints) = &constraints.kind else {
                panic!("a list");
            };
            let filtered = FilteredFormula::from_values(&constraints.value).unwrap();
            assert_eq!(filtered.atoms().len(), count);
            drop((formula, resolved, filtered));
        });
    }

    /// opam's `OpamFormula` as it is written: binary `And` and `Or`. The flat
    /// [`Formula`] must give the same results on every operation.
    mod against_opam {
        use super::super::{Formula, Partial};
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Bin {
            Empty,
            Atom(u8),
            Block(Box<Bin>),
            And(Box<Bin>, Box<Bin>),
            Or(Box<Bin>, Box<Bin>),
        }

        fn make_and(a: Bin, b: Bin) -> Bin {
            match (a, b) {
                (Bin::Empty, r) | (r, Bin::Empty) => r,
                (a, b) => Bin::And(Box::new(a), Box::new(b)),
            }
        }

        fn make_or(a: Bin, b: Bin) -> Bin {
            match (a, b) {
                (Bin::Empty, r) | (r, Bin::Empty) => r,
                (a, b) => Bin::Or(Box::new(a), Box::new(b)),
            }
        }

        fn eval(f: &Bin, atom: &impl Fn(u8) -> bool) -> bool {
            match f {
                Bin::Empty => true,
                Bin::Atom(a) => atom(*a),
                Bin::Block(x) => eval(x, atom),
                Bin::And(x, y) => eval(x, atom) && eval(y, atom),
                Bin::Or(x, y) => eval(x, atom) || eval(y, atom),
            }
        }

        fn map(f: &Bin, g: &impl Fn(u8) -> Bin) -> Bin {
            match f {
                Bin::Empty => Bin::Empty,
                Bin::Atom(a) => g(*a),
                Bin::And(x, y) => make_and(map(x, g), map(y, g)),
                Bin::Or(x, y) => make_or(map(x, g), map(y, g)),
                Bin::Block(x) => match map(x, g) {
                    Bin::Empty => Bin::Empty,
                    x => Bin::Block(Box::new(x)),
                },
            }
        }

        fn neg(f: Bin) -> Bin {
            match f {
                Bin::Empty => Bin::Empty,
                Bin::Atom(a) => Bin::Atom(a + 100),
                Bin::Block(x) => Bin::Block(Box::new(neg(*x))),
                Bin::And(x, y) => make_or(neg(*x), neg(*y)),
                Bin::Or(x, y) => make_and(neg(*x), neg(*y)),
            }
        }

        fn partial_eval(f: &Bin, atom: &impl Fn(u8) -> Partial<u8>) -> Result<bool, Bin> {
            let convert = |p: Partial<u8>| match p {
                Partial::True => Ok(true),
                Partial::False => Ok(false),
                Partial::Formula(f) => Err(unflat(f)),
            };
            match f {
                Bin::Empty => Err(Bin::Empty),
                Bin::Atom(a) => convert(atom(*a)),
                Bin::Block(x) => partial_eval(x, atom),
                Bin::And(x, y) => match (partial_eval(x, atom), partial_eval(y, atom)) {
                    (Ok(false), _) | (_, Ok(false)) => Ok(false),
                    (Ok(true), f) | (f, Ok(true)) => f,
                    (Err(x), Err(y)) => Err(Bin::And(Box::new(x), Box::new(y))),
                },
                Bin::Or(x, y) => match (partial_eval(x, atom), partial_eval(y, atom)) {
                    (Ok(true), _) | (_, Ok(true)) => Ok(true),
                    (Ok(false), f) | (f, Ok(false)) => f,
                    (Err(x), Err(y)) => Err(Bin::Or(Box::new(x), Box::new(y))),
                },
            }
        }

        /// opam's `dnf_of_formula`.
        fn dnf(f: &Bin) -> Bin {
            fn left(x: Bin, y: &Bin) -> Bin {
                match y {
                    Bin::Block(y) => left(x, y),
                    Bin::Or(a, b) => Bin::Or(Box::new(left(x.clone(), a)), Box::new(left(x, b))),
                    _ => Bin::And(Box::new(x), Box::new(y.clone())),
                }
            }
            fn right(x: &Bin, y: Bin) -> Bin {
                match x {
                    Bin::Block(x) => right(x, y),
                    Bin::Or(a, b) => Bin::Or(Box::new(right(a, y.clone())), Box::new(right(b, y))),
                    _ => left(x.clone(), &y),
                }
            }
            match f {
                Bin::Empty => Bin::Empty,
                Bin::Block(x) => dnf(x),
                Bin::Atom(a) => Bin::Atom(*a),
                Bin::Or(x, y) => Bin::Or(Box::new(dnf(x)), Box::new(dnf(y))),
                Bin::And(x, y) => right(&dnf(x), dnf(y)),
            }
        }

        /// The flat formula of an opam formula: left-nested chains become one node.
        fn flat(f: Bin) -> Formula<u8> {
            match f {
                Bin::Empty => Formula::Empty,
                Bin::Atom(a) => Formula::Atom(a),
                Bin::Block(x) => Formula::Block(Box::new(flat(*x))),
                Bin::And(x, y) => Formula::conjunction(flat(*x), flat(*y)),
                Bin::Or(x, y) => Formula::disjunction(flat(*x), flat(*y)),
            }
        }

        /// The opam formula of a flat one.
        fn unflat(f: Formula<u8>) -> Bin {
            let chain = |operands: Vec<Formula<u8>>, node: fn(Box<Bin>, Box<Bin>) -> Bin| {
                operands
                    .into_iter()
                    .map(unflat)
                    .reduce(|x, y| node(Box::new(x), Box::new(y)))
                    .unwrap_or(Bin::Empty)
            };
            match f {
                Formula::Empty => Bin::Empty,
                Formula::Atom(a) => Bin::Atom(a),
                Formula::Block(x) => Bin::Block(Box::new(unflat(*x))),
                Formula::And(all) => chain(all, Bin::And),
                Formula::Or(any) => chain(any, Bin::Or),
            }
        }

        fn bin() -> impl Strategy<Value = Bin> {
            let leaf = prop_oneof![1 => Just(Bin::Empty), 6 => (0u8..6).prop_map(Bin::Atom)];
            leaf.prop_recursive(5, 40, 2, |inner| {
                prop_oneof![
                    inner.clone().prop_map(|x| Bin::Block(Box::new(x))),
                    (inner.clone(), inner.clone())
                        .prop_map(|(x, y)| Bin::And(Box::new(x), Box::new(y))),
                    (inner.clone(), inner).prop_map(|(x, y)| Bin::Or(Box::new(x), Box::new(y))),
                ]
            })
        }

        /// Atom `n` mapped to `Empty`, itself, or `n & n+1`, by `n % 3`.
        fn substitute(n: u8) -> Bin {
            match n % 3 {
                0 => Bin::Empty,
                1 => Bin::Atom(n),
                _ => Bin::And(Box::new(Bin::Atom(n)), Box::new(Bin::Atom(n + 1))),
            }
        }

        fn partial(n: u8) -> Partial<u8> {
            match n % 4 {
                0 => Partial::True,
                1 => Partial::False,
                2 => Partial::Formula(Formula::Empty),
                _ => Partial::Formula(Formula::Atom(n)),
            }
        }

        proptest! {
            #[test]
            fn flat_formulas_compute_what_opam_computes(f in bin()) {
                let ours = flat(f.clone());
                prop_assert_eq!(&flat(unflat(ours.clone())), &ours);
                for values in 0..64u32 {
                    let truth = |n: u8| values & (1 << (n % 6)) != 0;
                    prop_assert_eq!(ours.eval(&mut |n| truth(*n)), eval(&f, &truth));
                }
                prop_assert_eq!(
                    ours.map(&mut |n| flat(substitute(*n))),
                    flat(map(&f, &substitute))
                );
                prop_assert_eq!(ours.clone().negated(&|n| n + 100), flat(neg(f.clone())));
                let expected = match partial_eval(&f, &partial) {
                    Ok(true) => Partial::True,
                    Ok(false) => Partial::False,
                    Err(rest) => Partial::Formula(flat(rest)),
                };
                prop_assert_eq!(ours.partial_eval(&mut |n| partial(*n)), expected);
                // The normal forms hold the same atoms in the same order and agree on
                // every assignment (opam's nests its `Or`s to the right).
                let (ours_dnf, opam_dnf) = (ours.to_dnf(), dnf(&f));
                let opam_flat = flat(opam_dnf.clone());
                prop_assert_eq!(ours_dnf.atoms(), opam_flat.atoms());
                for values in 0..64u32 {
                    let truth = |n: u8| values & (1 << (n % 6)) != 0;
                    prop_assert_eq!(ours_dnf.eval(&mut |n| truth(*n)), eval(&opam_dnf, &truth));
                }
            }
        }
    }
}
