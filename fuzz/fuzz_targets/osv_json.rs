//! OSV records: read, validated, written, and read back to the same record and text.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(record) = osv::from_slice(data) else {
        return;
    };
    let _ = record.validate();
    let text = osv::to_string_pretty(&record);
    let again = osv::from_str(&text).expect("a written record reads");
    assert_eq!(again, record);
    assert_eq!(osv::to_string_pretty(&again), text);
});
