//! The scan: advisory bindings and source trees in, one verdict per binding and per
//! request out.
//!
//! # How calls through libraries are found
//!
//! Installed packages that depend on the affected one are read first, in rounds. When
//! a definition of such a package refers to a binding — `Server.resolve_file` of
//! cohttp-lwt-unix calls `Cohttp.Path.resolve_local_file` — that definition becomes a
//! binding of its own (`Cohttp_lwt_unix.Server.resolve_file`), remembered with the
//! place that made it one. The next round looks for the new bindings, in the same
//! package (a function calling it in the same file) and in the others, until a round
//! finds nothing new. A structure-level `module A = M` or `include M` makes the
//! bindings under `M` reachable under the new path too. Then the project's files are
//! read for all of them, and a reference to a derived binding is reported with the
//! chain of definitions that leads to the advisory's binding.
//!
//! A reference inside a definition that has no name of its own (`let () = …`, an
//! anonymous structure passed to a functor) makes the whole enclosing module the
//! binding: any use of it counts.
//!
//! # Never a silent "not referenced"
//!
//! A file that cannot be read, is over the size limit and may mention a binding, or
//! holds an unterminated comment or string that may hide one; a module passed where
//! its uses cannot be followed; a C symbol; a package whose compiled units are
//! installed without their sources; chains longer than the round limit: each makes the
//! verdict "unknown" with the reason, unless a reference was found.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use serde::Serialize;

use crate::lexer::{Token, TokenKind, tokenize};
use crate::path::{Target, display, strip_stdlib};
use crate::resolve::{self, BindingId, FileContext, FileReport, HitKind, Matcher, Untraceable};
use crate::walk::{self, SourceFile};

/// How the project is named in chains of packages.
const PROJECT: &str = "project";

/// Which names of a binding `a.b.c.f` a file must contain to be lexed.
///
/// A reference from outside the library that defines the binding names its root
/// module `a` (a qualified path, an `open` and an alias all do). A file of the same
/// library may start from `b`, dune's wrapper `a` being open. Only the file that made a
/// derived binding can reach it by a shorter name (`c.f`, `f`), through its own
/// structure: that file also looks for the other names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needles {
    /// `a` and `b`, and every name in the binding's own file.
    Libraries,
    /// `a` only: the project's first read, where every binding comes from a library.
    Roots,
}

/// Limits of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Files larger than this are not read whole: they are searched for the bindings'
    /// names in a stream, and any match makes the verdict "unknown" (16 MiB).
    pub max_file_size: u64,
    /// References kept per binding; the rest are counted (100).
    pub max_references: usize,
    /// Rounds of following calls through libraries (32).
    pub max_rounds: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_file_size: 16 * 1024 * 1024,
            max_references: 100,
            max_rounds: 32,
        }
    }
}

/// Which packages' sources may carry a call from the project to the affected package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Through {
    /// Any package given to the scan (no dependency graph known).
    AnyPackage,
    /// These packages only: the affected package and those depending on it.
    Packages(BTreeSet<String>),
}

impl Through {
    fn admits(&self, package: &str) -> bool {
        match self {
            Through::AnyPackage => true,
            Through::Packages(names) => names.contains(package),
        }
    }
}

/// One finding to check: the affected package and its advisory's bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The affected package (`cohttp`).
    pub package: String,
    /// The advisory's `affected_bindings`, as written.
    pub bindings: Vec<String>,
    /// The packages through which a call may come.
    pub through: Through,
}

/// Where a reference was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based byte column.
    pub column: u32,
}

/// One step of a chain: a definition in a library that refers to the next step.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    /// The package the definition is in.
    pub package: String,
    /// The definition, as a path (`cohttp_lwt_unix.server.resolve_file`; modules
    /// are shown in lower case).
    pub definition: String,
    /// Where it refers to the next step.
    pub at: Location,
    /// The reference as written there.
    pub text: String,
}

/// A reference to an affected binding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reference {
    /// Where.
    pub at: Location,
    /// The package whose sources hold it, when it is not the project (a root package
    /// scanned as an entry point).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// As written (`P.resolve_local_file`).
    pub text: String,
    /// The advisory binding it leads to.
    pub binding: String,
    /// The definitions in libraries between this reference and the binding, outermost
    /// first; empty for a direct reference.
    pub chain: Vec<Link>,
}

impl Reference {
    /// The packages from the caller to the affected package:
    /// `project → cohttp-lwt-unix → cohttp`.
    pub fn packages(&self, affected: &str) -> Vec<String> {
        let mut out = vec![self.package.clone().unwrap_or_else(|| PROJECT.to_owned())];
        for link in &self.chain {
            if out.last() != Some(&link.package) {
                out.push(link.package.clone());
            }
        }
        if out.last().map(String::as_str) != Some(affected) {
            out.push(affected.to_owned());
        }
        out
    }
}

