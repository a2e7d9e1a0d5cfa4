use std::collections::BTreeSet;

use ocaml_reach::{Request, Scan, Through, Verdict};

use crate::support::{file_name, request, summary, tree};

/// A switch's `lib/` with cohttp-lwt-unix (wrapped: its units say so) calling
/// cohttp's binding in `Server.resolve_file`, and `respond_file` calling that in the
/// same file; an unrelated package; and a project calling `respond_file`.
fn switch_and_project(project: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let server = concat!(
        "open Lwt.Infix\n",
        "let resolve_file ~docroot ~uri = Cohttp.Path.resolve_local_file ~docroot ~uri\n",
        "let respond_file ~fname () = Lwt.return fname\n",
        "let respond_docroot ~docroot ~uri () =\n",
        "  let fname = resolve_file ~docroot ~uri in\n",
        "  respond_file ~fname ()\n",
    );
    let lib = tree(&[
        (
            "cohttp/path.ml",
            b"let resolve_local_file ~docroot ~uri = docroot ^ uri\n",
        ),
        ("cohttp/cohttp__Path.cmi", b""),
        ("cohttp-lwt-unix/server.ml", server.as_bytes()),
        ("cohttp-lwt-unix/cohttp_lwt_unix__Server.cmi", b""),
        (
            "cohttp-lwt-unix/cohttp_lwt_unix.ml",
            b"module Server = Server\n",
        ),
        ("cohttp-lwt-unix/cohttp_lwt_unix.cmi", b""),
        (
            "unrelated/other.ml",
            b"let resolve_file = Cohttp.Path.resolve_local_file\n",
        ),
    ]);
    let project = tree(&[("bin/main.ml", project.as_bytes())]);
    (lib, project)
}

fn scan(
    lib: &std::path::Path,
    project: &std::path::Path,
    through: Through,
) -> ocaml_reach::Outcome {
    let mut r = request("cohttp", &["Cohttp.Path.resolve_local_file"]);
    r.through = through;
    Scan::new()
        .project_dir(project)
        .package("cohttp", lib.join("cohttp"))
        .package("cohttp-lwt-unix", lib.join("cohttp-lwt-unix"))
        .package("unrelated", lib.join("unrelated"))
        .request(r)
        .run()
        .pop()
        .expect("one outcome")
}

fn dependents() -> Through {
    Through::Packages(BTreeSet::from([
        "cohttp".to_owned(),
        "cohttp-lwt-unix".to_owned(),
    ]))
}

#[test]
fn a_call_through_a_library_is_found_with_its_chain() {
    let (lib, project) = switch_and_project(
        "open Cohttp_lwt_unix\nlet serve ~docroot ~uri = Server.respond_docroot ~docroot ~uri ()\n",
    );
    let outcome = scan(lib.path(), project.path(), dependents());
    assert_eq!(summary(&outcome), "called 2:27");
    let Verdict::Called { references, .. } = &outcome.verdict else {
        unreachable!()
    };
    let reference = &references[0];
    assert_eq!(reference.text, "Server.respond_docroot");
    assert_eq!(
        reference.packages("cohttp"),
        ["project", "cohttp-lwt-unix", "cohttp"]
    );
    let steps: Vec<(String, String, u32)> = reference
        .chain
        .iter()
        .map(|l| (l.definition.clone(), file_name(&l.at.file), l.at.line))
        .collect();
    assert_eq!(
        steps,
        [
            (
                "cohttp_lwt_unix.server.respond_docroot".to_owned(),
                "server.ml".to_owned(),
                5
            ),
            (
                "cohttp_lwt_unix.server.resolve_file".to_owned(),
                "server.ml".to_owned(),
                2
            ),
        ]
    );
}

#[test]
fn a_library_function_that_does_not_call_it_is_not_a_reference() {
    let (lib, project) =
        switch_and_project("let serve fname = Cohttp_lwt_unix.Server.respond_file ~fname ()\n");
    assert_eq!(
        summary(&scan(lib.path(), project.path(), dependents())),
        "not-referenced"
    );
}

#[test]
fn packages_outside_the_dependents_are_not_followed() {
    // `Other.resolve_file` calls the binding, but `unrelated` does not depend on
    // cohttp in the graph given: its definitions are not derived.
    let (lib, project) = switch_and_project("let f = Other.resolve_file\n");
    assert_eq!(
        summary(&scan(lib.path(), project.path(), dependents())),
        "not-referenced"
    );
    // Without a graph, every package is followed.
    assert_eq!(
        summary(&scan(lib.path(), project.path(), Through::AnyPackage)),
        "called 1:9"
    );
}

#[test]
fn files_scanned_count_the_project_and_the_dependents() {
    let (lib, project) = switch_and_project("let x = 1\n");
    let outcome = scan(lib.path(), project.path(), dependents());
    // main.ml + path.ml + server.ml + cohttp_lwt_unix.ml
    assert_eq!(outcome.files_scanned, 4);
    assert_eq!(outcome.verdict, Verdict::NotReferenced { files_scanned: 4 });
}

