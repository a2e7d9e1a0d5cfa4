//! Integration tests of the osv crate.
//!
//! - `published`: every record of the OCaml database's `generated-osv` branch
//!   parses, validates, round-trips byte for byte and satisfies the official
//!   JSON schema (tests/data, see the SOURCE notes there).
//! - `properties`: generated records round-trip and stay schema-valid; reading
//!   arbitrary text never panics.

mod properties;
mod published;
mod support;
mod validate;
