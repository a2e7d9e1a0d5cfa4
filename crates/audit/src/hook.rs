//! `osec hook`: a pre-install hook in the user's opam configuration, so that opam
//! checks each package version against the advisories before installing it.
//!
//! The hook is one entry of opam's global `pre-install-commands`,
//! `["/path/to/osec" "hook" "check" "%{name}%" "%{version}%"]` (with `"--deny"` to
//! refuse the install). It is added and removed only through `opam option --global
//! pre-install-commands+=…` and `-=…`: opam writes its own configuration, and any
//! other entry the user has there stays as it is. [`Opam`] runs those commands;
//! [`entry`] and [`Hooks::parse`] make and read the entries; [`warning`] is what
//! the check says about an affected version.
//!
//! opam shows the output of a hook only when it fails; the check of a warning hook
//! therefore writes to the terminal itself (see the `osec` command).

use std::path::{Path, PathBuf};
use std::process::Command;

use opam_file::{Document, Scope, Value, ValueKind};

use crate::scan::Finding;

/// The opam configuration field the hook lives in.
pub const FIELD: &str = "pre-install-commands";

/// What the hook does about an affected version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Print the advisories and let the install go on.
    Warn,
    /// Print the advisories and make the install fail.
    Deny,
}

/// A problem running opam or reading what it printed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HookError {
    /// opam could not be started.
    #[error("cannot run {program}: {source} (is opam installed and on PATH?)")]
    Spawn {
        /// The program.
        program: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// opam ran and failed.
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed {
        /// The command, as a shell would show it.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it printed on stderr.
        stderr: String,
    },
    /// opam printed a value that is not an opam list of commands.
    #[error(
        "`opam option --global {FIELD}` printed {text:?}, which is not a list of commands: {message}"
    )]
    Unreadable {
        /// What opam printed.
        text: String,
        /// What is wrong with it.
        message: String,
    },
}

/// One command of `pre-install-commands`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookCommand {
    /// The command as opam printed it (what `-=` removes).
    pub text: String,
    /// Its arguments, the strings only.
    pub args: Vec<String>,
}

impl HookCommand {
    /// Whether this is osec's hook: `…/osec hook check …`.
    pub fn is_osec(&self) -> bool {
        let program = self.args.first().map(|p| Path::new(p.as_str()));
        let named_osec = program
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("osec"));
        named_osec && self.args.get(1..3) == Some(&["hook".to_owned(), "check".to_owned()][..])
    }

    /// The mode of osec's hook.
    pub fn mode(&self) -> Mode {
        if self.args.iter().any(|a| a == "--deny") {
            Mode::Deny
        } else {
            Mode::Warn
        }
    }
}

/// The commands of `pre-install-commands`, as opam printed them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hooks {
    /// In order.
    pub commands: Vec<HookCommand>,
}

impl Hooks {
    /// Reads what `opam option --global pre-install-commands` prints: `[]`, one
    /// command (`["a" "b"]`, opam drops the outer list) or several
    /// (`[["a"] ["b"] {filter}]`).
    pub fn parse(printed: &str) -> Result<Hooks, HookError> {
        let unreadable = |message: String| HookError::Unreadable {
            text: printed.to_owned(),
            message,
        };
        let source = format!("{FIELD}: {}\n", printed.trim());
        let document = Document::parse(source.as_bytes()).map_err(|e| unreadable(e.to_string()))?;
        let Some(value) = document.field(Scope::File, FIELD) else {
            return Ok(Hooks::default());
        };
        let items: Vec<&Value> = match &value.kind {
            ValueKind::List(list) if list.value.iter().all(|v| v.as_str().is_some()) => {
                if list.value.is_empty() {
                    Vec::new()
                } else {
                    vec![value]
                }
            }
            ValueKind::List(list) => list.value.iter().collect(),
            _ => vec![value],
        };
        let mut commands = Vec::with_capacity(items.len());
        for item in items {
            let text = source
                .get(item.span.start as usize..item.span.end as usize)
                .ok_or_else(|| unreadable("a span outside the text".to_owned()))?
                .to_owned();
            let list = match &item.kind {
                ValueKind::List(list) => list,
                ValueKind::Option(inner, _) => match &inner.kind {
                    ValueKind::List(list) => list,
                    _ => return Err(unreadable(format!("{text} is not a command"))),
                },
                _ => return Err(unreadable(format!("{text} is not a command"))),
            };
            let args = list
                .value
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            commands.push(HookCommand { text, args });
        }
        Ok(Hooks { commands })
    }

    /// osec's hook, when installed.
    pub fn osec(&self) -> Option<&HookCommand> {
        self.commands.iter().find(|c| c.is_osec())
    }
}

