//! A vulnerability database as an `all.zip` (what `--db` and `db fetch` read): loaded,
//! listed and queried.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(database) = vulndb::Loader::new().load_zip_bytes(data, "fuzz.zip") else {
        return;
    };
    let _ = database.records();
    for (ecosystem, name) in database.packages() {
        let _ = database.for_package(ecosystem, name);
        let _ = database.query(&vulndb::Query::new(ecosystem, name, "1.0"));
    }
});
