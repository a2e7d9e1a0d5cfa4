//! `osec hook install|remove|status [--deny]`: osec's pre-install hook in the
//! user's opam configuration, through `opam option` (`audit::hook`), and `osec hook
//! check NAME VERSION [--deny]`, what opam runs before installing each package.
//! Exit codes of `check`: 0 to let the install go on, 1 to refuse it (`--deny` and
//! an affected version), 2 when it could not check (with `--deny`, which refuses
//! too: never a silent all-clear).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use audit::hook::{Mode, Opam};

use super::db::LimitArgs;

/// `osec hook …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum HookCommand {
    /// Add the hook to opam's global pre-install-commands (`opam option --global`),
    /// replacing an osec hook already there.
    Install(InstallArgs),
    /// Remove osec's hook; other hooks stay as they are.
    Remove(OpamArgs),
    /// Say whether the hook is installed, and how.
    Status(OpamArgs),
    /// What opam runs before installing NAME VERSION: the advisories affecting it.
    Check(CheckArgs),
}

/// Where opam is.
#[derive(Debug, clap::Args)]
pub(crate) struct OpamArgs {
    /// The opam program.
    #[arg(long, value_name = "PROGRAM", default_value = "opam")]
    opam: PathBuf,
}

/// Arguments of `osec hook install`.
#[derive(Debug, clap::Args)]
pub(crate) struct InstallArgs {
    /// Make opam refuse to install an affected version (default: warn).
    #[arg(long)]
    deny: bool,
    #[command(flatten)]
    opam: OpamArgs,
}

/// Arguments of `osec hook check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The package opam is about to install.
    name: String,
    /// Its version.
    version: String,
    /// Fail (exit 1) when an advisory affects it.
    #[arg(long)]
    deny: bool,
    /// An OSV database (default as for `osec audit`).
    #[arg(long, value_name = "DIR|ZIP")]
    db: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

pub(crate) fn run(command: HookCommand) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
        HookCommand::Install(args) => {
            let program = std::env::current_exe().context("where osec is")?;
            let mode = if args.deny { Mode::Deny } else { Mode::Warn };
            let (before, after) = Opam::new(args.opam.opam).install(&program, mode)?;
            if let Some(old) = before.osec() {
                writeln!(out, "replaced {}", old.text)?;
            }
            let added = after.osec().map_or("", |c| c.text.as_str());
            writeln!(out, "installed in opam's pre-install-commands: {added}")?;
        }
        HookCommand::Remove(args) => {
            let removed = Opam::new(args.opam).remove()?;
            if removed.is_empty() {
                writeln!(out, "osec's hook is not installed: nothing to remove")?;
            }
            for old in removed {
                writeln!(out, "removed {}", old.text)?;
            }
        }
        HookCommand::Status(args) => match Opam::new(args.opam).hooks()?.osec() {
            Some(hook) => {
                let mode = match hook.mode() {
                    Mode::Warn => "warns about",
                    Mode::Deny => "refuses",
                };
                writeln!(
                    out,
                    "installed: opam {mode} affected versions ({})",
                    hook.text
                )?;
            }
            None => writeln!(out, "not installed (osec hook install)")?,
        },
        HookCommand::Check(args) => return check(args),
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mode = if args.deny { Mode::Deny } else { Mode::Warn };
    let findings = super::db::choice(args.db, &args.limits, false)
        .open()
        .map_err(anyhow::Error::from)
        .and_then(|opened| {
            Ok(audit::scan::package_findings(
                &opened.db,
                &args.name,
                &args.version,
            )?)
        });
    let findings = match findings {
        Ok(findings) => findings,
        Err(err) => {
            let text = format!(
                "osec: could not check {} {}: {err:#}\n",
                args.name, args.version
            );
            return Ok(match mode {
                Mode::Deny => {
                    eprint!("{text}");
                    ExitCode::from(2)
                }
                Mode::Warn => {
                    tell_user(&text);
                    ExitCode::SUCCESS
                }
            });
        }
    };
    let Some(text) = audit::hook::warning(&findings, mode) else {
        return Ok(ExitCode::SUCCESS);
    };
    Ok(match mode {
        // opam shows a failed hook's output.
        Mode::Deny => {
            eprint!("{text}");
            ExitCode::from(1)
        }
        Mode::Warn => {
            tell_user(&text);
            ExitCode::SUCCESS
        }
    })
}

/// opam keeps a hook's output in its logs unless the hook fails: a warning goes to
/// the terminal opam runs in, and to stderr (the log, `opam install -v`) too.
fn tell_user(text: &str) {
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = tty.write_all(text.as_bytes());
    }
    eprint!("{text}");
}
