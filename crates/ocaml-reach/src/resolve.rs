//! Reading one file's tokens the way a reader resolves names: which module does
//! `Path.resolve_local_file` mean here?
//!
//! The reader keeps a scope stack of opens and module aliases and a stack of
//! brackets; it does not build a syntax tree. What it understands:
//!
//! - `open M`, `open! M`, `include M` at structure level: in scope to the end of the
//!   enclosing `struct … end` (or file); `open struct … end` and `include struct … end`
//!   leak their aliases into the enclosing structure, as OCaml does.
//! - `let open M in e`, `let module A = M in e`: in scope to the end of the enclosing
//!   bracket, or when the reader is directly in a structure, to the end of the current
//!   structure item. OCaml ends the scope where `e` ends, which may be earlier (inside
//!   a `match` arm, say): the approximation only ever adds names, so it can report a
//!   call that is not one, never hide one.
//! - `M.( … )`, `M.[ … ]`, `M.[| … |]`, `M.{ … }`: `M` is open inside the brackets.
//! - `module A = M`, `module A = M.N`: `A` stands for that path until shadowed;
//!   `module A = F (X)` stands for `F` (so the advisory form
//!   `Cohttp_lwt.Make().resolve_local_file` is found through `A.resolve_local_file`).
//!   Functor parameters and `(val …)` unpackings are modules of unknown contents.
//! - `module X = struct … end` and functors `module F (X : S) = struct … end`: nested
//!   scopes; each structure opens its own path for the names defined inside it.
//! - An unqualified name is looked up in every open module in scope, innermost first,
//!   without knowing their contents: after `open A` and `open B`, `f` may be `B.f` or
//!   `A.f`, and both are tried (an open that might shadow never hides a call).
//! - A module named in a place whose uses cannot be followed — a functor argument
//!   `F (Cohttp)`, a first-class module `(module Cohttp.Path : S)` — is reported as
//!   untraced, for an "unknown" verdict rather than "not referenced".
//!
//! Names inside attributes (`[@@deprecated "…"]`) and in signatures (`sig … end`,
//! `.mli` files) are not references: a `val` names a type, not a call. The C symbol
//! of an `external` declaration is read everywhere, interfaces included.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::lexer::{Token, TokenKind};
use crate::path::{Component, Path, push_module, strip_stdlib};

/// An index into the scan's table of bindings.
pub(crate) type BindingId = u32;

/// The bindings looked for, indexed for lookups during a read.
#[derive(Debug, Default)]
pub(crate) struct Matcher {
    values: HashMap<Path, Vec<BindingId>>,
    modules: HashMap<Path, Vec<BindingId>>,
    c_symbols: HashMap<String, Vec<BindingId>>,
    /// Every binding path, for functor arguments and re-exports (prefix tests).
    all: Vec<(Path, BindingId, bool)>,
    /// Every component name (folded): a path none of whose names is here cannot match.
    words: HashSet<String>,
    /// Every module prefix of every binding path (`cohttp`, `cohttp.path`).
    prefixes: HashSet<Path>,
}

impl Matcher {
    pub(crate) fn add_value(&mut self, path: Path, id: BindingId) {
        self.add_words(&path);
        self.all.push((path.clone(), id, false));
        self.values.entry(path).or_default().push(id);
    }

    pub(crate) fn add_module(&mut self, path: Path, id: BindingId) {
        self.add_words(&path);
        self.all.push((path.clone(), id, true));
        self.modules.entry(path).or_default().push(id);
    }

    pub(crate) fn add_c_symbol(&mut self, symbol: &str, id: BindingId) {
        self.c_symbols
            .entry(symbol.to_owned())
            .or_default()
            .push(id);
    }

    fn add_words(&mut self, path: &[Component]) {
        for c in path {
            self.words.insert(c.name().to_ascii_lowercase());
        }
        for len in 1..=path.len() {
            if let Some(prefix) = path.get(..len)
                && prefix.iter().all(Component::is_module)
            {
                self.prefixes.insert(prefix.to_vec());
            }
        }
    }

    /// True when a module path written here can lead to a binding: it is on the way
    /// to one (a prefix of a binding's path) or inside a module binding. Any other
    /// candidate can be dropped, which keeps the candidates of nested opens few.
    fn relevant(&self, path: &[Component]) -> bool {
        if self.prefixes.contains(path) {
            return true;
        }
        (1..=path.len()).any(|len| {
            path.get(..len)
                .is_some_and(|p| self.modules.contains_key(p))
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.all.is_empty() && self.c_symbols.is_empty()
    }

    fn interesting(&self, word: &str) -> bool {
        self.words.contains(&word.to_ascii_lowercase())
    }

    /// Module bindings equal to or enclosing `path`.
    fn modules_enclosing(&self, path: &[Component], out: &mut Vec<BindingId>) {
        for len in 1..=path.len() {
            if let Some(ids) = path.get(..len).and_then(|p| self.modules.get(p)) {
                out.extend(ids);
            }
        }
    }
}

/// How a binding was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HitKind {
    /// A use: a call, a value passed around, an `open` of an affected module.
    Reference,
    /// A structure-level `module A = M` or `include M` that makes the binding
    /// reachable under another path of this file (`A.f`); not a use by itself.
    Reexport,
}

/// What a reader found for one binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) binding: BindingId,
    pub(crate) kind: HitKind,
    /// Byte offset of the reference.
    pub(crate) offset: u32,
    /// The path as written (`P.resolve_local_file`).
    pub(crate) text: String,
    /// The definitions of this file the hit is inside, relative to the file's module:
    /// each a path and whether it is a module (any use of which counts) or a value.
    /// For a re-export: the new path of the binding.
    pub(crate) definitions: Vec<(Path, bool)>,
}