/// Why a verdict is "unknown".
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Why {
    /// The advisory lists no bindings.
    NoBindings,
    /// A binding is not a path.
    BadBinding {
        /// The entry as written.
        binding: String,
    },
    /// No OCaml source was found to scan.
    NoSources,
    /// A C symbol: only `external` declarations are read, not C code.
    CSymbol {
        /// The symbol.
        symbol: String,
    },
    /// A file or directory could not be read.
    Unreadable {
        /// The path.
        path: PathBuf,
        /// The error.
        error: String,
    },
    /// A file over the size limit mentions a binding's name.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A comment or string runs to the end of the file, and the file mentions a
    /// binding's name: what follows may hide a call.
    Unterminated {
        /// Where it starts.
        at: Location,
        /// `comment` or `string`.
        what: &'static str,
    },
    /// A module on the way to a binding is used where its uses cannot be followed.
    Untraced {
        /// Where.
        at: Location,
        /// The module as written.
        module: String,
        /// How it is used.
        how: Untraceable,
        /// The binding it leads to.
        binding: String,
    },
    /// A package through which calls may come has compiled units but no sources.
    NoPackageSources {
        /// The package.
        package: String,
    },
    /// Calls were followed through this many rounds of libraries, and more remained.
    ChainsTooLong {
        /// The round limit.
        rounds: usize,
    },
}

/// The answer for one binding or one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Referenced: each place, sorted.
    Called {
        /// The references kept (see [`Options::max_references`]).
        references: Vec<Reference>,
        /// References found beyond those.
        more: usize,
    },
    /// No reference in the files scanned.
    NotReferenced {
        /// How many files were scanned.
        files_scanned: usize,
    },
    /// Not known: each reason, sorted.
    Unknown {
        /// Why.
        why: Vec<Why>,
    },
}

impl Verdict {
    /// `called`, `not-referenced` or `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Called { .. } => "called",
            Verdict::NotReferenced { .. } => "not-referenced",
            Verdict::Unknown { .. } => "unknown",
        }
    }
}

/// The verdict for one advisory binding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BindingVerdict {
    /// The binding as the advisory writes it.
    pub binding: String,
    /// Its verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// Something that did not change a verdict but is worth saying.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Note {
    /// A file over the size limit was searched for the bindings' names, without a match.
    LargeFileSkipped {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
    },
    /// A byte OCaml does not accept: the file is not valid OCaml (read anyway).
    NotOcaml {
        /// Where the first one is.
        at: Location,
    },
    /// A package through which calls may come installed no sources where they were
    /// looked for (no `lib/<name>/`): it is taken to install no library.
    NoLibraryDirectory {
        /// The package.
        package: String,
    },
}

/// The result for one [`Request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The affected package.
    pub package: String,
    /// The verdict of the request: called when any binding is, else unknown when any
    /// is, else not referenced.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// One verdict per advisory binding, in the advisory's order.
    pub bindings: Vec<BindingVerdict>,
    /// Files scanned for this request (the project's and those of the packages it
    /// may come through).
    pub files_scanned: usize,
    /// Remarks that did not change the verdict.
    pub notes: Vec<Note>,
}

/// A scan being set up: sources and requests, then [`Scan::run`].
#[derive(Debug, Clone, Default)]
pub struct Scan {
    options: Options,
    project: Vec<PathBuf>,
    packages: Vec<PackageSpec>,
    without_library: Vec<String>,
    requests: Vec<Request>,
}

#[derive(Debug, Clone)]
struct PackageSpec {
    name: String,
    dirs: Vec<PathBuf>,
    entry: bool,
}

impl Scan {
    /// A scan with default [`Options`].
    pub fn new() -> Scan {
        Scan::default()
    }

    /// Sets the limits.
    pub fn options(mut self, options: Options) -> Scan {
        self.options = options;
        self
    }

    /// Adds a project source tree (`--src`): a reference here is the project's.
    pub fn project_dir(mut self, dir: impl Into<PathBuf>) -> Scan {
        self.project.push(dir.into());
        self
    }

    /// Adds an installed package's sources (`lib/NAME/` of a switch), read for calls
    /// made through it.
    pub fn package(mut self, name: impl Into<String>, dir: impl Into<PathBuf>) -> Scan {
        self.add_package(name.into(), dir.into(), false);
        self
    }

    /// Adds an installed package that is itself an entry point (a root of the switch,
    /// when no project tree is given): a reference in it counts as a call, with this
    /// package at the head of the chain.
    pub fn entry_package(mut self, name: impl Into<String>, dir: impl Into<PathBuf>) -> Scan {
        self.add_package(name.into(), dir.into(), true);
        self
    }

    fn add_package(&mut self, name: String, dir: PathBuf, entry: bool) {
        match self.packages.iter_mut().find(|p| p.name == name) {
            Some(spec) => {
                spec.dirs.push(dir);
                spec.entry |= entry;
            }
            None => self.packages.push(PackageSpec {
                name,
                dirs: vec![dir],
                entry,
            }),
        }
    }

    /// Records an installed package that has no library directory to read: noted in
    /// the outcomes of the requests it could carry a call for.
    pub fn package_without_library(mut self, name: impl Into<String>) -> Scan {
        self.without_library.push(name.into());
        self
    }

