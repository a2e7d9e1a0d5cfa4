//! esy lock files (`esy.lock/index.json`).
//!
//! `root` names the project's node ([`Registry::Project`]: built from the checkout, not
//! matched); `node` maps node ids (`name@version@hash`) to packages with `name`,
//! `version`, `source` and the ids of their `dependencies` and `devDependencies`. opam
//! packages are named `@opam/<name>` with versions `opam:<v>`; other names are npm
//! packages, except esy's own `ocaml` compiler package (see [`esy_ocaml_version`]),
//! audited as opam's `ocaml`. A node whose source is a link or a version-control
//! checkout is treated as pinned. Several versions of one name (npm allows it) are all
//! audited.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

use super::Input;
use super::error::{Error, Position, Result, read_text};
use super::inventory::{DepKind, InstalledPackage, Inventory, Registry};
use super::note::{Lines, Note, NoteKind};

const HELP: &str = "the esy lock file is corrupt: regenerate it with `esy install`";

fn malformed_at(path: &Path, text: &str, needle: &str, message: String) -> Error {
    let offset = text.find(needle).unwrap_or(0);
    Error::malformed(path, text, offset, message, HELP)
}

/// A node's source is pinned when it is not a registry archive.
fn is_pinned(node: &Json) -> bool {
    let source = node.get("source");
    let kind = source.and_then(|s| s.get("type")).and_then(Json::as_str);
    if matches!(kind, Some("link" | "link-dev")) {
        return true;
    }
    let sources: Vec<&str> = match source.and_then(|s| s.get("source")) {
        Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
        Some(Json::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    };
    sources.iter().any(|s| {
        ["git:", "github:", "path:", "link:"]
            .iter()
            .any(|p| s.starts_with(p))
    })
}

/// The opam `ocaml` version that esy's npm `ocaml` package version builds.
///
/// esy publishes the compiler on npm as `MAJOR.MINOR.(PATCH × 1000 + FIX)`, where FIX
/// counts esy's own rebuilds (the package's README, and the `VERSION` file inside each
/// tarball: `ocaml@4.6.10` holds 4.06.0, `4.7.1004` 4.07.1, `4.14.1000` 4.14.1,
/// `4.2.3005` 4.02.3, `5.1.4` 5.1.0). opam writes OCaml 4 and earlier with a two-digit
/// minor (`4.06.0`) and OCaml 5 with one (`5.1.0`). A variant suffix
/// (`4.12.0-musl.static.flambda`) builds the same release. `None` for a version not of
/// that form.
pub(crate) fn esy_ocaml_version(npm: &str) -> Option<String> {
    let base = npm.split(['-', '+']).next().unwrap_or(npm);
    let mut parts = base.split('.').map(|p| {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    });
    let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let patch = patch / 1000;
    Some(if major < 5 {
        format!("{major}.{minor:02}.{patch}")
    } else {
        format!("{major}.{minor}.{patch}")
    })
}

/// Where each object key is first written (`"KEY": {`), from one pass over the text:
/// the node definitions' places.
fn object_keys(text: &str) -> HashMap<&str, usize> {
    let mut keys = HashMap::new();
    for (at, _) in text.match_indices("\": {") {
        let before = &text[..at];
        if let Some(open) = before.rfind('"') {
            keys.entry(&text[open + 1..at]).or_insert(open);
        }
    }
    keys
}

/// A JSON value whose objects write each key once. serde_json keeps the last of repeated
/// keys, so a node or a `version` written twice (an edit by hand, a bad merge) would
/// silently hide the first one, perhaps the vulnerable one: the file is refused instead,
/// at the repeated key.
struct UniqueKeys(Json);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::from(v)))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::String(v)))
    }

    fn visit_unit<E>(self) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(Json::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<UniqueKeys, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(UniqueKeys(Json::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<UniqueKeys, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key `{key}` is written twice in one object: esy writes each once, so \
                     the file was edited by hand and osec cannot tell which one holds"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(UniqueKeys(Json::Object(object)))
    }
}

/// The keys esy writes at the top of `index.json` and in each node.
const TOP_FIELDS: &[&str] = &["checksum", "root", "node"];
const NODE_FIELDS: &[&str] = &[
    "id",
    "name",
    "version",
    "source",
    "overrides",
    "dependencies",
    "devDependencies",
];

/// A note on keys esy does not write (a newer esy, or an edit by hand), at the first
/// one's first mention: osec reads around them, the user should know.
fn unknown_fields(
    lines: &Lines,
    text: &str,
    json: &Json,
    nodes: &serde_json::Map<String, Json>,
) -> Option<Note> {
    let top = json.as_object().into_iter().flat_map(|o| o.keys());
    let top = top.filter(|k| !TOP_FIELDS.contains(&k.as_str()));
    let in_nodes = nodes
        .values()
        .filter_map(Json::as_object)
        .flat_map(|node| node.keys())
        .filter(|k| !NODE_FIELDS.contains(&k.as_str()));
    let unknown: BTreeSet<&str> = top.chain(in_nodes).map(String::as_str).collect();
    if unknown.is_empty() {
        return None;
    }
    // a key written with escapes is not found as such: the note then points at the start
    let first = unknown
        .iter()
        .filter_map(|k| text.find(&format!("\"{k}\"")))
        .min()
        .unwrap_or(0);
    let names: Vec<String> = unknown.iter().map(|n| format!("`{n}`")).collect();
    Some(Note::new(
        NoteKind::UnknownFields,
        lines.location(first),
        format!(
            "fields osec does not know, left out of the reading: {} (a newer esy, or an \
             edit by hand)",
            names.join(", ")
        ),
    ))
}

/// Reads `esy.lock/index.json`.
pub(crate) fn read_esy_lock(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_text(path)?;
    let json = match serde_json::from_str::<UniqueKeys>(&text) {
        Ok(UniqueKeys(json)) => json,
        Err(e) => {
            // serde_json's text ends with its own " at line L column C": the position is ours
            let what = e.to_string();
            let what = what.split(" at line ").next().unwrap_or_default();
            return Err(Error::Malformed {
                path: path.to_path_buf(),
                position: Position {
                    line: u32::try_from(e.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(e.column()).unwrap_or(u32::MAX),
                },
                message: if e.classify() == serde_json::error::Category::Data {
                    what.to_owned()
                } else {
                    format!("invalid JSON: {what}")
                },
                help: HELP,
            });
        }
    };
    let root = json.get("root").and_then(Json::as_str).ok_or_else(|| {
        malformed_at(
            path,
            &text,
            "{",
            "no \"root\" string: not an esy lock file".to_owned(),
        )
    })?;
    let Some(nodes) = json.get("node").and_then(Json::as_object) else {
        return Err(malformed_at(
            path,
            &text,
            "{",
            "no \"node\" object: not an esy lock file".to_owned(),
        ));
    };
    let name_of = |id: &str| -> Result<(String, Registry)> {
        let node = nodes.get(id).ok_or_else(|| {
            malformed_at(
                path,
                &text,
                &format!("\"{id}\""),
                format!("node `{id}` is referenced but not defined"),
            )
        })?;
        let name = node.get("name").and_then(Json::as_str).ok_or_else(|| {
            malformed_at(
                path,
                &text,
                &format!("\"{id}\""),
                format!("node `{id}` has no \"name\""),
            )
        })?;
        let opam = name.strip_prefix("@opam/");
        Ok(match opam {
            _ if id == root => (opam.unwrap_or(name).to_owned(), Registry::Project),
            Some(opam) => (opam.to_owned(), Registry::Opam),
            None => (name.to_owned(), Registry::Npm),
        })
    };
    if !nodes.contains_key(root) {
        return Err(malformed_at(
            path,
            &text,
            "\"root\"",
            format!("root node `{root}` is not defined"),
        ));
    }
    let mut inventory = Inventory::new(input);
    let lines = Lines::new(path, text.as_bytes());
    let keys = object_keys(&text);
    if let Some(note) = unknown_fields(&lines, &text, &json, nodes) {
        inventory.add_note(note);
    }
    for (id, node) in nodes {
        let (name, mut registry) = name_of(id)?;
        let version = node.get("version").and_then(Json::as_str).ok_or_else(|| {
            malformed_at(
                path,
                &text,
                &format!("\"{id}\""),
                format!("node `{id}` has no \"version\""),
            )
        })?;
        let mut version = version.strip_prefix("opam:").unwrap_or(version).to_owned();
        let location = lines.location(keys.get(id.as_str()).copied().unwrap_or(0));
        if name == "ocaml" && registry == Registry::Npm {
            match esy_ocaml_version(&version) {
                Some(opam) => {
                    inventory.add_note(Note::new(
                        NoteKind::EsyCompiler,
                        location.clone(),
                        format!(
                            "esy's compiler package ocaml@{version} builds OCaml {opam} (esy \
                             numbers it MAJOR.MINOR.PATCH×1000+FIX): audited as opam's ocaml \
                             {opam}"
                        ),
                    ));
                    version = opam;
                    registry = Registry::Opam;
                }
                None => inventory.add_note(Note::new(
                    NoteKind::EsyCompiler,
                    location.clone(),
                    format!(
                        "esy's compiler package ocaml@{version} is not numbered \
                         MAJOR.MINOR.PATCH×1000+FIX: its OCaml version is unknown, not audited"
                    ),
                )),
            }
        }
        inventory.add_package_at(
            InstalledPackage {
                name,
                version,
                pinned: id != root && is_pinned(node),
                root: id == root,
                registry,
            },
            location,
        );
    }
    for (id, node) in nodes {
        let (from, _) = name_of(id)?;
        for (field, kind) in [
            ("dependencies", DepKind::Normal),
            ("devDependencies", DepKind::Dev),
        ] {
            let Some(deps) = node.get(field) else {
                continue;
            };
            let Some(deps) = deps.as_array() else {
                return Err(malformed_at(
                    path,
                    &text,
                    &format!("\"{id}\""),
                    format!("node `{id}`: \"{field}\" must be a list of node ids"),
                ));
            };
            for dep in deps {
                let Some(dep_id) = dep.as_str() else {
                    return Err(malformed_at(
                        path,
                        &text,
                        &format!("\"{id}\""),
                        format!("node `{id}`: \"{field}\" must be a list of node ids"),
                    ));
                };
                let (to, _) = name_of(dep_id)?;
                inventory.add_dependency(&from, &to, kind);
            }
        }
    }
    inventory.prune_edges();
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esy_compiler_versions_map_to_the_ocaml_release_they_build() {
        // Each pair checked against the VERSION file of the npm tarball (see the
        // fixtures' README).
        for (npm, opam) in [
            ("4.6.10", "4.06.0"),
            ("4.6.4", "4.06.0"),
            ("4.7.1004", "4.07.1"),
            ("4.14.1000", "4.14.1"),
            ("4.2.3005", "4.02.3"),
            ("4.4.2000", "4.04.2"),
            ("5.1.4", "5.1.0"),
            ("5.1.1000", "5.1.1"),
            ("4.12.0-musl.static.flambda", "4.12.0"),
            ("4.10.2001", "4.10.2"),
        ] {
            assert_eq!(esy_ocaml_version(npm).as_deref(), Some(opam), "{npm}");
        }
        for other in ["4.6", "4.6.x", "latest", "4.6.1.2", "", "4..1"] {
            assert_eq!(esy_ocaml_version(other), None, "{other}");
        }
    }
}
