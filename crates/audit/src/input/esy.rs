//! esy lock files (`esy.lock/index.json`).
//!
//! `root` names the project's node; `node` maps node ids (`name@version@hash`) to
//! packages with `name`, `version`, `source` and the ids of their `dependencies` and
//! `devDependencies`. opam packages are named `@opam/<name>` with versions `opam:<v>`;
//! other names are npm packages (esy's own `ocaml` compiler package among them, with
//! versions that are not opam's). A node whose source is a link or a version-control
//! checkout is treated as pinned.

use std::path::Path;

use serde_json::Value as Json;

use super::Input;
use super::error::{Error, Position, Result, read_text};
use super::inventory::{DepKind, InstalledPackage, Inventory, Registry};

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

/// Reads `esy.lock/index.json`.
pub(crate) fn read_esy_lock(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_text(path)?;
    let json: Json = serde_json::from_str(&text).map_err(|e| Error::Malformed {
        path: path.to_path_buf(),
        position: Position {
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        },
        // serde_json's text ends with its own " at line L column C": the position is ours
        message: format!(
            "invalid JSON: {}",
            e.to_string().split(" at line ").next().unwrap_or_default()
        ),
        help: HELP,
    })?;
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
        Ok(match name.strip_prefix("@opam/") {
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
    for (id, node) in nodes {
        let (name, registry) = name_of(id)?;
        let version = node.get("version").and_then(Json::as_str).ok_or_else(|| {
            malformed_at(
                path,
                &text,
                &format!("\"{id}\""),
                format!("node `{id}` has no \"version\""),
            )
        })?;
        let version = version.strip_prefix("opam:").unwrap_or(version);
        inventory.add_package(InstalledPackage {
            name,
            version: version.to_owned(),
            pinned: id != root && is_pinned(node),
            root: id == root,
            registry,
        });
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
