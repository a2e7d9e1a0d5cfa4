//! An opam repository's git history, read with gix (no checkout, no `git` process):
//! revisions, and the package directories whose trees differ between two of them.
//!
//! Two trees are compared top-down by object id: a subtree whose id is the same at
//! both revisions is identical and is never read. A typical pull request touches one
//! or two package directories, so only the `packages/` tree itself (about 4,600
//! entries) and a handful of small trees are decoded, however many package
//! directories the repository holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::error::{Error, Result};

/// A revision as given, and the commit it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The revision as given (`HEAD~3`, `main`, a hash).
    pub spec: String,
    /// The commit's full hexadecimal id.
    pub commit: String,
}

impl Revision {
    /// The commit's id shortened to 7 digits, for people.
    pub fn short(&self) -> &str {
        self.commit.get(..7).unwrap_or(&self.commit)
    }
}

/// A package directory (one holding a file `opam`) at one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackageDir {
    /// From the repository root, `/`-separated: `packages/foo/foo.1.0`.
    pub(crate) path: String,
    /// Its tree.
    pub(crate) tree: ObjectId,
}

impl PackageDir {
    /// The directory's own name, `NAME.VERSION`.
    pub(crate) fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A package directory that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Present at both revisions with different contents (or moved to another path).
    Modified {
        /// At the base revision.
        base: PackageDir,
        /// At the head revision.
        head: PackageDir,
    },
    /// Only at the head revision.
    Added(PackageDir),
    /// Only at the base revision.
    Removed(PackageDir),
}

/// The files of a package directory that define its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PackageFiles {
    /// The `opam` file.
    pub(crate) opam: Option<ObjectId>,
    /// The `url` file of opam 1.2's layout.
    pub(crate) url: Option<ObjectId>,
    /// The `files/` directory.
    pub(crate) files: Option<ObjectId>,
}

/// A file under a package's `files/`: its blob and whether it is executable (or a
/// link), both of which a build sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileEntry {
    pub(crate) blob: ObjectId,
    pub(crate) mode: u16,
}

/// One entry of a tree, owned.
struct TreeItem {
    name: String,
    oid: ObjectId,
    is_tree: bool,
    is_blob: bool,
    mode: u16,
}

/// How deep under `packages/` package directories are searched. opam-repository
/// uses two levels (`packages/NAME/NAME.VERSION`); the limit keeps a crafted
/// repository from exhausting the stack of the recursive diff.
const MAX_DEPTH: usize = 32;

/// A git repository opened for reading.
pub(crate) struct History {
    repo: gix::Repository,
    path: PathBuf,
}

