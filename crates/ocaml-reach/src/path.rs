//! Module paths and the bindings an advisory names, in one normal form so that the
//! ways of writing one thing compare equal.
//!
//! - dune's wrapped libraries: `Cohttp__Path` is `Cohttp.Path`, and `Cohttp__` (the
//!   alias module dune generates) is `Cohttp`.
//! - The standard library is opened implicitly: `Stdlib.Bigarray` is `Bigarray`, and
//!   so is `Stdlib__Bigarray`.
//! - Module names compare without regard to ASCII case. OCaml itself is case-sensitive,
//!   but advisories are written by people: OSEC-2026-13 names
//!   `Mirage_crypto_ec.P256.DSA.pub_of_octets` for the module `Dsa`, and a mis-cased
//!   name must not make a call disappear. Value names compare exactly.
//! - A functor application is not told from the functor: the advisory's
//!   `Cohttp_lwt.Make().resolve_local_file` is the `resolve_local_file` of any
//!   application of `Cohttp_lwt.Make`, `module S = Cohttp_lwt.Make (Io)` gives `S`
//!   that path, and `Mirage_crypto_pk.Rsa.PSS.sign` (as OSEC-2026-14 writes the
//!   functor `PSS` without `()`) is found through `let module PSS = Rsa.PSS (H) in`.
//!   Code cannot name a functor's member without applying it, so nothing is confused.

use std::fmt;

/// One component of a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// A module, its name folded to lower case (`cohttp`).
    Module(Box<str>),
    /// A value, class or external, as written (`resolve_local_file`).
    Value(Box<str>),
}

impl Component {
    /// The name as compared: lower case for modules.
    pub fn name(&self) -> &str {
        match self {
            Component::Module(n) | Component::Value(n) => n,
        }
    }

    /// A module component from a name as written (`Cohttp`).
    pub fn module(name: &str) -> Component {
        Component::Module(name.to_ascii_lowercase().into())
    }

    /// True for modules.
    pub fn is_module(&self) -> bool {
        !matches!(self, Component::Value(_))
    }
}

/// A module path, possibly ending with a value: `cohttp.path.resolve_local_file`.
pub type Path = Vec<Component>;

/// Appends a module name as written, undoing dune's `__` mangling.
pub fn push_module(path: &mut Path, name: &str) {
    let mut parts = name.split("__").filter(|p| !p.is_empty()).peekable();
    if parts.peek().is_none() {
        path.push(Component::module(name));
        return;
    }
    for part in parts {
        path.push(Component::module(part));
    }
}

/// Drops a leading `Stdlib`, which every OCaml file has open.
pub fn strip_stdlib(path: &mut Path) {
    if path.len() > 1 && matches!(path.first(), Some(Component::Module(m)) if &**m == "stdlib") {
        path.remove(0);
    }
}

/// Renders a path for people: `Cohttp.Path.resolve_local_file` is shown as
/// `cohttp.path.resolve_local_file` (modules folded).
pub fn display(path: &[Component]) -> String {
    let names: Vec<&str> = path.iter().map(Component::name).collect();
    names.join(".")
}

/// What an entry of an advisory's `affected_bindings` names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A value (or class, or external) inside a module: `Cohttp.Path.resolve_local_file`.
    Value(Path),
    /// A whole module: any use of something inside it counts.
    Module(Path),
    /// A bare lower-case name such as `caml_ba_reshape`: a C symbol, found only where
    /// an `external` declaration names it; C code is not read.
    CSymbol(String),
}

/// An `affected_bindings` entry that is not a path osec can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an OCaml path (expected `Module.name`, `Module.Functor().name` or a C symbol)"
)]
pub struct BadBinding(pub String);

