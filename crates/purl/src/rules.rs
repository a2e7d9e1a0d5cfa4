//! The type rules: normalise the components and check them against the
//! type's definition.
//!
//! Almost everything comes from the generated table ([`crate::types`]). Three
//! rules are stated only in the prose notes of a definition and are listed in
//! [`PROSE_RULES`]; each cites the definition text it implements.

use crate::error::{Component, Error, ErrorKind};
use crate::parse::Parts;
use crate::purl::{Purl, Qualifiers};
use crate::types::{ComponentRule, Normalisation, Requirement, TypeDefinition, type_definition};

/// A rule a type definition states in its notes rather than in its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProseRule {
    /// git: "The path on the host to the git repository" is the name, and the
    /// namespace is the host; the name keeps its `/` unencoded (purl-spec
    /// issue #952 discusses this exception to "the name is the last segment").
    NameIsPathAfterHost,
    /// cpan: "A distribution name shall not contain the string '::'".
    NameMustNotContain(&'static str),
    /// mlflow: "for Databricks, it is case insensitive and shall be
    /// lowercased"; recognised by the `repository_url` qualifier.
    LowercaseNameWhenRepositoryContains(&'static str),
}

/// Prose rules by type.
const PROSE_RULES: &[(&str, ProseRule)] = &[
    ("cpan", ProseRule::NameMustNotContain("::")),
    ("git", ProseRule::NameIsPathAfterHost),
    (
        "mlflow",
        ProseRule::LowercaseNameWhenRepositoryContains("databricks"),
    ),
];

fn prose_rules(package_type: &str) -> impl Iterator<Item = ProseRule> + '_ {
    PROSE_RULES
        .iter()
        .filter(move |(rule_type, _)| *rule_type == package_type)
        .map(|(_, rule)| *rule)
}

/// Whether the name of this type is a `/`-separated path (git).
pub(crate) fn name_is_path(package_type: &str) -> bool {
    prose_rules(package_type).any(|rule| rule == ProseRule::NameIsPathAfterHost)
}

/// Applies the rules of the type (none for an unregistered type) and makes the `Purl`.
pub(crate) fn apply(parts: Parts) -> Result<Purl, Error> {
    let Parts {
        package_type,
        mut namespace,
        mut name,
        mut version,
        qualifiers,
        mut subpath,
    } = parts;
    let qualifiers = Qualifiers::from_unique_pairs(qualifiers);
    if let (Some(_), Some(range)) = (&version, qualifiers.get("vers")) {
        return Err(Error::new(
            ErrorKind::VersionAndVers,
            Component::Qualifiers,
            range,
            "the `vers` qualifier (a version range) excludes a version: keep one of them",
        ));
    }

    if let Some(definition) = type_definition(&package_type) {
        if name_is_path(&package_type) {
            let mut segments: Vec<String> = namespace
                .drain(..)
                .chain(name.split('/').filter(|s| !s.is_empty()).map(str::to_owned))
                .collect();
            if segments.len() > 1 {
                name = segments.split_off(1).join("/");
                namespace = segments;
            }
        }

        check_requirement(
            definition,
            Component::Namespace,
            definition.namespace(),
            !namespace.is_empty(),
            &namespace.join("/"),
        )?;
        check_requirement(
            definition,
            Component::Version,
            definition.version(),
            version.is_some(),
            version.as_deref().unwrap_or_default(),
        )?;
        check_requirement(
            definition,
            Component::Subpath,
            definition.subpath(),
            !subpath.is_empty(),
            &subpath.join("/"),
        )?;

        for segment in &mut namespace {
            normalise(segment, definition.namespace());
        }
        normalise(&mut name, definition.name_rule());
        if let Some(version) = &mut version {
            normalise(version, definition.version());
        }
        for segment in &mut subpath {
            normalise(segment, definition.subpath());
        }

        for rule in prose_rules(&package_type) {
            match rule {
                ProseRule::NameIsPathAfterHost => {}
                ProseRule::NameMustNotContain(forbidden) => {
                    if name.contains(forbidden) {
                        return Err(Error::new(
                            ErrorKind::TypeRule,
                            Component::Name,
                            name,
                            format!("a {package_type} name must not contain `{forbidden}`"),
                        ));
                    }
                }
                ProseRule::LowercaseNameWhenRepositoryContains(marker) => {
                    if qualifiers
                        .get("repository_url")
                        .is_some_and(|url| url.contains(marker))
                    {
                        name = name.to_lowercase();
                    }
                }
            }
        }

        check_permitted(
            definition,
            Component::Namespace,
            definition.namespace(),
            &namespace.join("/"),
            !namespace.is_empty(),
        )?;
        check_permitted(
            definition,
            Component::Name,
            definition.name_rule(),
            &name,
            true,
        )?;
        if let Some(version) = &version {
            check_permitted(
                definition,
                Component::Version,
                definition.version(),
                version,
                true,
            )?;
        }
        check_permitted(
            definition,
            Component::Subpath,
            definition.subpath(),
            &subpath.join("/"),
            !subpath.is_empty(),
        )?;

        for rule in definition.qualifiers() {
            if rule.requirement() == Requirement::Required && !qualifiers.contains_key(rule.key()) {
                return Err(Error::new(
                    ErrorKind::MissingRequiredQualifier,
                    Component::Qualifiers,
                    "",
                    format!(
                        "the {package_type} type requires the `{}` qualifier",
                        rule.key()
                    ),
                ));
            }
        }
    }

    Ok(Purl {
        package_type,
        namespace: (!namespace.is_empty()).then(|| namespace.join("/")),
        name,
        version,
        qualifiers,
        subpath: (!subpath.is_empty()).then(|| subpath.join("/")),
    })
}

