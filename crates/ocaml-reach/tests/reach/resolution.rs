use crate::support::{scan_source, summary};

const BINDING: &str = "Cohttp.Path.resolve_local_file";

fn verdict(src: &str) -> String {
    summary(&scan_source(src, BINDING))
}

#[test]
fn finds_a_fully_qualified_call() {
    assert_eq!(
        verdict("let f uri = Cohttp.Path.resolve_local_file ~docroot:\".\" ~uri\n"),
        "called 1:13"
    );
}

#[test]
fn follows_open_and_open_bang() {
    assert_eq!(
        verdict("open Cohttp\nlet f = Path.resolve_local_file\n"),
        "called 2:9"
    );
    assert_eq!(
        verdict("open! Cohttp.Path\nlet f = resolve_local_file\n"),
        "called 2:9"
    );
}

#[test]
fn follows_module_aliases() {
    assert_eq!(
        verdict("module P = Cohttp.Path\nlet f = P.resolve_local_file\n"),
        "called 2:9"
    );
    assert_eq!(
        verdict("module C = Cohttp\nmodule P = C.Path\nlet f = P.resolve_local_file\n"),
        "called 3:9"
    );
    assert_eq!(
        verdict("let f = let module P = Cohttp.Path in P.resolve_local_file\n"),
        "called 1:39"
    );
}

#[test]
fn follows_local_opens_in_both_forms() {
    assert_eq!(
        verdict("let f = let open Cohttp.Path in resolve_local_file\n"),
        "called 1:33"
    );
    assert_eq!(
        verdict("let f = Cohttp.Path.(resolve_local_file)\n"),
        "called 1:22"
    );
    assert_eq!(
        verdict("let f = Cohttp.[ Path.resolve_local_file ]\n"),
        "called 1:18"
    );
    assert_eq!(
        verdict("let f = Cohttp.Path.{ x = resolve_local_file }\n"),
        "called 1:27"
    );
}

#[test]
fn local_open_scope_ends_with_its_bracket_or_item() {
    assert_eq!(
        verdict("let f = (let open Cohttp.Path in ()) resolve_local_file\n"),
        "not-referenced"
    );
    assert_eq!(
        verdict("let f () = let open Cohttp.Path in ()\nlet g = resolve_local_file\n"),
        "not-referenced"
    );
    assert_eq!(
        verdict("let f = Cohttp.Path.(x) resolve_local_file\n"),
        "not-referenced"
    );
}

#[test]
fn opens_in_a_nested_module_end_with_it() {
    let src = "module X = struct\n  open Cohttp.Path\n  let a = resolve_local_file\nend\nlet b = resolve_local_file\n";
    assert_eq!(verdict(src), "called 3:11");
}

#[test]
fn open_struct_and_include_struct_leak_their_aliases() {
    assert_eq!(
        verdict("open struct module P = Cohttp.Path end\nlet f = P.resolve_local_file\n"),
        "called 2:9"
    );
    assert_eq!(
        verdict("include struct open Cohttp end\nlet f = Path.resolve_local_file\n"),
        "called 2:9"
    );
}

#[test]
fn include_brings_the_module_in_scope() {
    assert_eq!(
        verdict("include Cohttp\nlet f = Path.resolve_local_file\n"),
        "called 2:9"
    );
}

#[test]
fn dune_mangled_names_are_the_same_module() {
    assert_eq!(
        verdict("let f = Cohttp__Path.resolve_local_file\n"),
        "called 1:9"
    );
    assert_eq!(
        verdict("let f = Cohttp__.Path.resolve_local_file\n"),
        "called 1:9"
    );
}

#[test]
fn an_open_that_might_shadow_still_reports() {
    assert_eq!(
        verdict("open Cohttp.Path\nopen Other\nlet f = resolve_local_file\n"),
        "called 3:9"
    );
}

