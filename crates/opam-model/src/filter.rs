//! Filters (OpamFilter): boolean and string expressions over variables, as in
//! `available: os = "linux" & arch != "arm32"` or `{with-test & os != "win32"}`.
//!
//! Evaluation follows opam's rules: a variable the environment doesn't define is
//! *undefined*; undefined propagates through comparisons and `!`, is absorbed by
//! `false & …` and `true | …`, and `?x` tests it. Comparisons compare the two sides
//! as strings with the version order, so `"1.0" = "1.00"`. Strings are expanded
//! (`%{var}%` interpolation) after being reduced.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use opam_file::{LogOp, PfxOp, RelOp, Value, ValueKind};

use crate::error::{Error, FormulaError};
use crate::name::PackageName;
use crate::version::compare_versions;

/// A filter expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Filter {
    /// `true` or `false`.
    Bool(bool),
    /// A string (integers are read as their decimal text); may hold `%{…}%`.
    String(String),
    /// A variable, possibly of some packages (`foo:installed`, `_:version`).
    Ident(FilterIdent),
    /// `a op b`, comparing with the version order.
    Op(Box<Filter>, RelOp, Box<Filter>),
    /// `a & b & …`, two or more filters: opam's left-nested `FAnd(FAnd(a, b), c)`,
    /// kept flat (see [`crate::Formula`]) and reduced from the left as opam does.
    And(Vec<Filter>),
    /// `a | b | …`, two or more filters, as [`Filter::And`].
    Or(Vec<Filter>),
    /// `!a`.
    Not(Box<Filter>),
    /// `?a`: whether `a` is defined.
    Defined(Box<Filter>),
}

/// A variable reference in a filter: `var`, `pkg:var`, `pkg1+pkg2:var`, `_:var`,
/// with an optional converter `?if_true:if_false` (only in `%{…}%` interpolations).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FilterIdent {
    /// The packages (`None` is `_`, the package the filter belongs to); empty for a
    /// global variable.
    pub packages: Vec<Option<PackageName>>,
    /// The variable name.
    pub variable: String,
    /// The strings to use when the variable is true and when it is false.
    pub converter: Option<(String, String)>,
}

/// Where a variable is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableScope<'a> {
    /// A global variable such as `os`.
    Global,
    /// A variable of the package the filter belongs to (`_:var`).
    SelfPackage,
    /// A variable of a named package (`pkg:var`).
    Package(&'a PackageName),
}

/// The value of a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableValue {
    /// A boolean.
    Bool(bool),
    /// A string.
    String(String),
    /// A list of strings (used as the strings joined by spaces).
    List(Vec<String>),
}

/// Variables for evaluating filters: `None` means undefined.
pub trait Environment {
    /// The value of `variable` in `scope`.
    fn lookup(&self, scope: VariableScope<'_>, variable: &str) -> Option<VariableValue>;
}

impl<F> Environment for F
where
    F: Fn(VariableScope<'_>, &str) -> Option<VariableValue>,
{
    fn lookup(&self, scope: VariableScope<'_>, variable: &str) -> Option<VariableValue> {
        self(scope, variable)
    }
}

/// A set of global variables; package variables are undefined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalEnvironment {
    /// The variables by name.
    pub variables: BTreeMap<String, VariableValue>,
}

impl GlobalEnvironment {
    /// Parses `var=value,var2=value2` as `opam admin list --environment` does: each
    /// binding is split at its first `=`, its value is a string; a binding without
    /// `=` sets the variable to `true`.
    pub fn from_bindings(bindings: &str) -> GlobalEnvironment {
        let variables = bindings
            .split(',')
            .filter(|b| !b.is_empty())
            .map(|binding| match binding.split_once('=') {
                Some((name, value)) => (name.to_owned(), VariableValue::String(value.to_owned())),
                None => (binding.to_owned(), VariableValue::Bool(true)),
            })
            .collect();
        GlobalEnvironment { variables }
    }
}

impl Environment for GlobalEnvironment {
    fn lookup(&self, scope: VariableScope<'_>, variable: &str) -> Option<VariableValue> {
        match scope {
            VariableScope::Global => self.variables.get(variable).cloned(),
            _ => None,
        }
    }
}

/// The result of reducing a filter: a value, or undefined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    /// A boolean.
    Bool(bool),
    /// A string, interpolations expanded.
    String(String),
    /// Some variable it depends on is undefined.
    Undefined,
}