impl Target {
    /// Reads an advisory binding: `Cohttp.Path.resolve_local_file`,
    /// `Cohttp_lwt.Make().resolve_local_file`, `Mirage_crypto.AES`, `caml_ba_reshape`.
    pub fn parse(text: &str) -> Result<Target, BadBinding> {
        let bad = || BadBinding(text.to_owned());
        let text = text.trim();
        let parts: Vec<&str> = text.split('.').collect();
        let ident = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'\'')
                && !s
                    .as_bytes()
                    .first()
                    .is_some_and(|b| b.is_ascii_digit() || *b == b'\'')
        };
        let upper = |s: &str| s.as_bytes().first().is_some_and(u8::is_ascii_uppercase);
        if parts.len() == 1 {
            let name = parts.first().copied().unwrap_or_default();
            if ident(name) && !upper(name) {
                return Ok(Target::CSymbol(name.to_owned()));
            }
            if ident(name) {
                let mut path = Path::new();
                push_module(&mut path, name);
                strip_stdlib(&mut path);
                return Ok(Target::Module(path));
            }
            return Err(bad());
        }
        let mut path = Path::new();
        let last = parts.len() - 1;
        for (i, part) in parts.iter().enumerate() {
            if let Some(functor) = part.strip_suffix("()") {
                if !ident(functor) || !upper(functor) || i == last {
                    return Err(bad());
                }
                path.push(Component::module(functor));
            } else if !ident(part) {
                return Err(bad());
            } else if upper(part) {
                push_module(&mut path, part);
            } else if i == last {
                path.push(Component::Value((*part).into()));
            } else {
                return Err(bad());
            }
        }
        strip_stdlib(&mut path);
        if path.last().is_some_and(Component::is_module) {
            Ok(Target::Module(path))
        } else {
            Ok(Target::Value(path))
        }
    }

    /// The modules and the final name, as written in source: what a file must contain
    /// (ignoring case) for a reference to be possible.
    pub fn words(&self) -> Vec<String> {
        match self {
            Target::Value(p) | Target::Module(p) => p.iter().map(|c| c.name().to_owned()).collect(),
            Target::CSymbol(s) => vec![s.clone()],
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Value(p) | Target::Module(p) => f.write_str(&display(p)),
            Target::CSymbol(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Component {
        Component::module(s)
    }

    #[test]
    fn reads_the_bindings_of_the_real_advisories() {
        assert_eq!(
            Target::parse("Cohttp.Path.resolve_local_file"),
            Ok(Target::Value(vec![
                m("Cohttp"),
                m("Path"),
                Component::Value("resolve_local_file".into())
            ]))
        );
        assert_eq!(
            Target::parse("Cohttp_lwt.Make().resolve_local_file"),
            Ok(Target::Value(vec![
                m("Cohttp_lwt"),
                m("Make"),
                Component::Value("resolve_local_file".into())
            ]))
        );
        assert_eq!(
            Target::parse("caml_ba_reshape"),
            Ok(Target::CSymbol("caml_ba_reshape".into()))
        );
        assert_eq!(
            Target::parse("Mirage_crypto_ec.P256.DSA.pub_of_octets"),
            Target::parse("Mirage_crypto_ec.P256.Dsa.pub_of_octets"),
            "module names ignore case"
        );
        assert_eq!(
            Target::parse("Stdlib.Bigarray.reshape"),
            Target::parse("Bigarray.reshape")
        );
        assert_eq!(
            Target::parse("Mirage_crypto.AES"),
            Ok(Target::Module(vec![m("Mirage_crypto"), m("AES")]))
        );
    }

    #[test]
    fn refuses_what_is_not_a_path() {
        for bad in ["", "A..b", "a.B", "A.b.c", "A.Make()", "f x", "A.1"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn undoes_dune_mangling() {
        let mut path = Path::new();
        push_module(&mut path, "Cohttp__Path");
        assert_eq!(path, [m("Cohttp"), m("Path")]);
        let mut alias = Path::new();
        push_module(&mut alias, "Cohttp__");
        assert_eq!(alias, [m("Cohttp")]);
        let mut std = Path::new();
        push_module(&mut std, "Stdlib__Bigarray");
        strip_stdlib(&mut std);
        assert_eq!(std, [m("Bigarray")]);
    }
}
