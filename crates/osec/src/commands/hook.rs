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
use audit::hook::{self, Check, Mode, Opam};

use super::db::DbArgs;
use super::print_stdout;

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
    #[command(flatten)]
    db: DbArgs,
}

pub(crate) fn run(command: HookCommand) -> anyhow::Result<ExitCode> {
    let text = match command {
        HookCommand::Install(args) => {
            let program = std::env::current_exe().context("where osec is")?;
            let mode = if args.deny { Mode::Deny } else { Mode::Warn };
            let (before, after) = Opam::new(args.opam.opam).install(&program, mode)?;
            hook::describe_install(&before, &after)
        }
        HookCommand::Remove(args) => hook::describe_removal(&Opam::new(args.opam).remove()?),
        HookCommand::Status(args) => hook::describe_status(&Opam::new(args.opam).hooks()?),
        HookCommand::Check(args) => return Ok(check(args)),
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A warning hook never stops opam; `--deny` refuses an affected version (1) and
/// one it could not check (2).
fn check(args: CheckArgs) -> ExitCode {
    let mode = if args.deny { Mode::Deny } else { Mode::Warn };
    let (text, refusal) = match hook::check(&args.db.choice(), &args.name, &args.version, mode) {
        Check::Clean => return ExitCode::SUCCESS,
        Check::Affected(text) => (text, 1),
        Check::Unchecked(text) => (text, 2),
    };
    match mode {
        // opam shows a failed hook's output.
        Mode::Deny => {
            eprint!("{text}");
            ExitCode::from(refusal)
        }
        Mode::Warn => {
            tell_user(&text);
            ExitCode::SUCCESS
        }
    }
}

/// opam keeps a hook's output in its logs unless the hook fails: a warning goes to
/// the terminal opam runs in, and to stderr (the log, `opam install -v`) too.
fn tell_user(text: &str) {
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = tty.write_all(text.as_bytes());
    }
    eprint!("{text}");
}