/// Why a module's uses cannot be followed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Untraceable {
    /// Passed to a functor: `F (Cohttp)`.
    FunctorArgument,
    /// Packed as a first-class module: `(module Cohttp.Path : S)`.
    FirstClassModule,
}

/// A module on the way to a binding, used where its uses cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Untraced {
    pub(crate) binding: BindingId,
    pub(crate) offset: u32,
    pub(crate) text: String,
    pub(crate) how: Untraceable,
}

/// Everything one read found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileReport {
    pub(crate) hits: Vec<Hit>,
    pub(crate) untraced: Vec<Untraced>,
}

/// How the file is read.
#[derive(Debug, Clone)]
pub(crate) struct FileContext {
    /// `.mli`: a signature, where only `external` declarations count.
    pub(crate) interface: bool,
    /// The module paths of the file (`x509.public_key`).
    pub(crate) modules: Vec<Path>,
    /// Modules open in the whole file: the library's wrapper (dune opens its alias
    /// module, so siblings are in scope unqualified).
    pub(crate) implicit_opens: Vec<Path>,
}

/// Reads the significant tokens of `src` (trivia left out) and returns the hits on
/// `matcher`'s bindings.
pub(crate) fn read(
    src: &[u8],
    significant: &[Token],
    matcher: &Matcher,
    context: &FileContext,
) -> FileReport {
    let mut reader = Reader {
        src,
        toks: significant,
        i: 0,
        matcher,
        context,
        scope: Vec::new(),
        frames: Vec::new(),
        suppress: u32::from(context.interface),
        report: FileReport::default(),
    };
    reader.run();
    reader.report
}

const CANDIDATE_CAP: usize = 64;

#[derive(Debug, Clone)]
enum Entry {
    Open(Rc<[Path]>),
    Alias {
        name: Box<str>,
        target: Option<Rc<[Path]>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closer {
    Paren,
    Bracket,
    Brace,
    End,
    Done,
    /// The file itself: never popped.
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    /// A structure (or the file): items live here.
    Struct,
    /// A signature: nothing inside is a use.
    Sig,
    /// An attribute payload: nothing inside is a use.
    Attribute,
    /// Any other bracket.
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    None,
    Let,
    Module,
    External,
    Class,
    Other,
}

#[derive(Debug, Clone)]
struct Frame {
    kind: FrameKind,
    closer: Closer,
    /// Scope length when the frame opened.
    scope_len: usize,
    /// `open struct`, `include struct`: its aliases stay when it closes.
    leak: bool,
    /// For structures: definitions inside can be named one by one.
    exact: bool,
    /// For structures: the path of the structure relative to the file's module.
    prefix: Path,
    /// Scope length at the start of the current item: local opens above it end with it.
    item_mark: usize,
    item: ItemKind,
    /// The names the current item defines (`let a = … and b`: the last one).
    names: Vec<Component>,
    /// `let`s in expression position not yet closed by their `in`.
    pending_lets: u32,
}

impl Frame {
    fn new(kind: FrameKind, closer: Closer, scope_len: usize) -> Frame {
        Frame {
            kind,
            closer,
            scope_len,
            leak: false,
            exact: false,
            prefix: Path::new(),
            item_mark: scope_len,
            item: ItemKind::None,
            names: Vec::new(),
            pending_lets: 0,
        }
    }
}

struct Reader<'a> {
    src: &'a [u8],
    toks: &'a [Token],
    i: usize,
    matcher: &'a Matcher,
    context: &'a FileContext,
    scope: Vec<Entry>,
    frames: Vec<Frame>,
    /// Depth of attributes and signatures around the reader (plus one in an `.mli`).
    suppress: u32,
    report: FileReport,
}

/// A module expression as far as names go.
struct ModuleExpr {
    /// Where the path would resolve (empty when unknown).
    targets: Vec<Path>,
    /// The path as written, for messages.
    text: String,
    offset: u32,
}

impl<'a> Reader<'a> {
    fn run(&mut self) {
        let mut root = Frame::new(FrameKind::Struct, Closer::Eof, 0);
        root.exact = true;
        self.frames.push(root);
        if !self.context.implicit_opens.is_empty() {
            self.scope
                .push(Entry::Open(self.context.implicit_opens.clone().into()));
        }
        if !self.context.modules.is_empty() {
            self.scope
                .push(Entry::Open(self.context.modules.clone().into()));
        }
        if let Some(root) = self.frames.last_mut() {
            root.scope_len = self.scope.len();
            root.item_mark = self.scope.len();
        }
        while self.i < self.toks.len() {
            let start = self.i;
            self.step();
            if self.i == start {
                self.i += 1;
            }
        }
    }

    // ----- tokens -----

    fn tok(&self, i: usize) -> Option<Token> {
        self.toks.get(i).copied()
    }

    fn text(&self, i: usize) -> &'a str {
        let src: &'a [u8] = self.src;
        self.tok(i)
            .and_then(|t| src.get(t.span.range()))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The bytes of token `i`: comparisons need no UTF-8 check.
    fn bytes(&self, i: usize) -> &'a [u8] {
        let src: &'a [u8] = self.src;
        self.tok(i)
            .and_then(|t| src.get(t.span.range()))
            .unwrap_or_default()
    }

