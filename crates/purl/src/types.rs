//! The registered purl types and their rules, generated at build time from the
//! purl-spec definitions in `types/*-definition.json` (see `build.rs`).

use std::sync::OnceLock;

use regex_lite::Regex;

/// Whether a component must, may or must not be present for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// The component must be present.
    Required,
    /// The component may be present.
    Optional,
    /// The component must be absent.
    Prohibited,
}

/// A normalisation a type definition asks for, beyond lowercasing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Normalisation {
    /// Lowercase the component.
    Lowercase,
    /// Replace every `_` with `-` (pypi names).
    UnderscoreToDash,
    /// Replace every character other than `a-z` and `0-9` with `_` (pub names).
    NonAlphanumericToUnderscore,
}

/// The rules of one component (namespace, name, version or subpath) of a type.
#[derive(Debug)]
pub struct ComponentRule {
    requirement: Requirement,
    case_sensitive: bool,
    permitted_characters: Option<&'static str>,
    normalisations: &'static [Normalisation],
    compiled: OnceLock<Regex>,
}

impl ComponentRule {
    const fn new(
        requirement: Requirement,
        case_sensitive: bool,
        permitted_characters: Option<&'static str>,
        normalisations: &'static [Normalisation],
    ) -> Self {
        Self {
            requirement,
            case_sensitive,
            permitted_characters,
            normalisations,
            compiled: OnceLock::new(),
        }
    }

    /// Whether the component is required, optional or prohibited.
    pub fn requirement(&self) -> Requirement {
        self.requirement
    }

    /// `false` when the canonical form is lowercase.
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// The definition's `permitted_characters` regular expression, if any.
    pub fn permitted_characters(&self) -> Option<&'static str> {
        self.permitted_characters
    }

    /// Normalisations to apply, in order, after lowercasing.
    pub fn normalisations(&self) -> &'static [Normalisation] {
        self.normalisations
    }

    /// Whether `value` matches `permitted_characters` (always true without one).
    pub(crate) fn permits(&self, value: &str) -> bool {
        let Some(pattern) = self.permitted_characters else {
            return true;
        };
        let regex = self.compiled.get_or_init(|| {
            // build.rs compiled every pattern with the same regex engine, so
            // this cannot fail for the embedded definitions.
            Regex::new(pattern).unwrap_or_else(|err| {
                unreachable!("permitted_characters {pattern:?} checked by build.rs: {err}")
            })
        });
        regex.is_match(value)
    }
}

/// A qualifier key a type definition lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualifierRule {
    key: &'static str,
    requirement: Requirement,
    default_value: Option<&'static str>,
}

impl QualifierRule {
    /// The qualifier key.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// Whether the qualifier must be present.
    pub fn requirement(&self) -> Requirement {
        self.requirement
    }

    /// The value assumed when the qualifier is absent, if the definition gives one.
    pub fn default_value(&self) -> Option<&'static str> {
        self.default_value
    }
}

/// The rules of one registered purl type, from its purl-spec definition.
#[derive(Debug)]
pub struct TypeDefinition {
    name: &'static str,
    default_repository_url: Option<&'static str>,
    namespace: ComponentRule,
    name_rule: ComponentRule,
    version: ComponentRule,
    subpath: ComponentRule,
    qualifiers: &'static [QualifierRule],
}

impl TypeDefinition {
    /// The type, lowercase (`"opam"`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The default repository (`"https://opam.ocaml.org"` for opam).
    pub fn default_repository_url(&self) -> Option<&'static str> {
        self.default_repository_url
    }

    /// Rules of the namespace.
    pub fn namespace(&self) -> &ComponentRule {
        &self.namespace
    }

    /// Rules of the name.
    pub fn name_rule(&self) -> &ComponentRule {
        &self.name_rule
    }

    /// Rules of the version.
    pub fn version(&self) -> &ComponentRule {
        &self.version
    }

    /// Rules of the subpath.
    pub fn subpath(&self) -> &ComponentRule {
        &self.subpath
    }

    /// The qualifier keys the definition lists.
    pub fn qualifiers(&self) -> &'static [QualifierRule] {
        self.qualifiers
    }
}

mod generated {
    use super::{ComponentRule, Normalisation, QualifierRule, Requirement, TypeDefinition};

    include!(concat!(env!("OUT_DIR"), "/type_definitions.rs"));
}

/// Every registered type, sorted by name.
pub fn registered_types() -> &'static [TypeDefinition] {
    &generated::TYPE_DEFINITIONS
}

/// The definition of a registered type (`type_name` is matched lowercase).
pub fn type_definition(type_name: &str) -> Option<&'static TypeDefinition> {
    let table = registered_types();
    table
        .binary_search_by(|definition| definition.name.cmp(type_name))
        .ok()
        .and_then(|index| table.get(index))
}