impl FilterValue {
    /// The value as a boolean: booleans, and the strings `"true"` and `"false"`;
    /// `None` for undefined and for other strings.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            FilterValue::Bool(b) => Some(*b),
            FilterValue::String(s) if s == "true" => Some(true),
            FilterValue::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The value as a string (`true`/`false` for booleans); `None` when undefined.
    pub fn as_string(&self) -> Option<String> {
        match self {
            FilterValue::Bool(b) => Some(b.to_string()),
            FilterValue::String(s) => Some(s.clone()),
            FilterValue::Undefined => None,
        }
    }
}

impl Filter {
    /// Reads a filter from the values of a filter position (`{ … }` after a
    /// command, or the value of `available:`): no value is `true`, one value is the
    /// filter, more are an error.
    pub fn from_values(values: &[Value]) -> Result<Filter, Error> {
        match values {
            [] => Ok(Filter::Bool(true)),
            [single] => Filter::from_value(single),
            [first, .., last] => Err(shape_error(
                "expected a single filter expression",
                first.span.to(last.span),
            )),
        }
    }

    /// Reads one value as a filter.
    pub fn from_value(value: &Value) -> Result<Filter, Error> {
        Ok(match &value.kind {
            ValueKind::Bool(b) => Filter::Bool(*b),
            ValueKind::String(s) => Filter::String(String::from_utf8_lossy(s).into_owned()),
            ValueKind::Int(i) => Filter::String(i.to_string()),
            ValueKind::Ident(id) => Filter::Ident(FilterIdent::parse(id).map_err(|reason| {
                shape_error(&format!("invalid variable {id:?}: {reason}"), value.span)
            })?),
            ValueKind::Group(group) => match group.value.as_slice() {
                [] => Filter::Bool(true),
                [single] => Filter::from_value(single)?,
                _ => {
                    return Err(shape_error(
                        "expected a single filter expression in parentheses",
                        value.span,
                    ));
                }
            },
            ValueKind::Relop(op, a, b) => Filter::Op(
                Box::new(Filter::from_value(a)?),
                op.value,
                Box::new(Filter::from_value(b)?),
            ),
            ValueKind::Pfxop(op, inner) => {
                let inner = Box::new(Filter::from_value(inner)?);
                match op.value {
                    PfxOp::Not => Filter::Not(inner),
                    PfxOp::Defined => Filter::Defined(inner),
                }
            }
            ValueKind::Logop(chain) => {
                let operands = chain
                    .operands
                    .iter()
                    .map(Filter::from_value)
                    .collect::<Result<Vec<_>, _>>()?;
                match chain.op {
                    LogOp::And => Filter::And(operands),
                    LogOp::Or => Filter::Or(operands),
                }
            }
            ValueKind::List(_)
            | ValueKind::Option(..)
            | ValueKind::StackedOptions(..)
            | ValueKind::PrefixRelop(..)
            | ValueKind::EnvBinding(..) => {
                return Err(shape_error(
                    "expected a filter: a boolean, string, variable, comparison, `!`, `?`, `&` or `|`",
                    value.span,
                ));
            }
        })
    }

    /// Reduces the filter to a value in `env` (opam's `OpamFilter.reduce`):
    /// variables resolved, comparisons and logic computed, strings expanded
    /// (undefined interpolations expand to the empty string).
    pub fn reduce(&self, env: &dyn Environment) -> FilterValue {
        match self.reduce_unexpanded(env) {
            FilterValue::String(s) => match expand_string(&s, env, Some("")) {
                Some(expanded) => FilterValue::String(expanded),
                None => FilterValue::Undefined,
            },
            other => other,
        }
    }

