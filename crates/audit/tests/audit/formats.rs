use audit::input::{DepKind, Registry};

use crate::{VULNERABLE_SWITCH, deps, pinned, read, read_export, roots, versions};

#[test]
fn switch_lists_what_opam_installed() {
    let switch = read("vulnerable", "opam-switch");
    assert_eq!(versions(&switch), VULNERABLE_SWITCH);
    assert_eq!(roots(&switch), ["myapp"]);
    assert!(pinned(&switch).is_empty());
    assert!(switch.packages().all(|p| p.registry == Registry::Opam));
}

#[test]
fn switch_graph_comes_from_installed_opam_files_with_flags() {
    let switch = read("vulnerable", "opam-switch");
    assert_eq!(
        deps(&switch, "myapp"),
        [
            "alcotest:with-test",
            "cohttp-lwt-unix:normal",
            "dune:build",
            "ocaml:normal",
            "odoc:with-doc",
            "tls:normal"
        ]
    );
    // installed depopts count, the uninstalled conf-libev does not; cppo is {build}
    assert_eq!(
        deps(&switch, "lwt"),
        [
            "base-threads:normal",
            "base-unix:normal",
            "cppo:build",
            "dune:normal",
            "ocaml:normal",
            "odoc:with-doc"
        ]
    );
    // the compiler's back-edge is {post}; only the installed alternative of the
    // `ocaml-base-compiler | ocaml-variants | ocaml-system` choice is an edge
    assert_eq!(
        deps(&switch, "ocaml-base-compiler"),
        ["base-threads:post", "base-unix:post", "ocaml:post"]
    );
    assert_eq!(
        deps(&switch, "ocaml"),
        ["ocaml-base-compiler:normal", "ocaml-config:normal"]
    );
    // cohttp's test and doc dependencies are installed (for myapp), so they are edges
    assert_eq!(
        deps(&switch, "cohttp"),
        [
            "alcotest:with-test",
            "dune:normal",
            "fmt:with-test",
            "http:normal",
            "ocaml:normal",
            "odoc:with-doc",
            "uri:normal"
        ]
    );
}

#[test]
fn dependents_lists_every_parent() {
    let switch = read("vulnerable", "opam-switch");
    let parents: Vec<_> = switch.dependents("cohttp").into_iter().collect();
    assert_eq!(parents, ["cohttp-lwt", "cohttp-lwt-unix"]);
    assert!(switch.dependents("myapp").is_empty());
}

#[test]
fn full_export_gives_the_same_inventory_as_the_switch() {
    for scenario in ["vulnerable", "clean", "pinned", "dev-only"] {
        let switch = read(scenario, "opam-switch");
        let export = read_export(scenario, "switch-full.export");
        assert_eq!(versions(&export), versions(&switch), "{scenario}");
        assert_eq!(roots(&export), roots(&switch), "{scenario}");
        assert_eq!(pinned(&export), pinned(&switch), "{scenario}");
        for package in switch.packages() {
            assert_eq!(
                deps(&export, &package.name),
                deps(&switch, &package.name),
                "{scenario} {}",
                package.name
            );
        }
        assert_eq!(export.paths(), switch.paths(), "{scenario}");
    }
}

#[test]
fn plain_export_has_packages_but_only_pinned_packages_graph() {
    let export = read_export("vulnerable", "switch.export");
    assert_eq!(versions(&export), VULNERABLE_SWITCH);
    assert_eq!(roots(&export), ["myapp"]);
    assert_eq!(deps(&export, "myapp"), Vec::<String>::new());

    let pinned_export = read_export("pinned", "switch.export");
    assert_eq!(pinned(&pinned_export), ["tls"]);
    assert_eq!(
        deps(&pinned_export, "tls"),
        [
            "dune:normal",
            "fmt:normal",
            "mirage-crypto:normal",
            "mirage-crypto-ec:normal",
            "ocaml:normal"
        ]
    );
}

#[test]
fn pinned_packages_are_marked_in_every_format_that_records_pins() {
    assert_eq!(pinned(&read("pinned", "opam-switch")), ["tls"]);
    assert_eq!(
        pinned(&read_export("pinned", "switch-full.export")),
        ["tls"]
    );
    let dune = read("pinned", "dune-lock");
    assert_eq!(pinned(&dune), ["tls"]);
    assert_eq!(
        dune.package("tls").map(|p| p.version.as_str()),
        Some("2.0.3")
    );
    // the pinned switch still has the public versions elsewhere
    assert_eq!(
        read("pinned", "opam-switch")
            .package("cohttp")
            .map(|p| p.version.as_str()),
        Some("6.3.0")
    );
}

