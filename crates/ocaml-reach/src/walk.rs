//! Finding OCaml sources: the project's tree, vendored packages inside it, and the
//! directories of installed packages, each file with the module path it compiles to.
//!
//! # Which files
//!
//! `.ml` and `.mli`, and `.mll` and `.mly` (their actions are OCaml; the grammar around
//! them reads as harmless tokens). Directories whose name starts with `.` or `_` are
//! skipped, as dune skips them by default: `_build`, `_opam`, `_esy`, `.git`. So is
//! `node_modules`. Symbolic links are followed, each real directory read once.
//!
//! # Vendored code
//!
//! `duniverse/`, `vendor/`, `vendors/`, `third_party/` and `third-party/` hold other
//! people's packages (opam-monorepo puts them in `duniverse/`). Each directory inside
//! them is read as a package of that name, not as the project: a call there is a call
//! by a library the project uses, followed like one in an installed package.
//!
//! # Module paths of installed files
//!
//! dune installs a library's sources next to its compiled units, whose names carry
//! the wrapping: `path.ml` beside `cohttp__Path.cmi` is `Cohttp.Path`. A file whose
//! unit is found that way gets that path; otherwise a `dune` file in the same directory
//! naming a `(library (name …))` wraps it (unless `(wrapped false)`); otherwise the
//! file is a top-level module named after it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path as FsPath, PathBuf};

use crate::path::{Component, Path, push_module};

const VENDOR_DIRS: &[&str] = &[
    "duniverse",
    "vendor",
    "vendors",
    "third_party",
    "third-party",
];

const SOURCE_EXTENSIONS: &[&str] = &["ml", "mli", "mll", "mly"];

const UNIT_EXTENSIONS: &[&str] = &["cmi", "cmti", "cmt", "cmx"];

/// One OCaml source file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceFile {
    pub(crate) path: PathBuf,
    /// `.mli`.
    pub(crate) interface: bool,
    /// Module paths it compiles to.
    pub(crate) modules: Vec<Path>,
    /// Modules open in the whole file (the library's wrapper).
    pub(crate) implicit_opens: Vec<Path>,
}

/// What a walk found.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub(crate) files: Vec<SourceFile>,
    /// Vendored packages: name and directory.
    pub(crate) vendored: Vec<(String, PathBuf)>,
    /// Directories that could not be read, with the error.
    pub(crate) unreadable: Vec<(PathBuf, String)>,
    /// Compiled units were found but not one source file.
    pub(crate) compiled_only: bool,
}

/// Walks a project tree: its own files, with their module paths (for aliases made in
/// one file and used in another), and its vendored package directories.
pub(crate) fn project(root: &FsPath) -> Walk {
    let mut walk = Walk::default();
    walk_tree(root, true, &mut walk);
    walk
}

/// Walks an installed (or vendored) package's directory, giving each file its
/// module path.
pub(crate) fn package(root: &FsPath) -> Walk {
    let mut walk = Walk::default();
    walk_tree(root, false, &mut walk);
    walk
}

fn walk_tree(root: &FsPath, vendor_split: bool, walk: &mut Walk) {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    let mut units_seen = false;
    while let Some(dir) = stack.pop() {
        let real = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(real) {
            continue;
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                walk.unreadable.push((dir, e.to_string()));
                continue;
            }
        };
        let mut names: Vec<(String, PathBuf, bool)> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    walk.unreadable.push((dir.clone(), e.to_string()));
                    continue;
                }
            };
            let path = entry.path();
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // The entry's own type needs no `stat`; a symbolic link is followed
            // (`metadata`), and a dangling one skipped.
            let is_dir = match entry.file_type() {
                Ok(kind) if kind.is_symlink() => match std::fs::metadata(&path) {
                    Ok(meta) => meta.is_dir(),
                    Err(_) => continue,
                },
                Ok(kind) => kind.is_dir(),
                Err(_) => continue,
            };
            names.push((name, path, is_dir));
        }
        names.sort();
        let mut sources = Vec::new();
        let mut units: BTreeSet<String> = BTreeSet::new();
        let mut dune_file = None;
        for (name, path, is_dir) in names {
            if is_dir {
                if name.starts_with('.') || name.starts_with('_') || name == "node_modules" {
                    continue;
                }
                if vendor_split && VENDOR_DIRS.contains(&name.as_str()) {
                    vendored_packages(&path, walk);
                    continue;
                }
                stack.push(path);
                continue;
            }
            let (stem, ext) = match name.rsplit_once('.') {
                Some((stem, ext)) => (stem, ext),
                None if name == "dune" => {
                    dune_file = Some(path);
                    continue;
                }
                None => continue,
            };
            if SOURCE_EXTENSIONS.contains(&ext) {
                sources.push((stem.to_owned(), ext == "mli", path));
            } else if UNIT_EXTENSIONS.contains(&ext) {
                units.insert(stem.to_owned());
            }
        }
        units_seen |= !units.is_empty();
        let library = if units.is_empty() {
            dune_file.and_then(|f| dune_library(&f))
        } else {
            None
        };
        for (stem, interface, path) in sources {
            let modules = module_paths_of(&stem, &units, library.as_ref());
            let mut implicit_opens: Vec<Path> = modules
                .iter()
                .filter(|m| m.len() > 1)
                .filter_map(|m| m.get(..m.len() - 1).map(<[Component]>::to_vec))
                .collect();
            implicit_opens.sort();
            implicit_opens.dedup();
            walk.files.push(SourceFile {
                path,
                interface,
                modules,
                implicit_opens,
            });
        }
    }
    walk.compiled_only = units_seen && walk.files.is_empty();
    walk.files.sort_by(|a, b| a.path.cmp(&b.path));
}