fn normalise(text: &mut String, rule: &ComponentRule) {
    if !rule.case_sensitive() && text.chars().any(char::is_uppercase) {
        *text = text.to_lowercase();
    }
    for normalisation in rule.normalisations() {
        match normalisation {
            Normalisation::Lowercase => *text = text.to_lowercase(),
            Normalisation::UnderscoreToDash => *text = text.replace('_', "-"),
            Normalisation::NonAlphanumericToUnderscore => {
                *text = text
                    .chars()
                    .map(|c| {
                        if c.is_ascii_lowercase() || c.is_ascii_digit() {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
            }
        }
    }
}

fn check_requirement(
    definition: &TypeDefinition,
    component: Component,
    rule: &ComponentRule,
    present: bool,
    text: &str,
) -> Result<(), Error> {
    let package_type = definition.name();
    let (kind, message) = match (rule.requirement(), present) {
        (Requirement::Required, false) => (
            if component == Component::Namespace {
                ErrorKind::NamespaceRequired
            } else {
                ErrorKind::TypeRule
            },
            format!("the {package_type} type requires a {component}"),
        ),
        (Requirement::Prohibited, true) => (
            if component == Component::Namespace {
                ErrorKind::NamespaceProhibited
            } else {
                ErrorKind::TypeRule
            },
            if component == Component::Namespace && definition.default_repository_url().is_some() {
                format!(
                    "the {package_type} type has no namespace (name another repository with the `repository_url` qualifier)"
                )
            } else {
                format!("the {package_type} type has no {component}")
            },
        ),
        _ => return Ok(()),
    };
    Err(Error::new(kind, component, text, message))
}

fn check_permitted(
    definition: &TypeDefinition,
    component: Component,
    rule: &ComponentRule,
    text: &str,
    present: bool,
) -> Result<(), Error> {
    match rule.permitted_characters() {
        Some(pattern) if present && !rule.permits(text) => Err(Error::new(
            ErrorKind::NotPermitted,
            component,
            text,
            format!("a {} {component} must match `{pattern}`", definition.name()),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prose_rule_names_a_registered_type() {
        for (package_type, _) in PROSE_RULES {
            assert!(type_definition(package_type).is_some(), "{package_type}");
        }
    }
}