#[test]
fn opam_lock_flattens_dependencies_under_the_project() {
    let lock = read("vulnerable", "opam-lock");
    // everything installed, the project included, at the locked versions
    assert_eq!(versions(&lock), VULNERABLE_SWITCH);
    assert_eq!(roots(&lock), ["myapp"]);
    let myapp = deps(&lock, "myapp");
    assert_eq!(myapp.len(), VULNERABLE_SWITCH.len() - 1);
    assert!(
        myapp.contains(&"alcotest:with-test".to_owned()),
        "{myapp:?}"
    );
    assert!(myapp.contains(&"odoc:with-doc".to_owned()), "{myapp:?}");
    assert!(myapp.contains(&"cohttp:normal".to_owned()), "{myapp:?}");

    let dev = read("dev-only", "opam-lock");
    assert_eq!(
        dev.package("tar").map(|p| p.version.as_str()),
        Some("3.3.0")
    );
    let devapp = deps(&dev, "devapp");
    for expected in [
        "tar:with-test",
        "tar-unix:with-test",
        "lwt:with-test",
        "odoc:with-doc",
        "cohttp:normal",
    ] {
        assert!(
            devapp.contains(&expected.to_owned()),
            "{expected} not in {devapp:?}"
        );
    }
}

#[test]
fn portable_dune_lock_with_dune_project_roots() {
    let dune = read("vulnerable", "dune-lock");
    let expected: Vec<String> = VULNERABLE_SWITCH
        .iter()
        .filter(|p| !p.starts_with("odoc ") && !p.starts_with("myapp "))
        .map(|s| s.to_string())
        .chain(std::iter::once("myapp 1.0.0".to_owned()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(versions(&dune), expected);
    assert_eq!(roots(&dune), ["myapp"]);
    assert_eq!(
        deps(&dune, "myapp"),
        [
            "alcotest:with-test",
            "cohttp-lwt-unix:normal",
            "dune:normal",
            "ocaml:normal",
            "tls:normal"
        ]
    );
    assert_eq!(
        deps(&dune, "cohttp"),
        ["dune:normal", "http:normal", "ocaml:normal", "uri:normal"]
    );
}

#[test]
fn older_dune_lock_infers_roots_from_the_graph() {
    let dune = read("pinned", "dune-lock");
    assert_eq!(roots(&dune), ["cohttp-lwt-unix", "tls"]);
    assert_eq!(
        dune.package("cohttp").map(|p| p.version.as_str()),
        Some("6.3.0")
    );
    assert_eq!(deps(&dune, "tls").len(), 5);
}

#[test]
fn esy_lock_reads_opam_and_npm_packages() {
    let esy = read("vulnerable", "esy-lock");
    assert_eq!(roots(&esy), ["myapp"]);
    assert_eq!(
        esy.package("cohttp").map(|p| p.version.as_str()),
        Some("6.2.2")
    );
    assert_eq!(
        esy.package("tls").map(|p| p.version.as_str()),
        Some("2.0.3")
    );
    // esy's compiler package ocaml@4.14.2 is OCaml 4.14.0 built a third time by esy
    // (MAJOR.MINOR.PATCH×1000+FIX), audited as opam's ocaml.
    assert_eq!(
        esy.package("ocaml")
            .map(|p| (p.registry, p.version.as_str())),
        Some((Registry::Opam, "4.14.0"))
    );
    assert_eq!(
        esy.package("myapp").map(|p| p.registry),
        Some(Registry::Project)
    );
    assert_eq!(
        esy.package("cohttp").map(|p| p.registry),
        Some(Registry::Opam)
    );
    assert_eq!(pinned(&esy), ["uri"], "github: sources are pinned");
    let myapp: Vec<_> = esy
        .dependencies("myapp")
        .map(|d| (d.name, d.kind))
        .collect();
    assert!(myapp.contains(&("alcotest", DepKind::Dev)), "{myapp:?}");
    assert!(
        myapp.contains(&("cohttp-lwt-unix", DepKind::Normal)),
        "{myapp:?}"
    );
}

#[test]
fn plain_opam_file_gives_requirements_not_packages() {
    let opam = read("vulnerable", "opam-file");
    assert!(opam.is_empty());
    let requirements: Vec<_> = opam
        .requirements()
        .iter()
        .map(|r| {
            format!(
                "{} {{{}}} {} line {}",
                r.name, r.constraint_text, r.kind, r.line
            )
        })
        .collect();
    assert_eq!(
        requirements,
        [
            "ocaml {>= \"4.14\"} normal line 5",
            "dune {>= \"3.8\" & build} build line 6",
            "cohttp-lwt-unix {>= \"6.0.0\"} normal line 7",
            "tls {>= \"1.0.0\"} normal line 8",
            "alcotest {with-test} with-test line 9",
            "odoc {with-doc} with-doc line 10",
        ]
    );
}
