//! An esy lock file (`osec audit --lock esy.lock`): `esy.lock/index.json`.

#![no_main]

use audit::input::Input;
use libfuzzer_sys::fuzz_target;
use osec_fuzz::{exercise_inventory, scratch_dir};

fuzz_target!(|data: &[u8]| {
    let dir = scratch_dir();
    let file = dir.path().join("index.json");
    std::fs::write(&file, data).expect("written");
    if let Ok(inventory) = (Input::EsyLock { file }).read() {
        exercise_inventory(&inventory);
    }
});
