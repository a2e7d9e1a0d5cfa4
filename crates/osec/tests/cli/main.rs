//! Tests of the `osec` command line, one binary; one module per command.

mod osv;
mod purl;
