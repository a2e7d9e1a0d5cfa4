//! An opam switch (`osec audit --switch DIR`): the input is `.opam-switch/switch-state`,
//! then `=== .opam-switch/packages/NAME.VERSION/opam` sections with the installed
//! packages' opam files (see `osec_fuzz::write_tree`).

#![no_main]

use audit::input::Input;
use libfuzzer_sys::fuzz_target;
use osec_fuzz::{exercise_inventory, scratch_dir, write_tree};

fuzz_target!(|data: &[u8]| {
    let dir = scratch_dir();
    write_tree(dir.path(), data, ".opam-switch/switch-state").expect("written");
    let input = Input::Switch {
        dir: dir.path().to_path_buf(),
    };
    if let Ok(inventory) = input.read() {
        exercise_inventory(&inventory);
    }
});