impl History {
    /// Opens the git repository at `path` (a worktree or a bare repository), without
    /// the user's or the system's git configuration, so that results do not depend on
    /// who runs the check.
    pub(crate) fn open(path: &Path) -> Result<History> {
        let mut repo = gix::open_opts(path, gix::open::Options::isolated()).map_err(|e| {
            Error::NotARepository {
                path: path.to_owned(),
                message: e.to_string(),
            }
        })?;
        // Trees and opam files of one package are deltas of each other in the pack:
        // keep decoded delta bases.
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                32 << 20,
            ))
        });
        Ok(History {
            repo,
            path: path.to_owned(),
        })
    }

    /// The commit `spec` names and the tree of its `packages/` directory (`None` when
    /// the commit has none).
    pub(crate) fn resolve(&self, spec: &str) -> Result<(Revision, Option<ObjectId>)> {
        let commit = self
            .repo
            .rev_parse_single(spec)
            .map_err(|e| self.revision_error(spec, e.to_string()))?
            .object()
            .map_err(|e| self.revision_error(spec, e.to_string()))?
            .peel_to_commit()
            .map_err(|e| self.revision_error(spec, format!("not a commit: {e}")))?;
        let tree = commit
            .tree_id()
            .map_err(|e| self.revision_error(spec, e.to_string()))?
            .detach();
        let root = self
            .tree_items(tree)
            .map_err(|e| self.revision_error(spec, e.to_string()))?;
        let packages = root
            .into_iter()
            .find(|item| item.is_tree && item.name == "packages")
            .map(|item| item.oid);
        let revision = Revision {
            spec: spec.to_owned(),
            commit: commit.id.to_string(),
        };
        Ok((revision, packages))
    }

    /// An error about revision `spec`: in a shallow clone, the missing history is
    /// the likely cause, and the error says how to fetch it.
    fn revision_error(&self, spec: &str, message: String) -> Error {
        if self.repo.is_shallow().unwrap_or(false) {
            Error::ShallowHistory {
                path: self.path.clone(),
                revision: spec.to_owned(),
                message,
            }
        } else {
            Error::UnknownRevision {
                path: self.path.clone(),
                revision: spec.to_owned(),
                message,
            }
        }
    }

    /// The package directories that differ between two `packages/` trees, in path
    /// order. A directory that moved (same `NAME.VERSION`, another path) is one
    /// [`Change::Modified`].
    pub(crate) fn changed_packages(&self, base: ObjectId, head: ObjectId) -> Result<Vec<Change>> {
        let mut changes = Vec::new();
        self.diff(Some(base), Some(head), "packages", &mut changes)?;
        Ok(pair_moves(changes))
    }

    /// Appends the changes between two trees at `path`, either of which may be absent.
    fn diff(
        &self,
        base: Option<ObjectId>,
        head: Option<ObjectId>,
        path: &str,
        out: &mut Vec<Change>,
    ) -> Result<()> {
        if base == head {
            return Ok(());
        }
        if path.matches('/').count() > MAX_DEPTH {
            return Err(Error::TooDeep {
                path: self.path.clone(),
                tree: path.to_owned(),
            });
        }
        let read = |tree: Option<ObjectId>| -> Result<Vec<TreeItem>> {
            match tree {
                Some(id) => self
                    .tree_items(id)
                    .map_err(|e| self.object_error(&format!("tree {id} ({path})"), e)),
                None => Ok(Vec::new()),
            }
        };
        let base_items = read(base)?;
        let head_items = read(head)?;
        let base_dir = base
            .filter(|_| is_package_dir(&base_items))
            .map(|tree| PackageDir {
                path: path.to_owned(),
                tree,
            });
        let head_dir = head
            .filter(|_| is_package_dir(&head_items))
            .map(|tree| PackageDir {
                path: path.to_owned(),
                tree,
            });
        // A package directory is not searched for more packages (its `files/` may
        // hold anything), as opam reads a repository.
        match (base_dir, head_dir) {
            (Some(base), Some(head)) => {
                out.push(Change::Modified { base, head });
                return Ok(());
            }
            (Some(base), None) => {
                out.push(Change::Removed(base));
                return self.diff(None, head, path, out);
            }
            (None, Some(head)) => {
                out.push(Change::Added(head));
                return self.diff(base, None, path, out);
            }
            (None, None) => {}
        }
        let mut subtrees: BTreeMap<&str, (Option<ObjectId>, Option<ObjectId>)> = BTreeMap::new();
        for item in base_items.iter().filter(|item| item.is_tree) {
            subtrees.entry(&item.name).or_default().0 = Some(item.oid);
        }
        for item in head_items.iter().filter(|item| item.is_tree) {
            subtrees.entry(&item.name).or_default().1 = Some(item.oid);
        }
        for (name, (base, head)) in subtrees {
            self.diff(base, head, &format!("{path}/{name}"), out)?;
        }
        Ok(())
    }

    /// The `opam`, `url` and `files/` entries of a package directory.
    pub(crate) fn package_files(&self, dir: &PackageDir) -> Result<PackageFiles> {
        let items = self
            .tree_items(dir.tree)
            .map_err(|e| self.object_error(&format!("tree {} ({})", dir.tree, dir.path), e))?;
        let mut files = PackageFiles::default();
        for item in items {
            match item.name.as_str() {
                "opam" if item.is_blob => files.opam = Some(item.oid),
                "url" if item.is_blob => files.url = Some(item.oid),
                "files" if item.is_tree => files.files = Some(item.oid),
                _ => {}
            }
        }
        Ok(files)
    }

    /// Every file under a `files/` tree, by path relative to it (`/`-separated).
    pub(crate) fn files_under(
        &self,
        tree: ObjectId,
        path: &str,
    ) -> Result<BTreeMap<String, FileEntry>> {
        let mut found = BTreeMap::new();
        let mut pending = vec![(tree, String::new())];
        while let Some((id, prefix)) = pending.pop() {
            let items = self
                .tree_items(id)
                .map_err(|e| self.object_error(&format!("tree {id} ({path}/{prefix})"), e))?;
            for item in items {
                let relative = if prefix.is_empty() {
                    item.name
                } else {
                    format!("{prefix}/{}", item.name)
                };
                if item.is_tree {
                    pending.push((item.oid, relative));
                } else {
                    found.insert(
                        relative,
                        FileEntry {
                            blob: item.oid,
                            mode: item.mode,
                        },
                    );
                }
            }
        }
        Ok(found)
    }

    /// The bytes of a blob; `path` names it in errors.
    pub(crate) fn blob(&self, id: ObjectId, path: &str) -> Result<Vec<u8>> {
        let mut blob = self
            .repo
            .find_blob(id)
            .map_err(|e| self.object_error(&format!("blob {id} ({path})"), e))?;
        Ok(blob.take_data())
    }

    fn tree_items(&self, id: ObjectId) -> std::result::Result<Vec<TreeItem>, gix::Error> {
        let tree = self.repo.find_tree(id)?;
        let decoded = tree.decode()?;
        Ok(decoded
            .entries
            .iter()
            .map(|entry| TreeItem {
                name: String::from_utf8_lossy(entry.filename).into_owned(),
                oid: entry.oid.to_owned(),
                is_tree: entry.mode.is_tree(),
                is_blob: entry.mode.is_blob(),
                mode: entry.mode.value(),
            })
            .collect())
    }

    fn object_error(&self, what: &str, error: impl std::fmt::Display) -> Error {
        Error::Git {
            path: self.path.clone(),
            what: what.to_owned(),
            message: error.to_string(),
        }
    }
}