    /// Adds a finding to check.
    pub fn request(mut self, request: Request) -> Scan {
        self.requests.push(request);
        self
    }

    /// Runs the scan: one [`Outcome`] per request, in order.
    pub fn run(&self) -> Vec<Outcome> {
        Runner::new(self).run()
    }
}

/// Where a file belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Project,
    Package(usize),
}

struct File {
    source: SourceFile,
    owner: Owner,
}

#[derive(Debug, Clone)]
enum Origin {
    Advisory,
    Derived { parent: BindingId, link: Link },
}

#[derive(Debug, Clone)]
struct Binding {
    request: usize,
    /// Index of the advisory binding this one leads to.
    root: usize,
    target: Target,
    origin: Origin,
    /// The file whose definition made it (for derived bindings).
    home: Option<usize>,
}

/// A problem with one file, for the requests it concerns.
#[derive(Debug, Clone)]
struct Problem {
    owner: Owner,
    why: Why,
    /// The requests whose names the file mentions; `None` for all.
    requests: Option<BTreeSet<usize>>,
}

struct Runner<'a> {
    scan: &'a Scan,
    /// Name, entry point, vendored (admitted for every request: no graph known).
    packages: Vec<(String, bool, bool)>,
    files: Vec<File>,
    /// The identifiers of each file read so far (see [`Words`]).
    words: Vec<Option<Words>>,
    remembered_words: usize,
    /// The text and tokens of library files lexed so far (see [`Lexed`]).
    lexed: Vec<Option<Arc<Lexed>>>,
    kept_bytes: usize,
    bindings: Vec<Binding>,
    /// (request, advisory binding, target): one derived binding per advisory binding
    /// it leads to, so that each advisory binding gets its own verdict.
    seen: HashSet<(usize, usize, Target)>,
    problems: Vec<Problem>,
    notes: Vec<(Owner, Note)>,
    untraced: Vec<(Owner, BindingId, Why)>,
    references: Vec<(BindingId, Reference)>,
    chains_too_long: BTreeSet<usize>,
    compiled_only: BTreeSet<usize>,
}

/// What processing one file gave.
struct FileResult {
    index: usize,
    report: FileReport,
    /// The file's text, tokens and lines, when it was lexed.
    lexed: Option<Arc<Lexed>>,
    /// Keep `lexed` for the next rounds.
    keep: bool,
    problem: Option<(Why, Option<BTreeSet<usize>>)>,
    note: Option<Note>,
    /// The identifiers of the file, when it was read whole and they were asked for.
    words: Option<Words>,
}

/// A lexed file: its text, significant tokens and lines, and the first unterminated
/// and illegal tokens. A library file's is kept across rounds: one mentioning a binding
/// is likely to be read again for the bindings its definitions make.
struct Lexed {
    src: Vec<u8>,
    significant: Vec<Token>,
    lines: LineIndex,
    unterminated: Option<Token>,
    illegal: Option<Token>,
}

impl Lexed {
    fn new(src: Vec<u8>) -> Lexed {
        let tokens = tokenize(&src);
        let unterminated = tokens.iter().copied().find(|t| {
            matches!(
                t.kind,
                TokenKind::UnterminatedComment | TokenKind::UnterminatedString
            )
        });
        let illegal = tokens
            .iter()
            .copied()
            .find(|t| t.kind == TokenKind::Illegal);
        let significant = tokens.into_iter().filter(|t| !t.kind.is_trivia()).collect();
        let lines = LineIndex::new(&src);
        Lexed {
            src,
            significant,
            lines,
            unterminated,
            illegal,
        }
    }

    /// Bytes held.
    fn size(&self) -> usize {
        self.src.len()
            + self.significant.len() * std::mem::size_of::<Token>()
            + self.lines.starts.len() * 4
    }
}

/// How much text and tokens the scan keeps (256 MiB); files beyond are read and lexed
/// again when a round needs them.
const MAX_KEPT_BYTES: usize = 256 * 1024 * 1024;

/// What the scan remembers of a file it reads.
#[derive(Clone, Copy)]
struct Memory<'a> {
    /// Collect its identifiers: all of them, or (for the project, read in fewer
    /// rounds) only the capitalised ones, which is what later rounds look for there.
    words: Option<WordKind>,
    /// Its text and tokens from an earlier round.
    kept: Option<&'a Arc<Lexed>>,
    /// Keep its text and tokens if it is lexed.
    keep: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WordKind {
    All,
    Modules,
}

/// The identifiers of a file, folded to lower case (`Cohttp__Path` also as `cohttp`
/// and `path`): later rounds decide from them, without reading the file again,
/// whether it can mention a new binding.
type Words = HashSet<Box<str>>;

/// How many identifiers the scan remembers across files (about 100 MiB at most);
/// files beyond are read again in each round instead.
const MAX_REMEMBERED_WORDS: usize = 4_000_000;