    fn reduce_unexpanded(&self, env: &dyn Environment) -> FilterValue {
        match self {
            Filter::Bool(b) => FilterValue::Bool(*b),
            Filter::String(s) => FilterValue::String(s.clone()),
            Filter::Ident(ident) => match ident.resolve(env) {
                Some(VariableValue::Bool(b)) => FilterValue::Bool(b),
                Some(VariableValue::String(s)) => FilterValue::String(s),
                Some(VariableValue::List(l)) => FilterValue::String(l.join(" ")),
                None => FilterValue::Undefined,
            },
            Filter::Op(a, op, b) => match (a.reduce(env).as_string(), b.reduce(env).as_string()) {
                (Some(a), Some(b)) => FilterValue::Bool(relop_holds(*op, compare_versions(&a, &b))),
                _ => FilterValue::Undefined,
            },
            Filter::And(all) => chain(all, env, false),
            Filter::Or(any) => chain(any, env, true),
            Filter::Not(a) => match a.reduce(env).as_bool() {
                Some(b) => FilterValue::Bool(!b),
                None => FilterValue::Undefined,
            },
            Filter::Defined(a) => FilterValue::Bool(a.reduce(env) != FilterValue::Undefined),
        }
    }

    /// Evaluates the filter to a boolean, `default` when it is undefined or not a
    /// boolean (opam's `eval_to_bool ~default`; `available:` uses `false`).
    pub fn eval_to_bool(&self, env: &dyn Environment, default: bool) -> bool {
        self.reduce(env).as_bool().unwrap_or(default)
    }
}

fn shape_error(message: &str, span: opam_file::Span) -> Error {
    Error::Formula(FormulaError {
        message: message.to_owned(),
        span,
    })
}

/// Whether `op` holds for an ordering of its left side against its right side.
pub(crate) fn relop_holds(op: RelOp, order: Ordering) -> bool {
    match op {
        RelOp::Eq => order == Ordering::Equal,
        RelOp::Neq => order != Ordering::Equal,
        RelOp::Geq => order != Ordering::Less,
        RelOp::Gt => order == Ordering::Greater,
        RelOp::Leq => order != Ordering::Greater,
        RelOp::Lt => order == Ordering::Less,
    }
}

/// The operands of a `&` (`absorbing` false) or `|` (`absorbing` true) chain,
/// reduced, then combined from the left as opam's left-nested `logop2`s combine
/// them (the order matters: a string `"false"` does not absorb, the boolean one
/// step makes of it does).
fn chain(operands: &[Filter], env: &dyn Environment, absorbing: bool) -> FilterValue {
    let mut values = operands.iter().map(|operand| operand.reduce(env));
    let first = values.next().unwrap_or(FilterValue::Bool(!absorbing));
    values.fold(first, |done, next| logical(done, next, absorbing))
}

/// `&` (absorbing `false`) or `|` (absorbing `true`), as opam's `logop2`.
fn logical(a: FilterValue, b: FilterValue, absorbing: bool) -> FilterValue {
    if b == FilterValue::Bool(absorbing) || a == FilterValue::Bool(absorbing) {
        return FilterValue::Bool(absorbing);
    }
    match (a.as_bool(), b.as_bool()) {
        (Some(x), Some(y)) => FilterValue::Bool(if absorbing { x || y } else { x && y }),
        _ => FilterValue::Undefined,
    }
}

impl FilterIdent {
    /// Parses `var`, `pkg:var`, `pkg1+pkg2:var`, `_:var`, and in interpolations
    /// `var?if_true:if_false` and `pkg:var?if_true:if_false`.
    pub fn parse(text: &str) -> Result<FilterIdent, String> {
        let Some((before, last)) = text.rsplit_once(':') else {
            return Ok(FilterIdent {
                packages: Vec::new(),
                variable: text.to_owned(),
                converter: None,
            });
        };
        match before.rsplit_once('?') {
            None => Ok(FilterIdent {
                packages: parse_package_list(before)?,
                variable: last.to_owned(),
                converter: None,
            }),
            Some((head, if_true)) => {
                let converter = Some((if_true.to_owned(), last.to_owned()));
                match head.rsplit_once(':') {
                    None => Ok(FilterIdent {
                        packages: Vec::new(),
                        variable: head.to_owned(),
                        converter,
                    }),
                    Some((packages, variable)) => Ok(FilterIdent {
                        packages: parse_package_list(packages)?,
                        variable: variable.to_owned(),
                        converter,
                    }),
                }
            }
        }
    }