/// osec's entry for `pre-install-commands`, in opam syntax, running `program`.
pub fn entry(program: &Path, mode: Mode) -> String {
    let mut args = vec![
        program.display().to_string(),
        "hook".to_owned(),
        "check".to_owned(),
        "%{name}%".to_owned(),
        "%{version}%".to_owned(),
    ];
    if mode == Mode::Deny {
        args.push("--deny".to_owned());
    }
    let printed: Vec<String> = args
        .into_iter()
        .map(|arg| {
            let mut out = Vec::new();
            opam_file::print::normalise::print_value(&mut out, &Value::string(arg.into_bytes()));
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect();
    format!("[{}]", printed.join(" "))
}

/// The opam program, run with the environment of this process (its `OPAMROOT`).
#[derive(Debug, Clone)]
pub struct Opam {
    program: PathBuf,
}

impl Opam {
    /// `program` is `opam`, or a path to it.
    pub fn new(program: impl Into<PathBuf>) -> Opam {
        Opam {
            program: program.into(),
        }
    }

    /// The commands of the global `pre-install-commands`.
    pub fn hooks(&self) -> Result<Hooks, HookError> {
        Hooks::parse(&self.option(FIELD)?)
    }

    /// Installs osec's hook running `program` in `mode`, in place of an osec hook
    /// already there. Returns the hooks before and after.
    pub fn install(&self, program: &Path, mode: Mode) -> Result<(Hooks, Hooks), HookError> {
        let before = self.hooks()?;
        for old in before.commands.iter().filter(|c| c.is_osec()) {
            self.option(&format!("{FIELD}-={}", old.text))?;
        }
        self.option(&format!("{FIELD}+={}", entry(program, mode)))?;
        Ok((before, self.hooks()?))
    }

    /// Removes every osec hook; the user's other hooks stay. Returns those removed.
    pub fn remove(&self) -> Result<Vec<HookCommand>, HookError> {
        let removed: Vec<HookCommand> = self
            .hooks()?
            .commands
            .into_iter()
            .filter(HookCommand::is_osec)
            .collect();
        for old in &removed {
            self.option(&format!("{FIELD}-={}", old.text))?;
        }
        Ok(removed)
    }

    /// `opam option --global ARG`: its stdout.
    fn option(&self, arg: &str) -> Result<String, HookError> {
        let output = Command::new(&self.program)
            .args(["option", "--global", arg])
            .env("OPAMYES", "1")
            .output()
            .map_err(|source| HookError::Spawn {
                program: self.program.clone(),
                source,
            })?;
        if !output.status.success() {
            return Err(HookError::Failed {
                command: format!("{} option --global '{arg}'", self.program.display()),
                status: output.status,
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// What the hook says about `name` `version`: one line per advisory, with its
/// severity and the fixed versions, or `None` when no advisory affects it.
pub fn warning(findings: &[Finding], mode: Mode) -> Option<String> {
    let first = findings.first()?;
    let mut text = format!(
        "osec: {} {} is affected by {} {}:\n",
        first.package,
        first.installed_version,
        findings.len(),
        if findings.len() == 1 {
            "advisory"
        } else {
            "advisories"
        }
    );
    for finding in findings {
        let severity = finding.severity.as_ref().map_or_else(
            || "severity unknown".to_owned(),
            |r| format!("{} {:.1}", r.level, r.score),
        );
        let fixed = if finding.fixed_versions.is_empty() {
            "no fixed version".to_owned()
        } else {
            format!("fixed in {}", finding.fixed_versions.join(", "))
        };
        text.push_str(&format!(
            "  {} ({severity}): {}; {fixed}\n",
            finding.id, finding.summary
        ));
    }
    text.push_str(match mode {
        Mode::Warn => "  installing it anyway (`osec hook install --deny` refuses instead)\n",
        Mode::Deny => "  refused by `osec hook install --deny`: install a fixed version, or `osec hook install` to warn only\n",
    });
    Some(text)
}

/// What `osec hook install` says: the osec hook it replaced, and the one now
/// in `after`.
pub fn describe_install(before: &Hooks, after: &Hooks) -> String {
    let mut text = String::new();
    if let Some(old) = before.osec() {
        text.push_str(&format!("replaced {}\n", old.text));
    }
    let added = after.osec().map_or("", |c| c.text.as_str());
    text.push_str(&format!(
        "installed in opam's pre-install-commands: {added}\n"
    ));
    text
}

/// What `osec hook remove` says about the hooks it `removed`.
pub fn describe_removal(removed: &[HookCommand]) -> String {
    if removed.is_empty() {
        return "osec's hook is not installed: nothing to remove\n".to_owned();
    }
    removed
        .iter()
        .map(|old| format!("removed {}\n", old.text))
        .collect()
}

/// What `osec hook status` says: whether osec's hook is among `hooks`, and how.
pub fn describe_status(hooks: &Hooks) -> String {
    match hooks.osec() {
        Some(hook) => {
            let mode = match hook.mode() {
                Mode::Warn => "warns about",
                Mode::Deny => "refuses",
            };
            format!("installed: opam {mode} affected versions ({})\n", hook.text)
        }
        None => "not installed (osec hook install)\n".to_owned(),
    }
}

/// What `osec hook check NAME VERSION` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// No advisory affects the version.
    Clean,
    /// Advisories affect it: the [`warning`].
    Affected(String),
    /// The database could not be opened or read: what to tell the user.
    Unchecked(String),
}

/// Checks `name` `version` against the database `database` chooses (the hook
/// opam runs before each install). An error is not an all-clear: it is
/// [`Check::Unchecked`], which `--deny` refuses.
pub fn check(database: &vulndb::source::Choice, name: &str, version: &str, mode: Mode) -> Check {
    let findings = match database.open() {
        Ok(opened) => crate::scan::package_findings(&opened.db, name, version)
            .map_err(|err| error_chain(&err)),
        Err(err) => Err(error_chain(&err)),
    };
    match findings {
        Ok(findings) => warning(&findings, mode).map_or(Check::Clean, Check::Affected),
        Err(chain) => {
            Check::Unchecked(format!("osec: could not check {name} {version}: {chain}\n"))
        }
    }
}

/// An error and its causes, `: `-separated.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        text.push_str(&format!(": {err}"));
        cause = err.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_opam_prints_for_none_one_and_several_commands() {
        assert_eq!(Hooks::parse("[]\n").unwrap(), Hooks::default());
        let one = Hooks::parse("[\"sh\" \"-c\" \"true\"]\n").unwrap();
        assert_eq!(one.commands.len(), 1);
        assert_eq!(one.commands[0].text, "[\"sh\" \"-c\" \"true\"]");
        let osec = entry(Path::new("/opt/bin/osec"), Mode::Deny);
        assert_eq!(
            osec,
            r#"["/opt/bin/osec" "hook" "check" "%{name}%" "%{version}%" "--deny"]"#
        );
        let several = Hooks::parse(&format!("[[\"true\"] {{os = \"linux\"}} {osec}]")).unwrap();
        let texts: Vec<&str> = several.commands.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["[\"true\"] {os = \"linux\"}", osec.as_str()]);
        assert_eq!(several.osec().map(HookCommand::mode), Some(Mode::Deny));
        assert!(!several.commands[0].is_osec());
        let quoted = entry(Path::new("/a \"b\"\\c/osec"), Mode::Warn);
        let parsed = Hooks::parse(&format!("[{quoted}]")).unwrap();
        assert_eq!(parsed.commands[0].args[0], "/a \"b\"\\c/osec");
        assert!(Hooks::parse("[\"unterminated").is_err());
    }

    #[test]
    fn messages_name_the_hook_replaced_installed_removed_or_missing() {
        let deny = entry(Path::new("/opt/bin/osec"), Mode::Deny);
        let warn = entry(Path::new("/opt/bin/osec"), Mode::Warn);
        let none = Hooks::parse("[[\"true\"]]").unwrap();
        let denying = Hooks::parse(&format!("[[\"true\"] {deny}]")).unwrap();
        let warning = Hooks::parse(&format!("[{warn}]")).unwrap();
        assert_eq!(
            describe_install(&none, &warning),
            format!("installed in opam's pre-install-commands: {warn}\n")
        );
        assert_eq!(
            describe_install(&denying, &warning),
            format!("replaced {deny}\ninstalled in opam's pre-install-commands: {warn}\n")
        );
        assert_eq!(
            describe_removal(&denying.commands[1..]),
            format!("removed {deny}\n")
        );
        assert_eq!(
            describe_removal(&[]),
            "osec's hook is not installed: nothing to remove\n"
        );
        assert_eq!(
            describe_status(&denying),
            format!("installed: opam refuses affected versions ({deny})\n")
        );
        assert_eq!(
            describe_status(&warning),
            format!("installed: opam warns about affected versions ({warn})\n")
        );
        assert_eq!(
            describe_status(&none),
            "not installed (osec hook install)\n"
        );
    }

    #[test]
    fn a_database_that_does_not_open_is_unchecked_never_clean() {
        let missing =
            vulndb::source::Choice::new().with_given(Some(PathBuf::from("/nonexistent/db")));
        let Check::Unchecked(text) = check(&missing, "tls", "0.17.0", Mode::Deny) else {
            panic!("a missing database must not pass the check");
        };
        assert!(
            text.starts_with(
                "osec: could not check tls 0.17.0: loading the database /nonexistent/db: "
            ),
            "{text}"
        );
    }
}
