//! One module per subcommand: take the arguments, call the library, print.

pub(crate) mod announce;
pub(crate) mod audit;
pub(crate) mod db;
pub(crate) mod fmt;
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
pub(crate) mod site;
pub(crate) mod sync;
