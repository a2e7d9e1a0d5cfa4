//! A dune lock directory (`osec audit --lock dune.lock`): the input is `lock.dune`,
//! then `=== NAME.pkg` sections with the packages' files (see
//! `osec_fuzz::write_tree`).

#![no_main]

use audit::input::Input;
use libfuzzer_sys::fuzz_target;
use osec_fuzz::{exercise_inventory, scratch_dir, write_tree};

fuzz_target!(|data: &[u8]| {
    let dir = scratch_dir();
    let lock = dir.path().join("dune.lock");
    write_tree(&lock, data, "lock.dune").expect("written");
    if let Ok(inventory) = (Input::DuneLock { dir: lock }).read() {
        exercise_inventory(&inventory);
    }
});