    /// Resolves the variable (opam's `resolve_ident_raw`): `pkg:enable` means
    /// `pkg:installed?enable:disable`; several packages give the conjunction of
    /// their booleans; a converter maps booleans to its strings, and anything
    /// else, undefined included, to its second string.
    fn resolve(&self, env: &dyn Environment) -> Option<VariableValue> {
        let desugared;
        let ident =
            if !self.packages.is_empty() && self.variable == "enable" && self.converter.is_none() {
                desugared = FilterIdent {
                    packages: self.packages.clone(),
                    variable: "installed".into(),
                    converter: Some(("enable".into(), "disable".into())),
                };
                &desugared
            } else {
                self
            };
        let lookup = |package: &Option<PackageName>| match package {
            Some(name) => env.lookup(VariableScope::Package(name), &ident.variable),
            None => env.lookup(VariableScope::SelfPackage, &ident.variable),
        };
        let value = match ident.packages.as_slice() {
            [] => env.lookup(VariableScope::Global, &ident.variable),
            [single] => lookup(single),
            several => {
                let mut all: Option<bool> = Some(true);
                for package in several {
                    if all == Some(false) {
                        break;
                    }
                    match lookup(package) {
                        Some(VariableValue::Bool(true)) => {}
                        other => all = other.as_ref().and_then(variable_as_bool),
                    }
                }
                all.map(VariableValue::Bool)
            }
        };
        match &ident.converter {
            None => value,
            Some((if_true, if_false)) => match value.as_ref().and_then(variable_as_bool) {
                Some(true) => Some(VariableValue::String(if_true.clone())),
                Some(false) | None => Some(VariableValue::String(if_false.clone())),
            },
        }
    }
}

fn parse_package_list(text: &str) -> Result<Vec<Option<PackageName>>, String> {
    text.split('+')
        .filter(|part| !part.is_empty())
        .map(|part| {
            if part == "_" {
                Ok(None)
            } else {
                PackageName::parse(part)
                    .map(Some)
                    .map_err(|e| e.to_string())
            }
        })
        .collect()
}

fn variable_as_bool(value: &VariableValue) -> Option<bool> {
    let text = match value {
        VariableValue::Bool(b) => return Some(*b),
        VariableValue::String(s) => s.as_str(),
        VariableValue::List(l) => match l.as_slice() {
            [single] => single.as_str(),
            _ => return None,
        },
    };
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

impl fmt::Display for FilterIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, package) in self.packages.iter().enumerate() {
            if i > 0 {
                f.write_str("+")?;
            }
            match package {
                Some(name) => write!(f, "{name}")?,
                None => f.write_str("_")?,
            }
        }
        if !self.packages.is_empty() {
            f.write_str(":")?;
        }
        f.write_str(&self.variable)?;
        if let Some((if_true, if_false)) = &self.converter {
            write!(f, "?{if_true}:{if_false}")?;
        }
        Ok(())
    }
}

/// Expands the `%{var}%` interpolations of `text` (and `%%` to `%`), as opam's
/// `expand_string`. An undefined variable expands to `default`; without a default
/// the whole expansion is undefined (`None`). An interpolation that is not closed
/// is kept as written; one whose variable is malformed makes the result undefined.
pub fn expand_string(text: &str, env: &dyn Environment, default: Option<&str>) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied_up_to = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"%%") {
            out.push_str(&text[copied_up_to..i]);
            out.push('%');
            i += 2;
            copied_up_to = i;
        } else if bytes[i..].starts_with(b"%{") {
            let end = interpolation_body_end(bytes, i + 2);
            if bytes[end..].starts_with(b"}%") {
                out.push_str(&text[copied_up_to..i]);
                let ident = FilterIdent::parse(&text[i + 2..end]).ok()?;
                match ident.resolve(env) {
                    Some(VariableValue::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
                    Some(VariableValue::String(s)) => out.push_str(&s),
                    Some(VariableValue::List(l)) => out.push_str(&l.join(" ")),
                    None => out.push_str(default?),
                }
                i = end + 2;
                copied_up_to = i;
            } else {
                i = end;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied_up_to..]);
    Some(out)
}