fn vendored_packages(dir: &FsPath, walk: &mut Walk) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            walk.unreadable.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if let Ok(name) = entry.file_name().into_string()
            && !name.starts_with('.')
        {
            found.insert(name, path);
        }
    }
    walk.vendored.extend(found);
}

/// A library declared by a `dune` file: its module name and whether it is wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DuneLibrary {
    name: String,
    wrapped: bool,
}

/// The first `(library … (name N) …)` stanza of a dune file, read by its words: enough
/// to name the wrapper of vendored sources, not a dune parser.
fn dune_library(file: &FsPath) -> Option<DuneLibrary> {
    let text = std::fs::read_to_string(file).ok()?;
    let stanza = text.split("(library").nth(1)?;
    let name = stanza
        .split("(name")
        .nth(1)?
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == ')')
        .next()?
        .to_owned();
    if name.is_empty() {
        return None;
    }
    let wrapped = !stanza
        .split("(library")
        .next()
        .unwrap_or_default()
        .contains("(wrapped false)");
    Some(DuneLibrary { name, wrapped })
}

fn module_paths_of(
    stem: &str,
    units: &BTreeSet<String>,
    library: Option<&DuneLibrary>,
) -> Vec<Path> {
    let mut own = Path::new();
    push_module(&mut own, stem);
    let Some(last) = own.last().cloned() else {
        return Vec::new();
    };
    let mut found: Vec<Path> = units
        .iter()
        .filter_map(|unit| {
            let mut path = Path::new();
            push_module(&mut path, unit);
            (path.last() == Some(&last) && path.ends_with(&own)).then_some(path)
        })
        .collect();
    if found.is_empty() {
        match library {
            Some(lib) if lib.wrapped => {
                let mut path = vec![Component::module(&lib.name)];
                if !lib.name.eq_ignore_ascii_case(stem) {
                    path.extend(own);
                }
                found.push(path);
            }
            _ => found.push(own),
        }
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(names: &[&str]) -> Path {
        names.iter().map(|n| Component::module(n)).collect()
    }

    #[test]
    fn installed_files_take_the_path_of_their_compiled_unit() {
        let units: BTreeSet<String> = ["cohttp", "cohttp__", "cohttp__Path", "cohttp__Header"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            module_paths_of("path", &units, None),
            [m(&["Cohttp", "Path"])]
        );
        assert_eq!(module_paths_of("cohttp", &units, None), [m(&["Cohttp"])]);
        assert_eq!(module_paths_of("other", &units, None), [m(&["Other"])]);
    }

    #[test]
    fn a_dune_library_wraps_its_sources() {
        let lib = DuneLibrary {
            name: "x509".into(),
            wrapped: true,
        };
        let none = BTreeSet::new();
        assert_eq!(
            module_paths_of("public_key", &none, Some(&lib)),
            [m(&["X509", "Public_key"])]
        );
        assert_eq!(module_paths_of("x509", &none, Some(&lib)), [m(&["X509"])]);
        let unwrapped = DuneLibrary {
            name: "x".into(),
            wrapped: false,
        };
        assert_eq!(
            module_paths_of("foo", &none, Some(&unwrapped)),
            [m(&["Foo"])]
        );
    }
}
