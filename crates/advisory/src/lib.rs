//! advisory (work in progress; see DESIGN.md for what this crate owns).