impl<'a> Runner<'a> {
    fn new(scan: &'a Scan) -> Runner<'a> {
        Runner {
            scan,
            packages: Vec::new(),
            files: Vec::new(),
            words: Vec::new(),
            remembered_words: 0,
            lexed: Vec::new(),
            kept_bytes: 0,
            bindings: Vec::new(),
            seen: HashSet::new(),
            problems: Vec::new(),
            notes: Vec::new(),
            untraced: Vec::new(),
            references: Vec::new(),
            chains_too_long: BTreeSet::new(),
            compiled_only: BTreeSet::new(),
        }
    }

    fn run(mut self) -> Vec<Outcome> {
        self.collect_files();
        self.advisory_bindings();
        self.follow_libraries();
        self.read_project();
        self.outcomes()
    }

    fn collect_files(&mut self) {
        for spec in &self.scan.packages {
            self.packages.push((spec.name.clone(), spec.entry, false));
        }
        for (index, spec) in self.scan.packages.iter().enumerate() {
            let mut any_source = false;
            let mut compiled_only = false;
            for dir in &spec.dirs {
                let found = walk::package(dir);
                any_source |= !found.files.is_empty();
                compiled_only |= found.compiled_only;
                self.take_walk(found, Owner::Package(index));
            }
            if compiled_only && !any_source {
                self.compiled_only.insert(index);
            }
        }
        for dir in &self.scan.project {
            let found = walk::project(dir);
            let vendored = found.vendored.clone();
            self.take_walk(found, Owner::Project);
            for (name, path) in vendored {
                let index = self.packages.len();
                self.packages.push((name, false, true));
                let found = walk::package(&path);
                self.take_walk(found, Owner::Package(index));
            }
        }
    }

    fn take_walk(&mut self, found: walk::Walk, owner: Owner) {
        for (path, error) in found.unreadable {
            self.problems.push(Problem {
                owner,
                why: Why::Unreadable { path, error },
                requests: None,
            });
        }
        self.files
            .extend(found.files.into_iter().map(|source| File { source, owner }));
    }

    fn advisory_bindings(&mut self) {
        for (request, r) in self.scan.requests.iter().enumerate() {
            for (root, text) in r.bindings.iter().enumerate() {
                if let Ok(target) = Target::parse(text)
                    && self.seen.insert((request, root, target.clone()))
                {
                    self.bindings.push(Binding {
                        request,
                        root,
                        target,
                        origin: Origin::Advisory,
                        home: None,
                    });
                }
            }
        }
    }

    fn package_name(&self, owner: Owner) -> Option<&str> {
        match owner {
            Owner::Project => None,
            Owner::Package(i) => self.packages.get(i).map(|(n, _, _)| n.as_str()),
        }
    }

    fn is_entry(&self, owner: Owner) -> bool {
        match owner {
            Owner::Project => true,
            Owner::Package(i) => self.packages.get(i).is_some_and(|(_, entry, _)| *entry),
        }
    }

    /// True when files of `owner` may carry a call for `request`: the project's
    /// always, a vendored package's always, an installed package's when the request's
    /// [`Through`] names it.
    fn owner_admitted(&self, owner: Owner, request: usize) -> bool {
        let Some(r) = self.scan.requests.get(request) else {
            return false;
        };
        match owner {
            Owner::Project => true,
            Owner::Package(i) => self
                .packages
                .get(i)
                .is_some_and(|(name, _, vendored)| *vendored || r.through.admits(name)),
        }
    }

    /// True when a hit on `binding` in a file of `owner` concerns its request.
    fn admits(&self, owner: Owner, binding: BindingId) -> bool {
        self.bindings
            .get(binding as usize)
            .is_some_and(|b| self.owner_admitted(owner, b.request))
    }

    /// Follows calls through the installed (and vendored) packages, round after round.
    fn follow_libraries(&mut self) {
        let package_files: Vec<usize> = (0..self.files.len())
            .filter(|&i| matches!(self.files.get(i).map(|f| f.owner), Some(Owner::Package(_))))
            .collect();
        let active: Vec<BindingId> = (0..self.bindings.len() as BindingId).collect();
        self.rounds(&package_files, active, Needles::Libraries);
    }

    /// Reads the project for every binding, then again for the bindings its own
    /// structure-level aliases and definitions make (`module Server =
    /// Cohttp_lwt_unix.Server` in one file, `Web.Server.resolve_file` in another).
    ///
    /// The first read lexes only files that name the root module of some binding (see
    /// [`Needles`]); the project's own bindings are then looked for as a library's are.
    fn read_project(&mut self) {
        let project_files: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files.get(i).is_some_and(|f| f.owner == Owner::Project))
            .collect();
        let all: Vec<BindingId> = (0..self.bindings.len() as BindingId).collect();
        let before = self.bindings.len();
        let results = self.read_files(&project_files, &all, Needles::Roots);
        for result in results {
            self.absorb(result);
        }
        let active = (before as BindingId..self.bindings.len() as BindingId).collect();
        self.rounds(&project_files, active, Needles::Libraries);
    }

