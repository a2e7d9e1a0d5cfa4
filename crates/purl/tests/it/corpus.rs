//! Every package of the real opam repositories as a package URL.
//!
//! Reads `opam-repository.tar.gz` and `opam-repository-archive.tar.gz` from
//! `OSEC_DATA` (default `<workspace>/../shared/data`); says plainly when they
//! are absent and skips. For each `packages/NAME/NAME.VERSION/opam`, it checks
//! that opam's grammar in `purl::opam` accepts the name and version (a real
//! package it rejected would mean the grammar is wrong), that the builder's
//! canonical form equals an independent expectation (opam's characters are
//! all unreserved except `+`, which becomes `%2B`), and that it parses back.

use std::collections::BTreeSet;

use purl::Purl;

/// `(name, version)` of every `packages/NAME/NAME.VERSION/opam` in a tarball.
fn packages(tarball: &std::path::Path) -> BTreeSet<(String, String)> {
    let file =
        std::fs::File::open(tarball).unwrap_or_else(|e| panic!("{}: {e}", tarball.display()));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut found = BTreeSet::new();
    let entries = archive
        .entries()
        .unwrap_or_else(|e| panic!("{}: {e}", tarball.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", tarball.display()));
        let path = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parts: Vec<&str> = path.split('/').collect();
        if let [_, "packages", name, dir, "opam"] = parts.as_slice()
            && let Some(version) = dir.strip_prefix(&format!("{name}.")[..])
        {
            found.insert(((*name).to_owned(), version.to_owned()));
        }
    }
    found
}

#[test]
#[allow(clippy::print_stdout)]
fn every_opam_package_is_a_canonical_purl() {
    let test = "every_opam_package_is_a_canonical_purl";
    let Some(dir) = test_references::require_data(test, "opam-repository-archive.tar.gz") else {
        return;
    };
    let tarballs =
        ["opam-repository.tar.gz", "opam-repository-archive.tar.gz"].map(|name| dir.join(name));
    let mut all = BTreeSet::new();
    for tarball in &tarballs {
        all.extend(packages(tarball));
    }
    assert!(all.len() > 30_000, "only {} packages found", all.len());

    let mut problems = Vec::new();
    let mut with_plus = 0;
    for (name, version) in &all {
        if !purl::opam::is_valid_package_name(name) {
            problems.push(format!("name {name:?} rejected by the opam grammar"));
        }
        if !purl::opam::is_valid_package_version(version) {
            problems.push(format!(
                "version {version:?} of {name} rejected by the opam grammar"
            ));
        }
        let expected = format!(
            "pkg:opam/{}@{}",
            name.replace('+', "%2B"),
            version.replace('+', "%2B")
        );
        with_plus += usize::from(expected.contains("%2B"));
        match Purl::builder("opam", name.as_str())
            .version(version.as_str())
            .build()
        {
            Ok(purl) => {
                let canonical = purl.to_string();
                if canonical != expected {
                    problems.push(format!(
                        "{name}.{version}: {canonical}, expected {expected}"
                    ));
                }
                if Purl::parse(&canonical).as_ref() != Ok(&purl) {
                    problems.push(format!("{canonical} does not parse back"));
                }
                if purl::opam::package_page_url(&purl).is_none() {
                    problems.push(format!("{canonical}: no package page"));
                }
            }
            Err(err) => problems.push(format!("{name}.{version}: {err}")),
        }
    }
    println!("{} opam packages checked, {with_plus} with `+`", all.len());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(with_plus > 0, "the corpus has versions with `+`");
}
