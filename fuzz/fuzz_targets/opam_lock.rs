//! A `*.opam.locked` file, read as `osec audit --lock` reads it, and the same bytes
//! read as a plain opam file's requirements (`osec audit x.opam`).

#![no_main]

use audit::input::Input;
use libfuzzer_sys::fuzz_target;
use osec_fuzz::{exercise_inventory, scratch_dir};

fuzz_target!(|data: &[u8]| {
    let dir = scratch_dir();
    let file = dir.path().join("fuzz.opam.locked");
    std::fs::write(&file, data).expect("written");
    if let Ok(inventory) = (Input::OpamLock { file: file.clone() }).read() {
        exercise_inventory(&inventory);
    }
    if let Ok(inventory) = (Input::OpamFile { file }).read() {
        exercise_inventory(&inventory);
    }
});