    /// Reads `files` for `active`, then for the bindings that made, until none is new
    /// or the round limit is reached.
    fn rounds(&mut self, files: &[usize], mut active: Vec<BindingId>, needles: Needles) {
        let mut round = 0;
        while !active.is_empty() {
            if round == self.scan.options.max_rounds {
                for id in &active {
                    if let Some(b) = self.bindings.get(*id as usize) {
                        self.chains_too_long.insert(b.request);
                    }
                }
                break;
            }
            round += 1;
            let results = self.read_files(files, &active, needles);
            let before = self.bindings.len();
            for result in results {
                self.absorb(result);
            }
            active = (before as BindingId..self.bindings.len() as BindingId).collect();
        }
    }

    /// Reads `files` in parallel for the bindings `active`; `needles` says which
    /// names a file must contain to be lexed.
    fn read_files(
        &self,
        files: &[usize],
        active: &[BindingId],
        needles: Needles,
    ) -> Vec<FileResult> {
        let mut matcher = Matcher::default();
        let mut words: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut home_words: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for &id in active {
            let Some(b) = self.bindings.get(id as usize) else {
                continue;
            };
            match &b.target {
                Target::Value(p) => matcher.add_value(p.clone(), id),
                Target::Module(p) => matcher.add_module(p.clone(), id),
                Target::CSymbol(s) => matcher.add_c_symbol(s, id),
            }
            let mut names = b.target.words();
            let keep = match needles {
                Needles::Libraries => 2,
                Needles::Roots => 1,
            };
            if let Some(home) = b.home {
                home_words
                    .entry(home)
                    .or_default()
                    .extend(names.iter().skip(keep).cloned());
            }
            names.truncate(keep);
            for word in names {
                words.entry(word).or_default().insert(b.request);
            }
        }
        let folded: Vec<String> = words.keys().map(|w| w.to_ascii_lowercase()).collect();
        let home_folded: BTreeMap<usize, Vec<String>> = home_words
            .iter()
            .map(|(file, names)| {
                (
                    *file,
                    names.iter().map(|n| n.to_ascii_lowercase()).collect(),
                )
            })
            .collect();
        // A file whose identifiers are known is read again only when it has one of
        // the names looked for. The project's files know their capitalised names only:
        // enough for references from other files (see [`Needles`]); the file that made
        // a binding is read again anyway.
        let may_mention = |index: usize| {
            let project = self
                .files
                .get(index)
                .is_some_and(|f| f.owner == Owner::Project);
            match self.words.get(index) {
                Some(Some(known)) => {
                    folded.iter().any(|w| known.contains(w.as_str()))
                        || home_folded.get(&index).is_some_and(|names| {
                            project || names.iter().any(|w| known.contains(w.as_str()))
                        })
                }
                _ => true,
            }
        };
        let home_filters: BTreeMap<usize, AhoCorasick> = home_words
            .into_iter()
            .filter_map(|(file, names)| {
                let filter = AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&names)
                    .ok()?;
                Some((file, filter))
            })
            .collect();
        if matcher.is_empty() {
            return Vec::new();
        }
        let needles: Vec<&String> = words.keys().collect();
        let requests_of: Vec<&BTreeSet<usize>> = words.values().collect();
        let Ok(prefilter) = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&needles)
        else {
            return Vec::new();
        };
        let limit = self.scan.options.max_file_size;
        files
            .par_iter()
            .filter(|&&index| may_mention(index))
            .filter_map(|&index| {
                let file = self.files.get(index)?;
                let library = matches!(file.owner, Owner::Package(_));
                let words = (!matches!(self.words.get(index), Some(Some(_)))
                    && self.remembered_words < MAX_REMEMBERED_WORDS)
                    .then_some(if library {
                        WordKind::All
                    } else {
                        WordKind::Modules
                    });
                let kept = self.lexed.get(index).and_then(Option::as_ref);
                let memory = Memory {
                    words,
                    kept,
                    keep: library && kept.is_none() && self.kept_bytes < MAX_KEPT_BYTES,
                };
                Some(read_one(
                    index,
                    &file.source,
                    &matcher,
                    Prefilter {
                        names: &prefilter,
                        requests_of: &requests_of,
                        home: home_filters.get(&index),
                    },
                    limit,
                    memory,
                ))
            })
            .collect()
    }

    /// Takes one file's result: problems, untraced modules, references (for the
    /// project and entry packages) and new bindings.
    fn absorb(&mut self, result: FileResult) {
        let Some(file) = self.files.get(result.index) else {
            return;
        };
        let owner = file.owner;
        let source = file.source.clone();
        let files = self.files.len();
        if let Some(words) = result.words
            && self.remembered_words + words.len() <= MAX_REMEMBERED_WORDS
        {
            self.remembered_words += words.len();
            remember(&mut self.words, files, result.index, words);
        }
        if result.keep
            && let Some(lexed) = &result.lexed
            && self.kept_bytes + lexed.size() <= MAX_KEPT_BYTES
        {
            self.kept_bytes += lexed.size();
            remember(&mut self.lexed, files, result.index, Arc::clone(lexed));
        }
        if let Some((why, requests)) = result.problem {
            self.problems.push(Problem {
                owner,
                why,
                requests,
            });
        }
        if let Some(note) = result.note {
            self.notes.push((owner, note));
        }
        let location = |offset: u32| {
            let (line, column) = result
                .lexed
                .as_ref()
                .map(|l| l.lines.position(offset))
                .unwrap_or((1, 1));
            Location {
                file: source.path.clone(),
                line,
                column,
            }
        };
        for untraced in &result.report.untraced {
            if !self.admits(owner, untraced.binding) {
                continue;
            }
            let binding = self.root_text(untraced.binding);
            self.untraced.push((
                owner,
                untraced.binding,
                Why::Untraced {
                    at: location(untraced.offset),
                    module: untraced.text.clone(),
                    how: untraced.how,
                    binding,
                },
            ));
        }
        for hit in &result.report.hits {
            if !self.admits(owner, hit.binding) {
                continue;
            }
            if hit.kind == HitKind::Reference && self.is_entry(owner) {
                let reference = Reference {
                    at: location(hit.offset),
                    package: self.package_name(owner).map(str::to_owned),
                    text: hit.text.clone(),
                    binding: self.root_text(hit.binding),
                    chain: self.chain(hit.binding),
                };
                self.references.push((hit.binding, reference));
            }
            // In the project a reference already counts: only what its structure
            // re-exports under another path is followed further.
            if owner == Owner::Project && hit.kind == HitKind::Reference {
                continue;
            }
            let package = self.package_name(owner).unwrap_or(PROJECT).to_owned();
            let Some(parent) = self.bindings.get(hit.binding as usize).cloned() else {
                continue;
            };
            for (definition, is_module) in &hit.definitions {
                for module in &source.modules {
                    let mut path = module.clone();
                    path.extend(definition.iter().cloned());
                    strip_stdlib(&mut path);
                    let target = if *is_module {
                        Target::Module(path.clone())
                    } else {
                        Target::Value(path.clone())
                    };
                    if !self
                        .seen
                        .insert((parent.request, parent.root, target.clone()))
                    {
                        continue;
                    }
                    self.bindings.push(Binding {
                        request: parent.request,
                        root: parent.root,
                        target,
                        origin: Origin::Derived {
                            parent: hit.binding,
                            link: Link {
                                package: package.clone(),
                                definition: display(&path),
                                at: location(hit.offset),
                                text: hit.text.clone(),
                            },
                        },
                        home: Some(result.index),
                    });
                }
            }
        }
    }

    fn root_text(&self, binding: BindingId) -> String {
        self.bindings
            .get(binding as usize)
            .and_then(|b| {
                self.scan
                    .requests
                    .get(b.request)
                    .and_then(|r| r.bindings.get(b.root))
            })
            .cloned()
            .unwrap_or_default()
    }

    /// The links from a derived binding down to its advisory binding.
    fn chain(&self, mut binding: BindingId) -> Vec<Link> {
        let mut links = Vec::new();
        while let Some(Origin::Derived { parent, link }) =
            self.bindings.get(binding as usize).map(|b| &b.origin)
        {
            links.push(link.clone());
            binding = *parent;
        }
        links
    }

    fn problem_applies(&self, problem: &Problem, request: usize) -> bool {
        let by_name = problem
            .requests
            .as_ref()
            .is_none_or(|r| r.contains(&request));
        let by_owner = self.owner_admitted(problem.owner, request);
        by_name && by_owner
    }

    fn outcomes(&self) -> Vec<Outcome> {
        let project_files = self
            .files
            .iter()
            .filter(|f| f.owner == Owner::Project)
            .count();
        self.scan
            .requests
            .iter()
            .enumerate()
            .map(|(index, request)| {
                let files_scanned = project_files
                    + self
                        .files
                        .iter()
                        .filter(|f| {
                            matches!(f.owner, Owner::Package(_))
                                && self.owner_admitted(f.owner, index)
                        })
                        .count();
                self.outcome(index, request, files_scanned)
            })
            .collect()
    }

    fn outcome(&self, index: usize, request: &Request, files_scanned: usize) -> Outcome {
        // Reasons that concern every binding of the request.
        let mut common: Vec<Why> = Vec::new();
        if request.bindings.is_empty() {
            common.push(Why::NoBindings);
        }
        if files_scanned == 0 {
            common.push(Why::NoSources);
        }
        for problem in &self.problems {
            if self.problem_applies(problem, index) {
                common.push(problem.why.clone());
            }
        }
        for &package in &self.compiled_only {
            if let Some((name, _, _)) = self.packages.get(package)
                && self.owner_admitted(Owner::Package(package), index)
            {
                common.push(Why::NoPackageSources {
                    package: name.clone(),
                });
            }
        }
        if self.chains_too_long.contains(&index) {
            common.push(Why::ChainsTooLong {
                rounds: self.scan.options.max_rounds,
            });
        }
        let mut bindings = Vec::new();
        for (root, text) in request.bindings.iter().enumerate() {
            let mut references: Vec<Reference> = self
                .references
                .iter()
                .filter(|(id, _)| {
                    self.bindings
                        .get(*id as usize)
                        .is_some_and(|b| b.request == index && b.root == root)
                })
                .map(|(_, r)| r.clone())
                .collect();
            dedup_places(&mut references);
            let verdict = if !references.is_empty() {
                let more = references
                    .len()
                    .saturating_sub(self.scan.options.max_references);
                references.truncate(self.scan.options.max_references);
                Verdict::Called { references, more }
            } else {
                let mut why = common.clone();
                match Target::parse(text) {
                    Err(_) => why.push(Why::BadBinding {
                        binding: text.clone(),
                    }),
                    Ok(Target::CSymbol(symbol)) => why.push(Why::CSymbol { symbol }),
                    Ok(_) => {}
                }
                for (_, id, untraced) in &self.untraced {
                    if self
                        .bindings
                        .get(*id as usize)
                        .is_some_and(|b| b.request == index && b.root == root)
                    {
                        why.push(untraced.clone());
                    }
                }
                why.sort();
                why.dedup();
                if why.is_empty() {
                    Verdict::NotReferenced { files_scanned }
                } else {
                    Verdict::Unknown { why }
                }
            };
            bindings.push(BindingVerdict {
                binding: text.clone(),
                verdict,
            });
        }
        let verdict = combine(&bindings, &common, files_scanned, &self.scan.options);
        let mut notes: Vec<Note> = self
            .notes
            .iter()
            .filter(|(owner, _)| self.owner_admitted(*owner, index))
            .map(|(_, n)| n.clone())
            .collect();
        notes.extend(
            self.scan
                .without_library
                .iter()
                .filter(|name| request.through.admits(name))
                .map(|name| Note::NoLibraryDirectory {
                    package: name.clone(),
                }),
        );
        notes.sort();
        notes.dedup();
        Outcome {
            package: request.package.clone(),
            verdict,
            bindings,
            files_scanned,
            notes,
        }
    }
}