#[test]
fn a_later_alias_of_the_same_name_shadows() {
    assert_eq!(
        verdict("module P = Cohttp.Path\nmodule P = Other\nlet f = P.resolve_local_file\n"),
        "not-referenced"
    );
}

#[test]
fn comments_strings_fields_and_types_are_not_references() {
    let src = concat!(
        "(* Cohttp.Path.resolve_local_file (* nested *) \"*)\" *)\n",
        "let s = \"Cohttp.Path.resolve_local_file\"\n",
        "let q = {|Cohttp.Path.resolve_local_file|}\n",
        "open Cohttp.Path\n",
        "let g r = r.resolve_local_file\n",
        "let h o = o#resolve_local_file\n",
        "let resolve_local_file = 1\n",
        "type t = { resolve_local_file : int } [@@deprecated \"x\"]\n",
    );
    assert_eq!(verdict(src), "not-referenced");
}

#[test]
fn names_in_attributes_and_signatures_are_not_references() {
    assert_eq!(
        verdict("let x = 1 [@@alert x Cohttp.Path.resolve_local_file]\n"),
        "not-referenced"
    );
    assert_eq!(
        verdict("module type S = sig val f : Cohttp.Path.resolve_local_file end\n"),
        "not-referenced"
    );
}

#[test]
fn interface_files_are_signatures() {
    let dir = crate::support::tree(&[(
        "main.mli",
        b"open Cohttp.Path\nval resolve_local_file : Cohttp.Path.resolve_local_file\n",
    )]);
    let outcome = crate::support::scan_dir(dir.path(), BINDING);
    assert_eq!(summary(&outcome), "not-referenced");
    assert_eq!(outcome.files_scanned, 1);
}

#[test]
fn functor_applications_bound_to_a_name_resolve_to_the_advisory_form() {
    let src = "module S = Cohttp_lwt.Make (Io)\nlet f = S.resolve_local_file\n";
    assert_eq!(
        summary(&scan_source(src, "Cohttp_lwt.Make().resolve_local_file")),
        "called 2:9"
    );
    // The other functor's result is not it.
    let other = "module S = Cohttp_lwt.Other (Io)\nlet f = S.resolve_local_file\n";
    assert_eq!(
        summary(&scan_source(other, "Cohttp_lwt.Make().resolve_local_file")),
        "not-referenced"
    );
}

#[test]
fn modules_passed_to_functors_or_packed_are_unknown() {
    assert_eq!(
        verdict("module M = Serve (Cohttp.Path)\n"),
        "unknown: untraced"
    );
    assert_eq!(verdict("module M = Serve (Cohttp)\n"), "unknown: untraced");
    assert_eq!(
        verdict("let m = (module Cohttp.Path : PATH)\n"),
        "unknown: untraced"
    );
    // A call found wins over an untraced use.
    assert_eq!(
        verdict("module M = Serve (Cohttp)\nlet f = Cohttp.Path.resolve_local_file\n"),
        "called 2:9"
    );
    // Unrelated modules in those places change nothing.
    assert_eq!(
        verdict("module M = Serve (Other)\nlet m = (module Http : S)\n"),
        "not-referenced"
    );
}

#[test]
fn functor_parameters_are_of_unknown_contents() {
    let src = "module Make (Cohttp : S) = struct\n  let f = Cohttp.Path.resolve_local_file\nend\n";
    assert_eq!(verdict(src), "not-referenced");
}

#[test]
fn module_names_ignore_case_as_the_advisories_need() {
    let src = "let k = Mirage_crypto_ec.P256.Dsa.pub_of_octets s\n";
    assert_eq!(
        summary(&scan_source(src, "Mirage_crypto_ec.P256.DSA.pub_of_octets")),
        "called 1:9"
    );
}

#[test]
fn the_standard_library_is_open_everywhere() {
    for src in [
        "let r = Bigarray.reshape a d\n",
        "let r = Stdlib.Bigarray.reshape a d\n",
        "open Stdlib\nlet r = Bigarray.reshape a d\n",
    ] {
        let outcome = scan_source(src, "Bigarray.reshape");
        assert!(summary(&outcome).starts_with("called"), "{src}");
    }
}

