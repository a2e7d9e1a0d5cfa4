//! Every example of every type definition (`types/*-definition.json`, the
//! purl-spec's own files vendored beside `build.rs`) parses, and its canonical
//! form is a fixed point that parses to the same package URL. The opam example
//! `pkg:opam/git@3/16.1` pins the parsing order: the version is split off at the
//! last `@` before the name is split from the namespace (issue 18).

use std::path::Path;

use purl::Purl;
use serde_json::Value;

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("types");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with("-definition.json"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let definition: Value = serde_json::from_str(&text).expect("JSON");
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
        for example in definition["examples"].as_array().into_iter().flatten() {
            let example = example.as_str().expect("examples are strings");
            all.push((file.clone().unwrap_or_default(), example.to_owned()));
        }
    }
    all
}

#[test]
fn every_type_definition_example_parses_and_canonicalises() {
    let examples = examples();
    assert!(examples.len() > 100, "only {} examples", examples.len());
    let mut problems = Vec::new();
    for (file, example) in &examples {
        match Purl::parse(example) {
            Ok(purl) => {
                let canonical = purl.to_string();
                match Purl::parse(&canonical) {
                    Ok(again) if again == purl && again.to_string() == canonical => {}
                    Ok(again) => {
                        problems.push(format!("{file}: {example} → {canonical} → {again}"))
                    }
                    Err(err) => problems.push(format!("{file}: {canonical} does not parse: {err}")),
                }
            }
            Err(err) => problems.push(format!("{file}: {example}: {err}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_version_is_split_off_before_the_namespace() {
    let git = Purl::parse("pkg:opam/git@3/16.1").expect("the opam definition's example");
    assert_eq!(git.name(), "git");
    assert_eq!(git.namespace(), None);
    assert_eq!(git.version(), Some("3/16.1"));
    // The standard's allowed set has no `/`: the canonical form encodes it.
    assert_eq!(git.to_string(), "pkg:opam/git@3%2F16.1");
    let generic = Purl::parse("pkg:generic/a@1/2").expect("parses");
    assert_eq!((generic.name(), generic.version()), ("a", Some("1/2")));
    // An `@` in a namespace segment is still part of the namespace.
    let npm = Purl::parse("pkg:npm/%40babel/core@7.0.0").expect("parses");
    assert_eq!(npm.namespace(), Some("@babel"));
    assert_eq!((npm.name(), npm.version()), ("core", Some("7.0.0")));
}