/// Puts `value` in the slot of file `index` of `slots` (one per file).
fn remember<T: Clone>(slots: &mut Vec<Option<T>>, files: usize, index: usize, value: T) {
    if slots.len() < files {
        slots.resize(files, None);
    }
    if let Some(slot) = slots.get_mut(index) {
        *slot = Some(value);
    }
}

/// The request's verdict from its bindings'.
fn combine(
    bindings: &[BindingVerdict],
    common: &[Why],
    files_scanned: usize,
    options: &Options,
) -> Verdict {
    let mut references: Vec<Reference> = Vec::new();
    let mut more = 0;
    let mut why: Vec<Why> = common.to_vec();
    for b in bindings {
        match &b.verdict {
            Verdict::Called {
                references: r,
                more: m,
            } => {
                references.extend(r.iter().cloned());
                more += m;
            }
            Verdict::Unknown { why: w } => why.extend(w.iter().cloned()),
            Verdict::NotReferenced { .. } => {}
        }
    }
    if !references.is_empty() {
        dedup_places(&mut references);
        more += references.len().saturating_sub(options.max_references);
        references.truncate(options.max_references);
        return Verdict::Called { references, more };
    }
    why.sort();
    why.dedup();
    if why.is_empty() {
        Verdict::NotReferenced { files_scanned }
    } else {
        Verdict::Unknown { why }
    }
}

