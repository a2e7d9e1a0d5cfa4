//! One module per subcommand: take the arguments, call the library, print.

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
