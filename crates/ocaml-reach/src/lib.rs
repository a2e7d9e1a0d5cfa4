//! `ocaml-reach` answers one question for `osec audit --reachability`: does this code
//! refer to the functions an advisory names (its `affected_bindings`), directly or
//! through the libraries it uses?
//!
//! It is a crate of its own, under `audit`, because the job is big and has nothing
//! of audit's in it: an OCaml lexer, a resolver of module paths, a file walker and a
//! parallel scan, with their own tests and benchmark. `audit` (its `reach` module)
//! turns what an audit knows — the findings, their advisories' bindings, the switch's
//! dependency graph and `lib/` directory, the project's sources — into a [`Scan`], and
//! puts the [`Outcome`]s in its reports.
//!
//! It does not own advisories or OSV records (`advisory`, `osv`), which packages are
//! installed and how they depend on each other (`audit`), or any report format.
//!
//! # Phases
//!
//! 1. [`lexer::tokenize`]: bytes to tokens that tile the input, for any bytes.
//! 2. `resolve`: tokens to references, resolving each name through the opens and
//!    module aliases in scope ([`path`] gives the normal form that makes
//!    `Cohttp__Path`, `Stdlib.Bigarray` and a mis-cased `DSA` compare equal).
//! 3. `walk`: source trees to files, with the module path each installed file
//!    compiles to.
//! 4. [`Scan::run`]: the bindings are followed through the installed packages that
//!    may carry a call, round after round, then looked for in the project; each
//!    binding and each request gets a [`Verdict`]: called (with every place and the
//!    chain of library definitions), not referenced (in N files), or unknown (why).
//!
//! # Example
//!
//! ```
//! use ocaml_reach::{Request, Scan, Through, Verdict};
//! # fn main() -> std::io::Result<()> {
//! let dir = std::env::temp_dir().join(format!("ocaml-reach-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(
//!     dir.join("main.ml"),
//!     "module P = Cohttp.Path\nlet serve uri = P.resolve_local_file ~docroot:\".\" ~uri\n",
//! )?;
//! let outcomes = Scan::new()
//!     .project_dir(&dir)
//!     .request(Request {
//!         package: "cohttp".into(),
//!         bindings: vec!["Cohttp.Path.resolve_local_file".into()],
//!         through: Through::AnyPackage,
//!     })
//!     .run();
//! let Verdict::Called { references, .. } = &outcomes[0].verdict else {
//!     panic!("expected a call, got {:?}", outcomes[0].verdict);
//! };
//! assert_eq!((references[0].at.line, references[0].at.column), (2, 17));
//! assert_eq!(references[0].text, "P.resolve_local_file");
//! # std::fs::remove_dir_all(&dir)
//! # }
//! ```
//!
//! # Limitations
//!
//! - Names are resolved without types and without the contents of modules: after
//!   `open A`, a name `f` is taken to possibly be `A.f`. A local `let` that shadows an
//!   opened name is not seen. Both can report a reference that is not one; neither
//!   hides one.
//! - A reference is a use of the name, not a proof that the call runs: dead code and
//!   code behind a feature flag count.
//! - Functor bodies are followed by their own path (`Make().f`), and a module bound to
//!   an application (`module S = Make (X)`) resolves to it; a module passed to a
//!   functor or packed as a first-class module makes the verdict unknown.
//! - `let open M in e` and `let module` scopes end with the enclosing bracket or
//!   structure item rather than with `e` (see `resolve`).
//! - ppx-generated code is not seen; code inside `[%ext …]` is read as OCaml, quoted
//!   extensions `{%ext|…|}` are not. Reason (`.re`) files are not read.
//! - Line directives are kept as tokens; positions are those of the file read.
//! - C code is not read: a binding that is a C symbol is found only in `external`
//!   declarations and is otherwise unknown.
//! - Inside the affected package itself, calls are followed by the module names its
//!   files compile to: a function reached through an internal name that the main
//!   module re-exports under the advisory's name (mirage-crypto's `Cipher_block.AES`
//!   as `Mirage_crypto.AES`) is not connected to the advisory's path. Advisories list
//!   the public wrappers that call a flawed function (OSEC-2026-16 lists
//!   `Cohttp_lwt_unix.Server.resolve_file`), which is what is looked for.
//! - A file is lexed only when it names what a reference needs (see `scan`): outside
//!   the library that defines a binding, its root module; inside, the name after the
//!   wrapper; in the defining file, any of its names.
//!
//! # Memory
//!
//! Files are read one per thread, each at most [`Options::max_file_size`] (a larger one
//! is searched in a stream for the bindings' names). Across rounds the scan keeps the
//! identifiers of library files (at most 4 million) and the text and tokens of those it
//! lexed (at most 256 MiB), and reads the rest again when needed. References are kept
//! up to [`Options::max_references`] per binding, the others counted.

#![forbid(unsafe_code)]

pub mod lexer;
pub mod path;
mod resolve;
mod scan;
mod walk;

pub use resolve::Untraceable;
pub use scan::{
    BindingVerdict, Link, Location, Note, Options, Outcome, Reference, Request, Scan, Through,
    Verdict, Why,
};