#[test]
fn c_symbols_are_found_in_externals_only_and_otherwise_unknown() {
    assert_eq!(
        summary(&scan_source(
            "external reshape : t -> t = \"caml_ba_reshape\"\n",
            "caml_ba_reshape"
        )),
        "called 1:29"
    );
    assert_eq!(
        summary(&scan_source(
            "let s = \"caml_ba_reshape\"\n",
            "caml_ba_reshape"
        )),
        "unknown: c-symbol"
    );
}

#[test]
fn extension_points_and_let_operators_are_read_as_code() {
    let src = "let f () =\n  let%lwt x = Cohttp.Path.resolve_local_file in\n  [%lwt Cohttp.Path.resolve_local_file]\n";
    assert_eq!(verdict(src), "called 2:15, 3:9");
}

#[test]
fn labels_are_not_references_but_punned_labels_are() {
    assert_eq!(
        verdict("open Cohttp.Path\nlet f = g ~resolve_local_file:1\n"),
        "not-referenced"
    );
    assert_eq!(
        verdict("open Cohttp.Path\nlet f = g ~resolve_local_file\n"),
        "called 2:12"
    );
}

#[test]
fn a_module_binding_counts_any_use_inside_it() {
    let outcome = scan_source("open Mirage_crypto.AES\nlet x = 1\n", "Mirage_crypto.AES");
    assert_eq!(summary(&outcome), "called 1:6");
    let outcome = scan_source(
        "let x = Mirage_crypto.AES.GCM.of_secret k\n",
        "Mirage_crypto.AES",
    );
    assert_eq!(summary(&outcome), "called 1:9");
}

#[test]
fn the_same_input_gives_the_same_outcome() {
    let src = "open Cohttp\nmodule P = Path\nlet a = P.resolve_local_file\nlet b = Path.resolve_local_file\n";
    let dir = crate::support::tree(&[("main.ml", src.as_bytes())]);
    let first = crate::support::scan_dir(dir.path(), BINDING);
    let second = crate::support::scan_dir(dir.path(), BINDING);
    assert_eq!(first, second);
    assert_eq!(summary(&first), "called 3:9, 4:9");
}

#[test]
fn an_alias_made_in_one_project_file_is_followed_in_another() {
    let dir = crate::support::tree(&[
        ("src/web.ml", b"module Server = Cohttp_lwt_unix.Server\n"),
        ("src/main.ml", b"let f = Web.Server.resolve_file\n"),
        ("lib/dune", b"(library\n (name mylib))\n"),
        ("lib/http.ml", b"module S = Cohttp_lwt_unix.Server\n"),
        ("lib/handler.ml", b"let g = Http.S.resolve_file\n"),
        ("bin/main.ml", b"let h = Mylib.Http.S.resolve_file\n"),
    ]);
    let outcome = crate::support::scan_dir(dir.path(), "Cohttp_lwt_unix.Server.resolve_file");
    let ocaml_reach::Verdict::Called { references, .. } = &outcome.verdict else {
        panic!("{:?}", outcome.verdict)
    };
    let places: Vec<(String, u32, usize)> = references
        .iter()
        .map(|r| {
            let file = r.at.file.strip_prefix(dir.path()).unwrap_or(&r.at.file);
            (file.display().to_string(), r.at.line, r.chain.len())
        })
        .collect();
    assert_eq!(
        places,
        [
            ("bin/main.ml".to_owned(), 1, 1),
            ("lib/handler.ml".to_owned(), 1, 1),
            ("src/main.ml".to_owned(), 1, 1),
        ]
    );
    assert_eq!(
        references[0].packages("cohttp-lwt-unix"),
        ["project", "cohttp-lwt-unix"]
    );
}