    fn kind(&self, i: usize) -> Option<TokenKind> {
        self.tok(i).map(|t| t.kind)
    }

    fn is(&self, i: usize, kind: TokenKind, text: &str) -> bool {
        self.kind(i) == Some(kind) && self.bytes(i) == text.as_bytes()
    }

    fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.is(i, TokenKind::Keyword, kw)
    }

    fn is_sym(&self, i: usize, sym: &str) -> bool {
        self.is(i, TokenKind::Symbol, sym)
    }

    fn offset(&self, i: usize) -> u32 {
        self.tok(i).map(|t| t.span.start).unwrap_or_default()
    }

    /// The previous significant token of `i`, if any.
    fn prev(&self, i: usize) -> Option<usize> {
        i.checked_sub(1)
    }

    // ----- frames and items -----

    fn top(&self) -> Option<&Frame> {
        self.frames.last()
    }

    fn top_mut(&mut self) -> Option<&mut Frame> {
        self.frames.last_mut()
    }

    fn in_structure(&self) -> bool {
        self.top().is_some_and(|f| f.kind == FrameKind::Struct)
    }

    fn in_structure_or_sig(&self) -> bool {
        self.top()
            .is_some_and(|f| matches!(f.kind, FrameKind::Struct | FrameKind::Sig))
    }

    fn push_frame(&mut self, kind: FrameKind, closer: Closer) {
        if matches!(kind, FrameKind::Sig | FrameKind::Attribute) {
            self.suppress += 1;
        }
        let frame = Frame::new(kind, closer, self.scope.len());
        self.frames.push(frame);
    }

    /// Pushes a structure frame: named (its definitions get their own paths) or
    /// anonymous (everything inside is attributed to the enclosing definition).
    fn push_struct(&mut self, name: Option<Component>, leak: bool, params: &[String]) {
        let (prefix, exact) = match self.top() {
            Some(parent) if leak => (parent.prefix.clone(), parent.exact),
            Some(parent) => match name {
                Some(name) if parent.exact => {
                    let mut prefix = parent.prefix.clone();
                    prefix.push(name);
                    (prefix, true)
                }
                _ => {
                    let mut prefix = parent.prefix.clone();
                    if parent.exact
                        && let Some(last) = parent.names.last()
                    {
                        prefix.push(last.clone());
                    }
                    (prefix, false)
                }
            },
            None => (Path::new(), false),
        };
        self.push_frame(FrameKind::Struct, Closer::End);
        if let Some(frame) = self.top_mut() {
            frame.leak = leak;
            frame.exact = exact;
            frame.prefix = prefix.clone();
        }
        if !leak && exact && !self.context.modules.is_empty() {
            let own: Vec<Path> = self
                .context
                .modules
                .iter()
                .map(|m| {
                    let mut p = m.clone();
                    p.extend(prefix.iter().cloned());
                    p
                })
                .collect();
            self.scope.push(Entry::Open(own.into()));
        }
        for param in params {
            self.scope.push(Entry::Alias {
                name: param.to_ascii_lowercase().into(),
                target: None,
            });
        }
        let len = self.scope.len();
        if let Some(frame) = self.top_mut() {
            frame.item_mark = len;
        }
    }

    fn pop_frame(&mut self) {
        if self.frames.len() <= 1 {
            return;
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if matches!(frame.kind, FrameKind::Sig | FrameKind::Attribute) {
            self.suppress = self.suppress.saturating_sub(1);
        }
        if frame.leak {
            let len = self.scope.len();
            if let Some(parent) = self.top_mut() {
                parent.item_mark = len;
            }
        } else {
            self.scope.truncate(frame.scope_len);
        }
    }

    fn close(&mut self, closer: Closer) {
        if !self.frames.iter().skip(1).any(|f| f.closer == closer) {
            return;
        }
        while let Some(frame) = self.top() {
            let done = frame.closer == closer;
            self.pop_frame();
            if done {
                break;
            }
        }
    }

    /// A new structure item begins: local opens of the previous one end.
    fn start_item(&mut self, item: ItemKind) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let mark = frame.item_mark;
        frame.item = item;
        frame.names.clear();
        frame.pending_lets = 0;
        self.scope.truncate(mark.max(frame.scope_len));
    }

    /// Makes what was pushed on the scope by the current item last to the end of the
    /// structure (a structure-level `open`, alias or `include`).
    fn persist_scope(&mut self) {
        let len = self.scope.len();
        if let Some(frame) = self.top_mut() {
            frame.item_mark = len;
        }
    }

    /// True when `let` at `i` starts a structure item rather than an expression:
    /// directly in a structure, after something that can end an expression or item.
    fn let_starts_item(&self, i: usize) -> bool {
        if !self.in_structure() {
            return false;
        }
        let Some(p) = self.prev(i) else { return true };
        match self.kind(p) {
            Some(
                TokenKind::Lident
                | TokenKind::Uident
                | TokenKind::Number
                | TokenKind::String
                | TokenKind::QuotedString
                | TokenKind::Char
                | TokenKind::Close,
            ) => true,
            Some(TokenKind::Keyword) => {
                matches!(self.text(p), "end" | "done" | "true" | "false" | "struct")
            }
            Some(TokenKind::Symbol) => self.text(p) == ";;",
            _ => false,
        }
    }

    // ----- resolution -----

    fn module_path_at(&self, mut i: usize) -> (Vec<&'a str>, usize) {
        let mut parts = Vec::new();
        while self.kind(i) == Some(TokenKind::Uident) {
            parts.push(self.text(i));
            if self.is_sym(i + 1, ".") && self.kind(i + 2) == Some(TokenKind::Uident) {
                i += 2;
            } else {
                i += 1;
                break;
            }
        }
        (parts, i)
    }

    fn written(parts: &[&str]) -> Path {
        let mut path = Path::new();
        for part in parts {
            push_module(&mut path, part);
        }
        path
    }

    /// Where a module path written here may point, innermost scope first. An alias
    /// of the head name shadows everything further out.
    fn resolve_module(&self, parts: &[&str]) -> Vec<Path> {
        let Some(head) = parts.first() else {
            return Vec::new();
        };
        let written = Self::written(parts);
        let head_folded = head.to_ascii_lowercase();
        let mut out: Vec<Path> = Vec::new();
        let mut shadowed = false;
        for entry in self.scope.iter().rev() {
            match entry {
                Entry::Open(paths) => {
                    for p in paths.iter() {
                        let mut c = p.clone();
                        c.extend(written.iter().cloned());
                        strip_stdlib(&mut c);
                        if self.matcher.relevant(&c) {
                            out.push(c);
                        }
                    }
                }
                Entry::Alias { name, target } if **name == *head_folded => {
                    if let Some(targets) = target {
                        for t in targets.iter() {
                            let mut c = t.clone();
                            c.extend(Self::written(parts.get(1..).unwrap_or_default()));
                            out.push(c);
                        }
                    }
                    shadowed = true;
                    break;
                }
                Entry::Alias { .. } => {}
            }
            if out.len() >= CANDIDATE_CAP {
                break;
            }
        }
        if !shadowed {
            out.push(written);
        }
        self.finish(out)
    }

    fn resolve_value(&self, name: &str) -> Vec<Path> {
        let value = Component::Value(name.into());
        let mut out: Vec<Path> = Vec::new();
        for entry in self.scope.iter().rev() {
            if let Entry::Open(paths) = entry {
                for p in paths.iter() {
                    let mut c = p.clone();
                    c.push(value.clone());
                    out.push(c);
                }
            }
        }
        out.push(vec![value]);
        out
    }

    /// Normalises candidates and keeps those that can lead to a binding.
    fn finish(&self, mut out: Vec<Path>) -> Vec<Path> {
        for p in &mut out {
            strip_stdlib(p);
        }
        let mut seen = HashSet::new();
        out.retain(|p| self.matcher.relevant(p) && seen.insert(p.clone()));
        out.truncate(CANDIDATE_CAP);
        out
    }

    // ----- recording -----

    /// The definitions of this file that the reader is inside.
    fn definitions(&self) -> Vec<(Path, bool)> {
        let Some(frame) = self
            .frames
            .iter()
            .rev()
            .find(|f| f.kind == FrameKind::Struct)
        else {
            return vec![(Path::new(), true)];
        };
        if frame.exact && !frame.names.is_empty() {
            return frame
                .names
                .iter()
                .map(|n| {
                    let mut p = frame.prefix.clone();
                    p.push(n.clone());
                    (p, n.is_module())
                })
                .collect();
        }
        vec![(frame.prefix.clone(), true)]
    }

    fn hit(&mut self, binding: BindingId, kind: HitKind, offset: u32, text: String) {
        let definitions = self.definitions();
        self.report.hits.push(Hit {
            binding,
            kind,
            offset,
            text,
            definitions,
        });
    }

    /// Records references of value candidates.
    fn record_value(&mut self, candidates: &[Path], offset: u32, text: &str) {
        let mut ids = Vec::new();
        for c in candidates {
            if let Some(found) = self.matcher.values.get(c) {
                ids.extend(found);
            }
            if let Some(modules) = c.get(..c.len().saturating_sub(1)) {
                self.matcher.modules_enclosing(modules, &mut ids);
            }
        }
        self.record_ids(ids, offset, text);
    }

    /// Records uses of module bindings enclosing a module path.
    fn record_module_use(&mut self, candidates: &[Path], offset: u32, text: &str) {
        let mut ids = Vec::new();
        for c in candidates {
            self.matcher.modules_enclosing(c, &mut ids);
        }
        self.record_ids(ids, offset, text);
    }

    fn record_ids(&mut self, mut ids: Vec<BindingId>, offset: u32, text: &str) {
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.hit(id, HitKind::Reference, offset, text.to_owned());
        }
    }

    /// A module used where its contents' uses cannot be followed.
    fn record_untraced(&mut self, expr: &ModuleExpr, how: Untraceable) {
        if self.suppress > 0 {
            return;
        }
        self.record_module_use(&expr.targets, expr.offset, &expr.text);
        let mut ids = Vec::new();
        for target in &expr.targets {
            for (path, id, _) in &self.matcher.all {
                if path.len() > target.len() && path.starts_with(target) {
                    ids.push(*id);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for binding in ids {
            self.report.untraced.push(Untraced {
                binding,
                offset: expr.offset,
                text: expr.text.clone(),
                how,
            });
        }
    }

    /// `module A = M` or `include M` at structure level: bindings under `M` become
    /// reachable as `A.…` (or as the structure's own names).
    fn record_reexports(&mut self, expr: &ModuleExpr, alias: Option<Component>) {
        if self.suppress > 0 || !self.top().is_some_and(|f| f.exact) {
            return;
        }
        let prefix = self.top().map(|f| f.prefix.clone()).unwrap_or_default();
        let mut found = Vec::new();
        for target in &expr.targets {
            for (path, id, is_module) in &self.matcher.all {
                if path.len() > target.len() && path.starts_with(target) {
                    let mut new_path = prefix.clone();
                    new_path.extend(alias.iter().cloned());
                    new_path.extend(path.iter().skip(target.len()).cloned());
                    found.push((*id, new_path, *is_module));
                }
            }
        }
        for (binding, path, is_module) in found {
            self.report.hits.push(Hit {
                binding,
                kind: HitKind::Reexport,
                offset: expr.offset,
                text: expr.text.clone(),
                definitions: vec![(path, is_module)],
            });
        }
    }

    // ----- module expressions -----

    /// Reads a module expression at `self.i` as far as it is a path with functor
    /// applications to paths: `M`, `M.N`, `F (X)`, `F (X) (Y.Z)`. Arguments that are
    /// paths are reported as untraced; anything else (`struct`, `(val …)`) is left
    /// for the main loop. Returns `None` when no path starts here.
    fn module_expr(&mut self) -> Option<ModuleExpr> {
        let start = self.i;
        let (parts, next) = self.module_path_at(self.i);
        if parts.is_empty() {
            return None;
        }
        let offset = self.offset(start);
        let targets = self.resolve_module(&parts);
        let mut text = parts.join(".");
        self.i = next;
        while self.is(self.i, TokenKind::Open, "(") {
            let (arg, after) = self.module_path_at(self.i + 1);
            if arg.is_empty() || !self.is(after, TokenKind::Close, ")") {
                break;
            }
            let arg_expr = ModuleExpr {
                targets: self.resolve_module(&arg),
                text: arg.join("."),
                offset: self.offset(self.i + 1),
            };
            self.record_untraced(&arg_expr, Untraceable::FunctorArgument);
            text.push_str(&format!("({})", arg.join(".")));
            self.i = after + 1;
        }
        Some(ModuleExpr {
            targets,
            text,
            offset,
        })
    }

    // ----- the main loop -----

    fn step(&mut self) {
        let Some(token) = self.tok(self.i) else {
            return;
        };
        match token.kind {
            TokenKind::Keyword => self.keyword(),
            TokenKind::Uident => self.path_expression(),
            TokenKind::Lident => self.value_name(),
            TokenKind::Open => {
                let closer = match self.bytes(self.i) {
                    b"(" => Closer::Paren,
                    b"{" | b"{<" => Closer::Brace,
                    _ => Closer::Bracket,
                };
                self.push_frame(FrameKind::Group, closer);
                self.i += 1;
            }
            TokenKind::AttributeOpen => {
                self.push_frame(FrameKind::Attribute, Closer::Bracket);
                self.i += 1;
            }
            TokenKind::ExtensionOpen => {
                self.push_frame(FrameKind::Group, Closer::Bracket);
                self.i += 1;
            }
            TokenKind::Close => {
                let closer = match self.bytes(self.i) {
                    b")" => Closer::Paren,
                    b"}" | b">}" => Closer::Brace,
                    _ => Closer::Bracket,
                };
                self.close(closer);
                self.i += 1;
            }
            TokenKind::String => {
                self.external_symbol();
                self.i += 1;
            }
            TokenKind::Symbol if self.text(self.i) == ";;" => {
                if self.in_structure_or_sig() {
                    self.start_item(ItemKind::None);
                }
                self.i += 1;
            }
            _ => self.i += 1,
        }
    }

    fn keyword(&mut self) {
        let i = self.i;
        match self.bytes(i) {
            b"let" => self.let_keyword(),
            b"and" => {
                self.i += 1;
                let item = self.top().map(|f| (f.item, f.pending_lets, f.kind));
                match item {
                    Some((ItemKind::Let, 0, FrameKind::Struct)) => self.let_names(),
                    Some((ItemKind::Module, 0, FrameKind::Struct | FrameKind::Sig)) => {
                        self.module_definition()
                    }
                    _ => {}
                }
            }
            b"in" => {
                if let Some(frame) = self.top_mut() {
                    frame.pending_lets = frame.pending_lets.saturating_sub(1);
                }
                self.i += 1;
            }
            b"module" => {
                self.i += 1;
                if self
                    .prev(i)
                    .is_some_and(|p| self.is(p, TokenKind::Open, "("))
                {
                    if let Some(expr) = self.module_expr() {
                        self.record_untraced(&expr, Untraceable::FirstClassModule);
                    }
                } else if self.in_structure_or_sig() {
                    self.start_item(ItemKind::Module);
                    if self.is_kw(self.i, "type") {
                        self.i += 1;
                    } else {
                        if self.is_kw(self.i, "rec") {
                            self.i += 1;
                        }
                        self.module_definition();
                    }
                }
            }
            b"open" => {
                self.i += 1;
                if self.in_structure_or_sig() {
                    self.start_item(ItemKind::Other);
                }
                self.open_or_include(false);
            }
            b"include" => {
                self.i += 1;
                if self.in_structure_or_sig() {
                    self.start_item(ItemKind::Other);
                }
                self.open_or_include(true);
            }
            b"external" => {
                self.i += 1;
                if self.in_structure_or_sig() {
                    self.start_item(ItemKind::External);
                    let name = self.definition_name(self.i);
                    if let Some(frame) = self.top_mut() {
                        frame.names = name.into_iter().collect();
                    }
                }
            }
            b"class" => {
                self.i += 1;
                if self.in_structure_or_sig() {
                    self.start_item(ItemKind::Class);
                    let mut j = self.i;
                    if self.is_kw(j, "type") {
                        return;
                    }
                    while self.is_kw(j, "virtual") {
                        j += 1;
                    }
                    if self.is(j, TokenKind::Open, "[") {
                        while j < self.toks.len() && !self.is(j, TokenKind::Close, "]") {
                            j += 1;
                        }
                        j += 1;
                    }
                    if self.kind(j) == Some(TokenKind::Lident) {
                        let name = Component::Value(self.text(j).into());
                        if let Some(frame) = self.top_mut() {
                            frame.names = vec![name];
                        }
                    }
                }
            }
            b"type" | b"exception" | b"val" => {
                let after_pattern = self.prev(i).is_some_and(|p| {
                    self.is_kw(p, "with")
                        || self.is_kw(p, "let")
                        || self.is_sym(p, "|")
                        || self.kind(p) == Some(TokenKind::Open)
                });
                if !after_pattern && self.in_structure_or_sig() {
                    self.start_item(ItemKind::Other);
                }
                self.i += 1;
            }
            b"struct" => {
                self.push_struct(None, false, &[]);
                self.i += 1;
            }
            b"sig" => {
                self.push_frame(FrameKind::Sig, Closer::End);
                self.i += 1;
            }
            b"object" | b"begin" => {
                self.push_frame(FrameKind::Group, Closer::End);
                self.i += 1;
            }
            b"do" => {
                self.push_frame(FrameKind::Group, Closer::Done);
                self.i += 1;
            }
            b"end" => {
                self.close(Closer::End);
                self.i += 1;
            }
            b"done" => {
                self.close(Closer::Done);
                self.i += 1;
            }
            _ => self.i += 1,
        }
    }

    /// Skips `%ext` and `[@attr]` right after a keyword (`let%lwt`, `let[@inline]`).
    fn skip_decorations(&self, mut j: usize) -> usize {
        loop {
            if self.is_sym(j, "%") {
                j += 1;
                while matches!(
                    self.kind(j),
                    Some(TokenKind::Lident | TokenKind::Uident | TokenKind::Keyword)
                ) {
                    j += 1;
                    if self.is_sym(j, ".") {
                        j += 1;
                    } else {
                        break;
                    }
                }
            } else if self.kind(j) == Some(TokenKind::AttributeOpen) {
                let mut depth = 0u32;
                while let Some(k) = self.kind(j) {
                    match k {
                        TokenKind::Open | TokenKind::AttributeOpen | TokenKind::ExtensionOpen => {
                            depth += 1
                        }
                        TokenKind::Close => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                j += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
            } else if self.is_sym(j, "!") {
                j += 1;
            } else {
                return j;
            }
        }
    }

    fn let_keyword(&mut self) {
        let i = self.i;
        if self.let_starts_item(i) {
            self.start_item(ItemKind::Let);
            self.i += 1;
            self.let_names();
            return;
        }
        if let Some(frame) = self.top_mut() {
            frame.pending_lets += 1;
        }
        let j = self.skip_decorations(i + 1);
        if self.is_kw(j, "open") {
            self.i = self.skip_decorations(j + 1);
            if let Some(expr) = self.module_expr() {
                self.record_module_use(&expr.targets, expr.offset, &expr.text);
                self.scope.push(Entry::Open(expr.targets.into()));
            }
        } else if self.is_kw(j, "module") && self.kind(j + 1) == Some(TokenKind::Uident) {
            let name = self.text(j + 1).to_ascii_lowercase();
            let mut k = j + 2;
            // `let module M (X : S) = …` and `let module M : S = …` are rare: the
            // name is then of unknown contents.
            if self.is_sym(k, "=") {
                k += 1;
                self.i = k;
                let expr = self.module_expr();
                if let Some(expr) = &expr {
                    self.record_module_use(&expr.targets, expr.offset, &expr.text);
                }
                let target = expr
                    .filter(|e| !e.targets.is_empty())
                    .map(|e| e.targets.into());
                self.scope.push(Entry::Alias {
                    name: name.into(),
                    target,
                });
            } else {
                self.scope.push(Entry::Alias {
                    name: name.into(),
                    target: None,
                });
                self.i = k;
            }
        } else {
            self.i = i + 1;
        }
    }

    /// The names bound by a `let` or `and` at structure level (`self.i` just after
    /// the keyword); the tokens stay for the main loop.
    fn let_names(&mut self) {
        let mut j = self.skip_decorations(self.i);
        while self.is_kw(j, "rec") || self.is_kw(j, "nonrec") {
            j += 1;
        }
        let mut names = Vec::new();
        match self.kind(j) {
            Some(TokenKind::Lident) if self.text(j) != "_" => {
                names.push(Component::Value(self.text(j).into()));
            }
            Some(TokenKind::Open) if matches!(self.text(j), "(" | "{") => {
                let close = if self.text(j) == "(" { ")" } else { "}" };
                let mut depth = 0u32;
                let mut k = j;
                let mut inner = Vec::new();
                while let Some(kind) = self.kind(k) {
                    match kind {
                        TokenKind::Open => depth += 1,
                        TokenKind::Close => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 && self.text(k) == close {
                                break;
                            }
                        }
                        _ if depth == 1 => inner.push(k),
                        _ => {}
                    }
                    k += 1;
                    if k > j + 256 {
                        break;
                    }
                }
                let tuple = inner
                    .iter()
                    .any(|&t| self.is_sym(t, ",") || self.is_sym(t, ";"))
                    || close == "}";
                if tuple {
                    names.extend(
                        inner
                            .iter()
                            .filter(|&&t| self.kind(t) == Some(TokenKind::Lident))
                            .filter(|&&t| self.text(t) != "_")
                            .map(|&t| Component::Value(self.text(t).into())),
                    );
                } else if !inner.is_empty() {
                    let op: String = inner.iter().map(|&t| self.text(t)).collect();
                    if !op.is_empty() && op != "_" {
                        names.push(Component::Value(op.into()));
                    }
                }
            }
            _ => {}
        }
        if let Some(frame) = self.top_mut() {
            frame.names = names;
        }
    }

    /// The name after `external` or `val`: an identifier or `( op )`.
    fn definition_name(&self, j: usize) -> Option<Component> {
        match self.kind(j)? {
            TokenKind::Lident => Some(Component::Value(self.text(j).into())),
            TokenKind::Open if self.text(j) == "(" => {
                let op = self.text(j + 1);
                self.is(j + 2, TokenKind::Close, ")")
                    .then(|| Component::Value(op.into()))
            }
            _ => None,
        }
    }

    /// After `module` (or `and` of `module rec`): `X (P : S) … : T = ME`.
    fn module_definition(&mut self) {
        let start = self.skip_decorations(self.i);
        if self.kind(start) != Some(TokenKind::Uident) {
            self.i = start;
            return;
        }
        let name = self.text(start).to_owned();
        let mut j = start + 1;
        let mut params = Vec::new();
        while self.is(j, TokenKind::Open, "(") {
            if self.is(j + 1, TokenKind::Close, ")") {
                j += 2;
                continue;
            }
            if self.kind(j + 1) == Some(TokenKind::Uident) || self.is_sym(j + 1, "_") {
                params.push(self.text(j + 1).to_owned());
            }
            j = self.matching_close(j) + 1;
        }
        let component = Component::module(&name);
        if let Some(frame) = self.top_mut() {
            frame.names = vec![component.clone()];
        }
        if self.is_sym(j, ":") {
            j = self.skip_module_type(j + 1);
        }
        if !self.is_sym(j, "=") {
            // A declaration (in a signature), or a module type we could not skip.
            self.scope.push(Entry::Alias {
                name: name.to_ascii_lowercase().into(),
                target: None,
            });
            self.persist_scope();
            self.i = j;
            return;
        }
        j += 1;
        while self.is_kw(j, "functor") {
            j += 1;
            while self.is(j, TokenKind::Open, "(") {
                if self.kind(j + 1) == Some(TokenKind::Uident) {
                    params.push(self.text(j + 1).to_owned());
                }
                j = self.matching_close(j) + 1;
            }
            if self.is_sym(j, "->") {
                j += 1;
            }
        }
        if self.is_kw(j, "struct") {
            self.i = j + 1;
            self.push_struct(Some(component), false, &params);
            return;
        }
        self.i = j;
        let alias = self.module_expr();
        let target = match &alias {
            Some(expr) if !expr.targets.is_empty() && params.is_empty() => {
                Some(expr.targets.clone().into())
            }
            _ => None,
        };
        if let Some(expr) = &alias {
            if self.suppress == 0 {
                self.record_module_use(&expr.targets, expr.offset, &expr.text);
            }
            self.record_reexports(expr, Some(component));
        }
        self.scope.push(Entry::Alias {
            name: name.to_ascii_lowercase().into(),
            target,
        });
        self.persist_scope();
    }

    /// The index of the bracket closing the one at `j`.
    fn matching_close(&self, j: usize) -> usize {
        let mut depth = 0u32;
        let mut k = j;
        while let Some(kind) = self.kind(k) {
            match kind {
                TokenKind::Open | TokenKind::AttributeOpen | TokenKind::ExtensionOpen => depth += 1,
                TokenKind::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return k;
                    }
                }
                TokenKind::Keyword if matches!(self.text(k), "sig" | "struct") => depth += 1,
                TokenKind::Keyword if self.text(k) == "end" => depth = depth.saturating_sub(1),
                _ => {}
            }
            k += 1;
        }
        k
    }

    /// Skips a module type after `:` up to the `=` of the definition (not the `=` of
    /// a `with type t = …` constraint); stops at the next item when there is none.
    fn skip_module_type(&self, mut j: usize) -> usize {
        let mut depth = 0u32;
        let mut constraints = 0u32;
        while let Some(kind) = self.kind(j) {
            let text = self.text(j);
            match kind {
                TokenKind::Open | TokenKind::AttributeOpen | TokenKind::ExtensionOpen => depth += 1,
                TokenKind::Close => {
                    if depth == 0 {
                        return j;
                    }
                    depth -= 1;
                }
                TokenKind::Keyword => match text {
                    "sig" | "struct" | "object" | "begin" => depth += 1,
                    "end" => {
                        if depth == 0 {
                            return j;
                        }
                        depth -= 1;
                    }
                    "type" | "module" if depth == 0 => constraints += 1,
                    "let" | "open" | "include" | "external" | "val" | "exception" | "class"
                        if depth == 0 =>
                    {
                        return j;
                    }
                    _ => {}
                },
                TokenKind::Symbol if depth == 0 => match text {
                    "=" | ":=" if constraints > 0 => constraints -= 1,
                    "=" => return j,
                    ";;" => return j,
                    _ => {}
                },
                _ => {}
            }
            j += 1;
        }
        j
    }

    /// `open M`, `open! M`, `include M`, `open struct … end`.
    fn open_or_include(&mut self, include: bool) {
        self.i = self.skip_decorations(self.i);
        if self.is_kw(self.i, "struct") {
            self.push_struct(None, true, &[]);
            self.i += 1;
            return;
        }
        let Some(expr) = self.module_expr() else {
            return;
        };
        if self.suppress == 0 {
            self.record_module_use(&expr.targets, expr.offset, &expr.text);
        }
        if include {
            self.record_reexports(&expr, None);
        }
        if !expr.targets.is_empty() {
            self.scope.push(Entry::Open(expr.targets.into()));
        }
        if self.in_structure_or_sig() {
            self.persist_scope();
        }
    }

    /// An upper-case identifier in expression position: a module path, then a value
    /// (`M.N.f`), a local open (`M.( … )`), or a constructor or module (`M.C`).
    fn path_expression(&mut self) {
        let start = self.i;
        let after_dot = self.prev(start).is_some_and(|p| self.is_sym(p, "."));
        let (parts, next) = self.module_path_at(start);
        self.i = next;
        let offset = self.offset(start);
        if self.is_sym(next, ".") {
            match self.kind(next + 1) {
                Some(TokenKind::Open) => {
                    let targets = self.resolve_module(&parts);
                    if self.suppress == 0 {
                        self.record_module_use(&targets, offset, &parts.join("."));
                    }
                    let closer = match self.bytes(next + 1) {
                        b"(" => Closer::Paren,
                        b"{" | b"{<" => Closer::Brace,
                        _ => Closer::Bracket,
                    };
                    self.push_frame(FrameKind::Group, closer);
                    if !targets.is_empty() {
                        self.scope.push(Entry::Open(targets.into()));
                    }
                    self.i = next + 2;
                    return;
                }
                Some(TokenKind::Lident) => {
                    let value = self.text(next + 1);
                    self.i = next + 2;
                    if after_dot || self.suppress > 0 {
                        return;
                    }
                    let interesting = self.matcher.interesting(value)
                        || parts.iter().any(|p| self.matcher.interesting(p));
                    if !interesting {
                        return;
                    }
                    let mut candidates = self.resolve_module(&parts);
                    for c in &mut candidates {
                        c.push(Component::Value(value.into()));
                    }
                    let text = format!("{}.{}", parts.join("."), value);
                    self.record_value(&candidates, offset, &text);
                    return;
                }
                _ => {}
            }
        }
        if after_dot || self.suppress > 0 {
            return;
        }
        if parts.iter().any(|p| self.matcher.interesting(p)) {
            let candidates = self.resolve_module(&parts);
            self.record_module_use(&candidates, offset, &parts.join("."));
        }
    }

    /// A lower-case identifier: an unqualified value, unless it is a field, a method,
    /// a label or the name being defined.
    fn value_name(&mut self) {
        let i = self.i;
        self.i += 1;
        if self.suppress > 0 {
            return;
        }
        if let Some(p) = self.prev(i) {
            let skip = match self.kind(p) {
                Some(TokenKind::Symbol) => matches!(self.text(p), "." | "#"),
                Some(TokenKind::Keyword) => matches!(
                    self.text(p),
                    "let"
                        | "and"
                        | "rec"
                        | "external"
                        | "val"
                        | "method"
                        | "type"
                        | "class"
                        | "virtual"
                        | "private"
                        | "mutable"
                        | "nonrec"
                ),
                Some(TokenKind::Quote) => true,
                _ => false,
            };
            if skip {
                return;
            }
        }
        let name = self.text(i);
        if !self.matcher.interesting(name) {
            return;
        }
        // A field being declared or set: `{ f : t }`, `{ r with f = v }`.
        let in_braces = self.top().is_some_and(|f| f.closer == Closer::Brace);
        if in_braces && (self.is_sym(i + 1, ":") || self.is_sym(i + 1, "=")) {
            return;
        }
        let candidates = self.resolve_value(name);
        self.record_value(&candidates, self.offset(i), name);
    }

    /// A string in an `external` declaration: the C symbol it binds.
    fn external_symbol(&mut self) {
        if self.matcher.c_symbols.is_empty() {
            return;
        }
        let in_external = self
            .frames
            .iter()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::Struct | FrameKind::Sig))
            .is_some_and(|f| f.item == ItemKind::External);
        if !in_external {
            return;
        }
        let text = self.text(self.i);
        let symbol = text.trim_matches('"');
        if let Some(ids) = self.matcher.c_symbols.get(symbol) {
            let ids = ids.clone();
            let offset = self.offset(self.i);
            for id in ids {
                self.hit(id, HitKind::Reference, offset, text.to_owned());
            }
        }
    }
}