/// Whether a tree is a package directory: it holds a file `opam`.
fn is_package_dir(items: &[TreeItem]) -> bool {
    items.iter().any(|item| item.is_blob && item.name == "opam")
}

/// Turns a removal and an addition of the same `NAME.VERSION` (a directory moved,
/// as from `packages/foo.1.0` to `packages/foo/foo.1.0`) into one modification, so
/// that the version is compared instead of reported as removed; sorts by path.
fn pair_moves(changes: Vec<Change>) -> Vec<Change> {
    let mut removed: BTreeMap<String, Vec<PackageDir>> = BTreeMap::new();
    let mut added: BTreeMap<String, Vec<PackageDir>> = BTreeMap::new();
    let mut result = Vec::new();
    for change in changes {
        match change {
            Change::Removed(dir) => removed.entry(dir.name().to_owned()).or_default().push(dir),
            Change::Added(dir) => added.entry(dir.name().to_owned()).or_default().push(dir),
            modified @ Change::Modified { .. } => result.push(modified),
        }
    }
    for (name, mut bases) in removed {
        match added.remove(&name) {
            Some(mut heads) if bases.len() == 1 && heads.len() == 1 => {
                if let (Some(base), Some(head)) = (bases.pop(), heads.pop()) {
                    result.push(Change::Modified { base, head });
                }
            }
            Some(heads) => {
                result.extend(bases.into_iter().map(Change::Removed));
                result.extend(heads.into_iter().map(Change::Added));
            }
            None => result.extend(bases.into_iter().map(Change::Removed)),
        }
    }
    result.extend(added.into_values().flatten().map(Change::Added));
    result.sort_by(|a, b| change_path(a).cmp(change_path(b)));
    result
}

fn change_path(change: &Change) -> &str {
    match change {
        Change::Modified { head, .. } => &head.path,
        Change::Added(dir) | Change::Removed(dir) => &dir.path,
    }
}