#[test]
fn vendored_packages_are_libraries_not_the_project() {
    let project = tree(&[
        (
            "duniverse/webmachine/src/serve.ml",
            b"let static ~root uri = Cohttp.Path.resolve_local_file ~docroot:root ~uri\n",
        ),
        (
            "duniverse/webmachine/src/dune",
            b"(library\n (name webmachine)\n (public_name webmachine))\n",
        ),
        (
            "_build/default/main.ml",
            b"let f = Cohttp.Path.resolve_local_file\n",
        ),
        (
            "src/main.ml",
            b"let handler uri = Webmachine.Serve.static ~root:\"/srv\" uri\n",
        ),
    ]);
    let outcome = Scan::new()
        .project_dir(project.path())
        .request(request("cohttp", &["Cohttp.Path.resolve_local_file"]))
        .run()
        .pop()
        .expect("one outcome");
    assert_eq!(summary(&outcome), "called 1:19");
    let Verdict::Called { references, .. } = &outcome.verdict else {
        unreachable!()
    };
    assert_eq!(
        references.len(),
        1,
        "_build is skipped, the vendored call is a link"
    );
    assert_eq!(
        references[0].packages("cohttp"),
        ["project", "webmachine", "cohttp"]
    );
}

#[test]
fn a_reference_in_unnamed_initialisation_code_makes_the_module_the_binding() {
    let lib = tree(&[
        ("init/boot.ml", b"let () = ignore (Cohttp.Path.resolve_local_file ~docroot:\"\" ~uri)\nlet version = 1\n"),
        ("init/boot.cmi", b""),
    ]);
    let project = tree(&[("main.ml", b"let v = Boot.version\n")]);
    let outcome = Scan::new()
        .project_dir(project.path())
        .package("init", lib.path().join("init"))
        .request(request("cohttp", &["Cohttp.Path.resolve_local_file"]))
        .run()
        .pop()
        .expect("one outcome");
    assert_eq!(summary(&outcome), "called 1:9");
}

#[test]
fn a_library_that_passes_the_module_to_a_functor_makes_it_unknown() {
    let lib = tree(&[
        (
            "web/files.ml",
            b"module Static = Make_static (Cohttp.Path)\n",
        ),
        ("web/web__Files.cmi", b""),
    ]);
    let project = tree(&[("main.ml", b"let x = 1\n")]);
    let outcome = Scan::new()
        .project_dir(project.path())
        .package("web", lib.path().join("web"))
        .request(request("cohttp", &["Cohttp.Path.resolve_local_file"]))
        .run()
        .pop()
        .expect("one outcome");
    assert_eq!(summary(&outcome), "unknown: untraced");
}

#[test]
fn root_packages_can_be_the_entry_points() {
    let (lib, _) = switch_and_project("");
    let app = tree(&[(
        "app/main.ml",
        b"let f = Cohttp_lwt_unix.Server.resolve_file\n",
    )]);
    let mut r = request("cohttp", &["Cohttp.Path.resolve_local_file"]);
    r.through = Through::Packages(BTreeSet::from([
        "cohttp".to_owned(),
        "cohttp-lwt-unix".to_owned(),
        "app".to_owned(),
    ]));
    let outcome = Scan::new()
        .package("cohttp", lib.path().join("cohttp"))
        .package("cohttp-lwt-unix", lib.path().join("cohttp-lwt-unix"))
        .entry_package("app", app.path().join("app"))
        .request(r)
        .run()
        .pop()
        .expect("one outcome");
    let Verdict::Called { references, .. } = &outcome.verdict else {
        panic!("{:?}", outcome.verdict)
    };
    assert_eq!(
        references[0].packages("cohttp"),
        ["app", "cohttp-lwt-unix", "cohttp"]
    );
}

#[test]
fn several_requests_share_one_scan() {
    let project = tree(&[(
        "main.ml",
        b"let k = Mirage_crypto_ec.P256.Dsa.pub_of_octets s\n",
    )]);
    let outcomes = Scan::new()
        .project_dir(project.path())
        .request(request("cohttp", &["Cohttp.Path.resolve_local_file"]))
        .request(Request {
            package: "mirage-crypto-ec".into(),
            bindings: vec![
                "Mirage_crypto_ec.P256.Dsa.pub_of_octets".into(),
                "Mirage_crypto_ec.P384.Dsa.pub_of_octets".into(),
            ],
            through: Through::AnyPackage,
        })
        .request(request("ocaml", &[]))
        .run();
    let verdicts: Vec<String> = outcomes.iter().map(summary).collect();
    assert_eq!(
        verdicts,
        ["not-referenced", "called 1:9", "unknown: no-bindings"]
    );
    let per_binding: Vec<&str> = outcomes[1]
        .bindings
        .iter()
        .map(|b| b.verdict.as_str())
        .collect();
    assert_eq!(per_binding, ["called", "not-referenced"]);
}
