use audit::input::DepKind;

use audit::scan::{ScanOptions, scan};

use crate::{path, read, read_export};

#[test]
fn vulnerable_switch_paths_from_the_root() {
    let switch = read("vulnerable", "opam-switch");
    assert_eq!(path(&switch, "cohttp"), "myapp → cohttp-lwt-unix → cohttp");
    assert_eq!(
        path(&switch, "mirage-crypto-ec"),
        "myapp → tls → mirage-crypto-ec"
    );
    assert_eq!(path(&switch, "ocaml"), "myapp → ocaml");
    assert_eq!(
        path(&switch, "ocaml-base-compiler"),
        "myapp → ocaml → ocaml-base-compiler"
    );
    assert_eq!(path(&switch, "myapp"), "myapp");
    // build dependencies are needed to install: not development-only
    assert_eq!(
        path(&switch, "cppo"),
        "myapp → cohttp-lwt-unix → lwt → cppo"
    );
    // test and doc dependencies of myapp (and of its dependencies) only
    assert_eq!(path(&switch, "alcotest"), "myapp → alcotest (dev only)");
    assert_eq!(path(&switch, "odoc"), "myapp → odoc (dev only)");
    // fmt is a test dependency of cohttp but a normal one of cohttp-lwt-unix
    assert_eq!(path(&switch, "fmt"), "myapp → cohttp-lwt-unix → fmt");
    // every installed package has a path
    assert_eq!(switch.paths().len(), switch.len());
}

#[test]
fn path_records_edge_kinds() {
    let switch = read("dev-only", "opam-switch");
    let tar = switch.path_to("tar").expect("reachable");
    assert_eq!(tar.packages, ["devapp", "tar-unix", "tar"]);
    assert_eq!(tar.kinds, [DepKind::Test, DepKind::Normal]);
    assert!(tar.development_only);
    assert_eq!(crate::kind_names(&tar.kinds), ["with-test", "normal"]);
}

#[test]
fn dev_only_scenario_prefers_normal_paths() {
    let switch = read("dev-only", "opam-switch");
    assert_eq!(path(&switch, "tar"), "devapp → tar-unix → tar (dev only)");
    assert_eq!(path(&switch, "tar-unix"), "devapp → tar-unix (dev only)");
    // devapp → lwt {with-test} is shorter, but a normal path exists
    assert_eq!(path(&switch, "lwt"), "devapp → cohttp-lwt-unix → lwt");
    assert_eq!(path(&switch, "odoc"), "devapp → odoc (dev only)");
    let export = read_export("dev-only", "switch-full.export");
    assert_eq!(path(&export, "tar"), "devapp → tar-unix → tar (dev only)");
}

#[test]
fn lock_file_paths_are_one_step_and_keep_the_flags() {
    let lock = read("dev-only", "opam-lock");
    assert_eq!(path(&lock, "tar"), "devapp → tar (dev only)");
    assert_eq!(path(&lock, "cohttp"), "devapp → cohttp");
    // opam lock writes lwt {= "5.9.1" & with-test}: the lock itself says dev only
    assert_eq!(path(&lock, "lwt"), "devapp → lwt (dev only)");
}

#[test]
fn dune_and_esy_paths() {
    let dune = read("vulnerable", "dune-lock");
    assert_eq!(path(&dune, "cohttp"), "myapp → cohttp-lwt-unix → cohttp");
    assert_eq!(
        path(&dune, "mirage-crypto-ec"),
        "myapp → tls → mirage-crypto-ec"
    );
    assert_eq!(path(&dune, "alcotest"), "myapp → alcotest (dev only)");
    assert_eq!(path(&dune, "fmt"), "myapp → cohttp-lwt-unix → fmt");

    let esy = read("vulnerable", "esy-lock");
    assert_eq!(path(&esy, "cohttp"), "myapp → cohttp-lwt-unix → cohttp");
    assert_eq!(path(&esy, "alcotest"), "myapp → alcotest (dev only)");
    assert_eq!(path(&esy, "ocaml"), "myapp → ocaml");
}

#[test]
fn plain_export_knows_only_the_roots_paths() {
    let export = read_export("vulnerable", "switch.export");
    assert_eq!(path(&export, "myapp"), "myapp");
    assert_eq!(path(&export, "cohttp"), "none");
}

/// opam's own answer (`opam list --installed --required-by ROOT --recursive`, recorded
/// by the fixture script): without flags it lists what the root needs to be built and
/// used; with `--with-test --with-doc` everything it reaches. The packages with a path
/// that is not development-only must be the first set, those with any path the second.
#[test]
fn paths_agree_with_opam_list_required_by() {
    use std::collections::BTreeSet;
    let listed = |scenario: &str, file: &str| -> BTreeSet<String> {
        let text = std::fs::read_to_string(crate::scenario(scenario).join(file))
            .expect("recorded by the fixture script");
        text.lines().map(str::to_owned).collect()
    };
    for scenario in ["vulnerable", "clean", "pinned", "dev-only"] {
        let needed = listed(scenario, "opam-list-required-by.txt");
        let reached = listed(scenario, "opam-list-required-by-with-test-doc.txt");
        assert!(
            needed.len() > 10 && needed.len() < reached.len() + 1,
            "{scenario}: {needed:?}"
        );
        let inventories = [
            read(scenario, "opam-switch"),
            read_export(scenario, "switch-full.export"),
        ];
        for inventory in &inventories {
            let paths = inventory.paths();
            let ours_needed: BTreeSet<String> = paths
                .iter()
                .filter(|(_, p)| !p.development_only)
                .map(|(name, _)| (*name).to_owned())
                .collect();
            let ours_reached: BTreeSet<String> =
                paths.keys().map(|name| (*name).to_owned()).collect();
            assert_eq!(ours_needed, needed, "{scenario} {}", inventory.input());
            assert_eq!(ours_reached, reached, "{scenario} {}", inventory.input());
        }
    }
}

/// A finding is development-only exactly when opam lists its package as required only
/// with `--with-test --with-doc` (the scenarios' `opam list --required-by` outputs).
#[test]
fn findings_are_development_only_as_opam_requires_their_packages() {
    let mut marks = Vec::new();
    for scenario in ["vulnerable", "dev-only"] {
        let switch = read(scenario, "opam-switch");
        let scan = scan(&switch, &crate::embedded_database(), ScanOptions::default()).unwrap();
        let required =
            std::fs::read_to_string(crate::scenario(scenario).join("opam-list-required-by.txt"))
                .unwrap();
        let required: Vec<&str> = required.lines().collect();
        for finding in &scan.findings {
            assert_eq!(
                finding.development_only,
                !required.contains(&finding.package.as_str()),
                "{scenario}: {} {}",
                finding.id,
                finding.package
            );
            marks.push((scenario, finding.package.clone(), finding.development_only));
        }
    }
    // Both kinds occur: tar in dev-only (through tar-unix {with-test}), cohttp in vulnerable.
    assert!(
        marks.contains(&("dev-only", "tar".to_owned(), true)),
        "{marks:?}"
    );
    assert!(
        marks.contains(&("vulnerable", "cohttp".to_owned(), false)),
        "{marks:?}"
    );
}
