//! One module per subcommand: take the arguments, call the library, print.

use std::io::Write as _;
use std::process::ExitCode;

pub(crate) mod announce;
pub(crate) mod audit;
pub(crate) mod db;
pub(crate) mod fix;
pub(crate) mod fmt;
pub(crate) mod hook;
pub(crate) mod ids;
pub(crate) mod import;
pub(crate) mod lint;
pub(crate) mod new;
pub(crate) mod opam;
pub(crate) mod opam_model;
pub(crate) mod osv;
pub(crate) mod purl;
pub(crate) mod repo;
pub(crate) mod report;
pub(crate) mod serve;
pub(crate) mod site;
pub(crate) mod sync;

/// The tool SARIF logs written here name.
pub(crate) const SARIF_TOOL: opam_file::diagnostic::SarifTool<'static> =
    opam_file::diagnostic::SarifTool {
        name: "osec",
        version: env!("CARGO_PKG_VERSION"),
        information_uri: "https://github.com/ocaml/osec",
    };

/// Writes `text` to standard output and flushes it. Not `print!`, which panics when
/// the reader has gone (`osec … | head`): the error reaches `main`, which ends quietly.
pub(crate) fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Exit status `code` when `failed`, else 0.
pub(crate) fn exit_if(failed: bool, code: u8) -> ExitCode {
    if failed {
        ExitCode::from(code)
    } else {
        ExitCode::SUCCESS
    }
}
