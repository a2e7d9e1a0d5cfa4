//! An archive of opam files, read as `osec opam check FILE.tar.gz` reads it
//! (`OpamFiles`, every entry parsed) and as `--repo FILE.tar.gz` reads it
//! (`Repository`: the index, every package's definition, the problems). The input is
//! the tar data; it is compressed here, so that the fuzzer mutates the archive
//! rather than the deflate stream.

#![no_main]

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use libfuzzer_sys::fuzz_target;
use opam_model::{MAX_FILE_SIZE, OpamFiles, Package, Repository};
use osec_fuzz::scratch_dir;

fuzz_target!(|data: &[u8]| {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(data).expect("compressed in memory");
    let gz = encoder.finish().expect("compressed in memory");

    let dir = scratch_dir();
    let archive = dir.path().join("fuzz.tar.gz");
    std::fs::write(&archive, &gz).expect("written");
    let mut files = OpamFiles::new(MAX_FILE_SIZE);
    if files.add_path(&archive).is_ok() {
        let parsed = files.filter_map(|_, bytes| Some(opam_file::parse(bytes).is_ok()));
        assert_eq!(parsed.len(), files.len(), "one result per file");
    }

    let Ok(repository) = Repository::from_tarball_reader(&archive, gz.as_slice()) else {
        return;
    };
    let _ = repository.problems();
    let _ = repository.broken_files();
    let mut count = 0;
    for name in repository.names() {
        for version in repository.versions(name) {
            count += 1;
            let package = Package::new(name.clone(), version.clone());
            assert!(repository.contains(&package));
            assert!(repository.opam_path(&package).is_some());
            if let Some(Ok(definition)) = repository.definition(&package) {
                let _ = definition.depends();
                let _ = definition.available();
            }
        }
    }
    assert_eq!(count, repository.len());
});