/// Sorts references and keeps one per place and binding: the one with the shortest
/// chain (`include Cohttp` then `Path.f` is one reference, not one direct and one
/// through the re-export).
fn dedup_places(references: &mut Vec<Reference>) {
    references.sort_by(|a, b| {
        (&a.at, &a.binding, a.chain.len(), a).cmp(&(&b.at, &b.binding, b.chain.len(), b))
    });
    references.dedup_by(|later, first| later.at == first.at && later.binding == first.binding);
}

/// Reads a file within the size limit; on a problem (unreadable, too large) records it
/// in `result` (or a note) and returns `None`.
fn read_source(
    source: &SourceFile,
    filter: Prefilter<'_>,
    limit: u64,
    result: &mut FileResult,
) -> Option<Vec<u8>> {
    let prefilter = filter.names;
    let requests_of = filter.requests_of;
    let path = &source.path;
    let unreadable = |e: std::io::Error| Why::Unreadable {
        path: path.clone(),
        error: e.to_string(),
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => {
            result.problem = Some((unreadable(e), None));
            return None;
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        // Searched in a stream (bounded memory): only a mention makes it a problem.
        let mut mentions = BTreeSet::new();
        for found in prefilter.stream_find_iter(std::io::BufReader::new(file)) {
            match found {
                Ok(m) => {
                    if let Some(r) = requests_of.get(m.pattern().as_usize()) {
                        mentions.extend(r.iter().copied());
                    }
                }
                Err(e) => {
                    result.problem = Some((unreadable(e), None));
                    return None;
                }
            }
        }
        if mentions.is_empty() {
            result.note = Some(Note::LargeFileSkipped {
                path: path.clone(),
                size,
            });
        } else {
            result.problem = Some((
                Why::TooLarge {
                    path: path.clone(),
                    size,
                    limit,
                },
                Some(mentions),
            ));
        }
        return None;
    }
    let mut src = Vec::with_capacity(size as usize);
    if let Err(e) = file.take(limit + 1).read_to_end(&mut src) {
        result.problem = Some((unreadable(e), None));
        return None;
    }
    if src.len() as u64 > limit {
        result.problem = Some((
            Why::TooLarge {
                path: path.clone(),
                size: src.len() as u64,
                limit,
            },
            None,
        ));
        return None;
    }
    Some(src)
}

/// The identifiers of `src`, folded, with dune's mangled names also split.
fn identifiers(src: &[u8], kind: WordKind) -> Words {
    let mut words = Words::new();
    let mut folded = String::new();
    let mut start = None;
    for (i, &b) in src.iter().chain(std::iter::once(&b' ')).enumerate() {
        let ident = b.is_ascii_alphanumeric() || b == b'_' || b == b'\'' || b >= 0x80;
        match (ident, start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                start = None;
                let Some(word) = src.get(from..i) else {
                    continue;
                };
                if kind == WordKind::Modules && !word.first().is_some_and(u8::is_ascii_uppercase) {
                    continue;
                }
                folded.clear();
                folded.push_str(&String::from_utf8_lossy(word));
                folded.make_ascii_lowercase();
                if words.contains(folded.as_str()) {
                    continue;
                }
                if folded.contains("__") {
                    for part in folded.split("__").filter(|p| !p.is_empty()) {
                        words.insert(part.into());
                    }
                }
                words.insert(folded.as_str().into());
            }
            _ => {}
        }
    }
    words
}

