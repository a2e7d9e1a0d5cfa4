//! A file written by `opam switch export`, read as `osec audit --export` reads it.

#![no_main]

use audit::input::Input;
use libfuzzer_sys::fuzz_target;
use osec_fuzz::{exercise_inventory, scratch_dir};

fuzz_target!(|data: &[u8]| {
    let dir = scratch_dir();
    let file = dir.path().join("switch.export");
    std::fs::write(&file, data).expect("written");
    if let Ok(inventory) = (Input::Export { file }).read() {
        exercise_inventory(&inventory);
    }
});