/// The end of the longest run from `start` of: any byte but newline and `}`, or a
/// `}` followed by a byte other than newline and `%`, or a `}` ending the text.
fn interpolation_body_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start;
    loop {
        match bytes.get(j) {
            Some(b'\n') | None => return j,
            Some(b'}') => match bytes.get(j + 1) {
                None => return j + 1,
                Some(b'%') | Some(b'\n') => return j,
                Some(_) => j += 2,
            },
            Some(_) => j += 1,
        }
    }
}

impl fmt::Display for Filter {
    /// Prints the filter in opam syntax, with parentheses where needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn write(filter: &Filter, f: &mut fmt::Formatter<'_>, context: u8) -> fmt::Result {
            // context: 0 = or, 1 = and, 2 = relop operand, 3 = under a prefix operator
            match filter {
                Filter::Bool(b) => write!(f, "{b}"),
                // `\r` escaped: the lexer reads a carriage return before a newline
                // in a string as part of the newline.
                Filter::String(s) => write!(
                    f,
                    "\"{}\"",
                    s.replace('\\', "\\\\")
                        .replace('"', "\\\"")
                        .replace('\r', "\\r")
                ),
                Filter::Ident(ident) => write!(f, "{ident}"),
                Filter::Op(a, op, b) => {
                    let paren = context >= 2;
                    if paren {
                        f.write_str("(")?;
                    }
                    write(a, f, 2)?;
                    write!(f, " {} ", op.as_str())?;
                    write(b, f, 2)?;
                    if paren {
                        f.write_str(")")?;
                    }
                    Ok(())
                }
                Filter::And(operands) | Filter::Or(operands) => {
                    let is_and = matches!(filter, Filter::And(..));
                    let paren = if is_and { context >= 2 } else { context >= 1 };
                    let inner = if is_and { 1 } else { 0 };
                    if paren {
                        f.write_str("(")?;
                    }
                    for (i, operand) in operands.iter().enumerate() {
                        if i > 0 {
                            f.write_str(if is_and { " & " } else { " | " })?;
                        }
                        // A chain inside a chain of the same operator was written in
                        // parentheses (the parser makes one flat chain otherwise):
                        // keep them, or it would read back as one chain.
                        let operand_context = match operand {
                            Filter::And(..) if is_and => 2,
                            Filter::Or(..) if !is_and => 1,
                            _ => inner,
                        };
                        write(operand, f, operand_context)?;
                    }
                    if paren {
                        f.write_str(")")?;
                    }
                    Ok(())
                }
                Filter::Not(a) | Filter::Defined(a) => {
                    let paren = context == 2;
                    if paren {
                        f.write_str("(")?;
                    }
                    f.write_str(if matches!(filter, Filter::Not(_)) {
                        "!"
                    } else {
                        "?"
                    })?;
                    write(a, f, 3)?;
                    if paren {
                        f.write_str(")")?;
                    }
                    Ok(())
                }
            }
        }
        write(self, f, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(text: &str) -> Filter {
        let file = opam_file::parse(format!("available: {text}\n").as_bytes()).unwrap();
        match file.items.into_iter().next().unwrap().kind {
            opam_file::ItemKind::Variable(_, value) => Filter::from_value(&value).unwrap(),
            opam_file::ItemKind::Section(_) => unreachable!(),
        }
    }

    /// The filters of the notes' §2.5, verified with opam 2.1.2 in this environment.
    #[test]
    fn evaluates_the_notes_examples() {
        let env = GlobalEnvironment::from_bindings("os=linux,arch=x86_64");
        let cases = [
            (r#"os = "linux""#, true),
            (r#"os = "Linux""#, false),
            ("?os", true),
            ("?nosuchvar", false),
            ("nosuchvar | true", true),
            ("nosuchvar & false", false),
            ("!nosuchvar", false),
            (r#""true""#, true),
            (r#"true = "true""#, true),
            (r#""1.0" = "1.00""#, true),
            ("1 < 2", true),
            (r#""%{os}%" = "linux""#, true),
            (r#""%{nosuchvar}%" = """#, true),
            (r#"os-version >= "12""#, false),
        ];
        for (text, expected) in cases {
            assert_eq!(filter(text).eval_to_bool(&env, false), expected, "{text}");
        }
        assert_eq!(filter("!nosuchvar").reduce(&env), FilterValue::Undefined);
    }

    #[test]
    fn expands_interpolations_like_opam() {
        let env = GlobalEnvironment::from_bindings("os=linux,flag=true,off=false");
        let expand = |text: &str| expand_string(text, &env, Some(""));
        assert_eq!(expand("%{os}%-%{arch}%").as_deref(), Some("linux-"));
        assert_eq!(expand("100%%").as_deref(), Some("100%"));
        assert_eq!(
            expand("%{flag?yes:no}%/%{off?yes:no}%/%{none?yes:no}%").as_deref(),
            Some("yes/no/no")
        );
        // Unclosed interpolations stay as written.
        assert_eq!(expand("a%{os").as_deref(), Some("a%{os"));
        assert_eq!(expand("%{os\n}%").as_deref(), Some("%{os\n}%"));
        // A `}` not followed by `%` belongs to the variable: `a}b` (undefined).
        assert_eq!(expand("%{a}b}%").as_deref(), Some(""));
        // Without a default, an undefined variable makes the whole string undefined.
        assert_eq!(expand_string("%{none}%", &env, None), None);
        // A malformed variable (invalid package name) also does.
        assert_eq!(expand("%{a.b:c}%"), None);
    }

    #[test]
    fn resolves_package_variables_and_enable() {
        let env = |scope: VariableScope<'_>, variable: &str| match (scope, variable) {
            (VariableScope::Package(name), "installed") => {
                Some(VariableValue::Bool(name.as_str() == "lwt"))
            }
            (VariableScope::SelfPackage, "version") => Some(VariableValue::String("1.2".into())),
            _ => None,
        };
        assert!(filter("lwt:installed").eval_to_bool(&env, false));
        assert!(!filter("lwt+async:installed").eval_to_bool(&env, true));
        assert_eq!(
            filter(r#""%{lwt:enable}%-%{async:enable}%""#).reduce(&env),
            FilterValue::String("enable-disable".into())
        );
        assert!(filter(r#"_:version < "1.10""#).eval_to_bool(&env, false));
    }

    #[test]
    fn rejects_non_filters_with_their_span() {
        let file = opam_file::parse(b"available: [os]\n").unwrap();
        let opam_file::ItemKind::Variable(_, value) = &file.items[0].kind else {
            unreachable!()
        };
        let err = Filter::from_value(value).unwrap_err();
        assert!(err.to_string().starts_with("expected a filter"), "{err}");
        assert!(Filter::from_values(&[]).is_ok_and(|f| f == Filter::Bool(true)));
    }

    #[test]
    fn prints_filters_in_opam_syntax() {
        for text in [
            r#"os = "linux" & !(arch = "arm32" | ?x)"#,
            "a | b & c",
            "!(a & b)",
            r#"(a | b) & "x" < y"#,
            // Found by fuzzing: a carriage return before a newline in a string was
            // written as is, and read back as part of the newline.
            r#""a\r\nb\r" = x"#,
            // Found by fuzzing: a parenthesised chain inside a chain of the same
            // operator was printed without its parentheses, and read back as one
            // flat chain.
            r#"os = "l" & (!arch = "l" & ?x)"#,
            "(a | b) | c | (d | (e | f))",
            r#"lwt+_+async:installed & _:version < "1.0" | ?p:v"#,
        ] {
            let printed = filter(text).to_string();
            assert_eq!(
                filter(&printed),
                filter(text),
                "{text} printed as {printed}"
            );
        }
    }

    #[test]
    fn prints_variables_as_written() {
        for text in [
            "v",
            "_:v",
            "p:v",
            "p+_+q:v",
            "v?yes:no",
            "p+q:v?yes:",
            "_:v?:no",
        ] {
            assert_eq!(FilterIdent::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn empty_parentheses_are_true() {
        assert_eq!(filter("()"), Filter::Bool(true));
        assert_eq!(filter("(os)"), filter("os"));
    }

    #[test]
    fn only_true_and_false_strings_are_booleans() {
        let env = GlobalEnvironment::from_bindings("t=true,f=false,s=foo");
        for (text, expected) in [
            ("!t", FilterValue::Bool(false)),
            ("!f", FilterValue::Bool(true)),
            ("!s", FilterValue::Undefined),
            ("s & t", FilterValue::Undefined),
            ("s | f", FilterValue::Undefined),
        ] {
            assert_eq!(filter(text).reduce(&env), expected, "{text}");
        }
    }

    #[test]
    fn text_true_false_and_one_element_lists_count_as_booleans_in_variables() {
        let value = |variable: &str| match variable {
            "t" => Some(VariableValue::String("true".into())),
            "f" => Some(VariableValue::String("false".into())),
            "one" => Some(VariableValue::List(vec!["true".into()])),
            "two" => Some(VariableValue::List(vec!["true".into(), "true".into()])),
            "s" => Some(VariableValue::String("foo".into())),
            _ => None,
        };
        let env = |scope: VariableScope<'_>, variable: &str| match scope {
            VariableScope::Global | VariableScope::Package(_) => value(variable),
            VariableScope::SelfPackage => None,
        };
        // A converter picks its first string for a true value, else its second.
        assert_eq!(
            expand_string(
                "%{t?y:n}% %{f?y:n}% %{one?y:n}% %{two?y:n}% %{s?y:n}%",
                &env,
                None
            )
            .as_deref(),
            Some("y n y n n")
        );
        // Several packages: the conjunction of their booleans, undefined for text.
        for (text, expected) in [
            ("a+b:t", FilterValue::Bool(true)),
            ("a+b:f", FilterValue::Bool(false)),
            ("a+b:one", FilterValue::Bool(true)),
            ("a+b:s", FilterValue::Undefined),
        ] {
            assert_eq!(filter(text).reduce(&env), expected, "{text}");
        }
    }

    #[test]
    fn empty_chains_are_the_identity_of_their_operator() {
        // The parser makes chains of two or more; a built one may be empty.
        let env = GlobalEnvironment::default();
        assert_eq!(
            Filter::And(Vec::new()).reduce(&env),
            FilterValue::Bool(true)
        );
        assert_eq!(
            Filter::Or(Vec::new()).reduce(&env),
            FilterValue::Bool(false)
        );
    }

    #[test]
    fn a_fifty_thousand_term_chain_reduces_prints_and_drops() {
        let thread = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let count = 50_000;
                let terms: Vec<String> = (0..count).map(|i| format!("os = \"o{i}\"")).collect();
                let text = terms.join(" | ");
                let available = filter(&text);
                assert!(matches!(&available, Filter::Or(any) if any.len() == count));
                let on = |os: &str| GlobalEnvironment::from_bindings(&format!("os={os}"));
                assert!(available.eval_to_bool(&on("o49999"), false));
                assert!(!available.eval_to_bool(&on("linux"), true));
                // Undefined everywhere: every operand is undefined, so is the chain.
                assert_eq!(
                    available.reduce(&GlobalEnvironment::default()),
                    FilterValue::Undefined
                );
                assert_eq!(available.to_string(), text);
            })
            .expect("thread starts");
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
    }

    #[test]
    fn chains_combine_from_the_left_as_opam_nests_them() {
        // `"false" & true` is the boolean false, which then absorbs an undefined
        // `x`: opam's `("false" & true) & x`. Another grouping stays undefined.
        let env = GlobalEnvironment::default();
        assert_eq!(
            filter(r#""false" & true & x"#).reduce(&env),
            FilterValue::Bool(false)
        );
        assert_eq!(
            filter(r#""false" & (true & x)"#).reduce(&env),
            FilterValue::Undefined
        );
    }
}