/// Line starts of a file, for positions.
struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    fn new(src: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            src.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and byte column.
    fn position(&self, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or_default();
        (line as u32, offset - start + 1)
    }
}

/// Requests whose names occur in `text`.
fn requests_in(
    text: &[u8],
    prefilter: &AhoCorasick,
    requests_of: &[&BTreeSet<usize>],
) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    for m in prefilter.find_overlapping_iter(text) {
        if let Some(requests) = requests_of.get(m.pattern().as_usize()) {
            found.extend(requests.iter().copied());
        }
    }
    found
}

/// What a file must contain to be lexed: one of `names` (each tied to the requests
/// whose bindings carry it), or, in a file that made derived bindings, one of `home`.
#[derive(Clone, Copy)]
struct Prefilter<'a> {
    names: &'a AhoCorasick,
    requests_of: &'a [&'a BTreeSet<usize>],
    home: Option<&'a AhoCorasick>,
}

fn read_one(
    index: usize,
    source: &SourceFile,
    matcher: &Matcher,
    filter: Prefilter<'_>,
    limit: u64,
    memory: Memory<'_>,
) -> FileResult {
    let prefilter = filter.names;
    let requests_of = filter.requests_of;
    let mut result = FileResult {
        index,
        report: FileReport::default(),
        lexed: None,
        keep: false,
        problem: None,
        note: None,
        words: None,
    };
    let path = &source.path;
    let mentions =
        |src: &[u8]| prefilter.is_match(src) || filter.home.is_some_and(|home| home.is_match(src));
    let lexed = match memory.kept {
        Some(kept) => {
            if !mentions(&kept.src) {
                return result;
            }
            Arc::clone(kept)
        }
        None => {
            let src = match read_source(source, filter, limit, &mut result) {
                Some(src) => src,
                None => return result,
            };
            if let Some(kind) = memory.words {
                result.words = Some(identifiers(&src, kind));
            }
            if !mentions(&src) {
                return result;
            }
            result.keep = memory.keep;
            Arc::new(Lexed::new(src))
        }
    };
    let src = &lexed.src;
    let location = |offset: u32| {
        let (line, column) = lexed.lines.position(offset);
        Location {
            file: path.clone(),
            line,
            column,
        }
    };
    if let Some(bad) = lexed.unterminated {
        let what = if bad.kind == TokenKind::UnterminatedComment {
            "comment"
        } else {
            "string"
        };
        result.problem = Some((
            Why::Unterminated {
                at: location(bad.span.start),
                what,
            },
            Some(requests_in(src, prefilter, requests_of)),
        ));
    }
    if let Some(illegal) = lexed.illegal {
        result.note = Some(Note::NotOcaml {
            at: location(illegal.span.start),
        });
    }
    let context = FileContext {
        interface: source.interface,
        modules: source.modules.clone(),
        implicit_opens: source.implicit_opens.clone(),
    };
    result.report = resolve::read(src, &lexed.significant, matcher, &context);
    result.lexed = Some(lexed);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_gives_one_based_positions() {
        let lines = LineIndex::new(b"ab\ncd\n\nx");
        assert_eq!(lines.position(0), (1, 1));
        assert_eq!(lines.position(1), (1, 2));
        assert_eq!(lines.position(3), (2, 1));
        assert_eq!(lines.position(6), (3, 1));
        assert_eq!(lines.position(7), (4, 1));
    }
}
