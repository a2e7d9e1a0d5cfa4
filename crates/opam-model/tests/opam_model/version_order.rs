use std::collections::BTreeSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::Read;

use opam_model::{PackageName, Version, compare_names};

/// A package name and its versions in opam's order.
pub(crate) type PackageVersions = (String, Vec<String>);

/// The blocks of `version-order.txt.gz`: (repository, its packages).
pub(crate) fn opam_version_order() -> Vec<(String, Vec<PackageVersions>)> {
    let path = crate::test_data().join("version-order.txt.gz");
    let file = std::fs::File::open(&path).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    let mut blocks: Vec<(String, Vec<PackageVersions>)> = Vec::new();
    for line in text.lines() {
        if let Some(repository) = line.strip_prefix("# ") {
            blocks.push((repository.to_owned(), Vec::new()));
        } else {
            let mut words = line.split(' ');
            let name = words.next().unwrap().to_owned();
            let versions = words.map(str::to_owned).collect();
            blocks.last_mut().unwrap().1.push((name, versions));
        }
    }
    blocks
}

#[test]
fn sorts_every_package_of_both_repositories_as_opam_does() {
    let blocks = opam_version_order();
    assert_eq!(blocks.len(), 2);
    let mut checked = 0;
    for (repository, packages) in &blocks {
        for (name, expected) in packages {
            let mut versions: Vec<Version> = expected
                .iter()
                .map(|v| Version::parse(v).unwrap())
                .collect();
            // Start from a different order: reversed, then rotated.
            versions.reverse();
            let middle = versions.len() / 2;
            versions.rotate_left(middle);
            versions.sort();
            let sorted: Vec<&str> = versions.iter().map(Version::as_str).collect();
            assert_eq!(&sorted, expected, "{repository}: {name}");
            checked += versions.len();
        }
    }
    // 18,793 + 18,980 directories, less one pair of equal versions that opam lists once.
    assert_eq!(checked, 37_772);
}

#[test]
fn orders_names_as_opam_does() {
    for (repository, packages) in opam_version_order() {
        for pair in packages.windows(2) {
            let (a, b) = (&pair[0].0, &pair[1].0);
            assert_eq!(
                compare_names(a, b),
                std::cmp::Ordering::Less,
                "{repository}: {a} < {b}"
            );
            assert!(PackageName::parse(a).unwrap() < PackageName::parse(b).unwrap());
        }
    }
}

#[test]
fn adjacent_versions_compare_strictly_and_consistently() {
    for (_, packages) in opam_version_order() {
        for (name, versions) in packages {
            for pair in versions.windows(2) {
                let (a, b) = (
                    Version::parse(&pair[0]).unwrap(),
                    Version::parse(&pair[1]).unwrap(),
                );
                assert!(a < b, "{name}: {a} < {b}");
                assert!(b > a && a != b, "{name}: {b} > {a}");
            }
        }
    }
}

/// Every distinct version text of both repositories, parsed and sorted in opam's order.
fn every_version_sorted() -> Vec<Version> {
    let texts: BTreeSet<String> = opam_version_order()
        .into_iter()
        .flat_map(|(_, packages)| packages)
        .flat_map(|(_, versions)| versions)
        .collect();
    let mut versions: Vec<Version> = texts.iter().map(|v| Version::parse(v).unwrap()).collect();
    versions.sort();
    versions
}

#[test]
fn normalised_text_and_hash_agree_with_the_order_on_every_version() {
    let versions = every_version_sorted();
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let mut equal_pairs = 0;
    for pair in versions.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let same_hash = hasher.hash_one(a) == hasher.hash_one(b);
        if a == b {
            equal_pairs += 1;
            assert_eq!(a.normalised(), b.normalised(), "{a} = {b}");
            assert!(same_hash, "{a} = {b}: equal versions hash alike");
        } else {
            assert_ne!(a.normalised(), b.normalised(), "{a} < {b}");
            // Not required of a hash, but a hash that gives neighbours the same value
            // would make every map of versions a list.
            assert!(!same_hash, "{a} < {b}: distinct neighbours hash alike");
        }
    }
    // Texts such as `1.0` and `1.00` of different packages.
    assert!(equal_pairs > 0);
}
