//! opam-model from text: version constraints, versions (opam's order must be a total
//! order), package names, filters (evaluated, and printed back to the same filter),
//! `%{…}%` interpolation, checksums, and the formulas of a whole opam file.
//! The first byte of the input chooses what the rest is read as.

#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use opam_file::{ItemKind, Value};
use opam_model::{
    Checksum, DependencyFlags, Filter, FilterIdent, GlobalEnvironment, Package, PackageDefinition,
    PackageName, Version, VersionFormula, compare_versions, expand_string,
};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match selector % 6 {
        0 => constraint(&text),
        1 => versions(&text),
        2 => filter(&text),
        3 => {
            let env = GlobalEnvironment::from_bindings("os=linux,arch=x86_64,v=1.0");
            let _ = expand_string(&text, &env, Some(""));
            let _ = expand_string(&text, &env, None);
            let _ = FilterIdent::parse(&text);
        }
        4 => opam_file_formulas(rest),
        _ => {
            let _ = Checksum::parse(&text);
            let _ = PackageName::parse(&text);
            let _ = Package::parse(&text);
        }
    }
});

fn constraint(text: &str) {
    let Ok(formula) = VersionFormula::parse_text(text) else {
        return;
    };
    for version in ["0", "1.0", "1.0~rc1", "2.1.3", "10"] {
        let _ = formula.matches(&Version::parse(version).expect("a version"));
    }
}

/// Up to three versions, one per line: opam's order is antisymmetric and
/// transitive on them, and `Version`'s order is `compare_versions`.
fn versions(text: &str) {
    let parts: Vec<&str> = text.splitn(3, '\n').collect();
    for a in &parts {
        for b in &parts {
            let ab = compare_versions(a, b);
            assert_eq!(ab, compare_versions(b, a).reverse(), "{a:?} {b:?}");
            if let (Ok(va), Ok(vb)) = (Version::parse(a), Version::parse(b)) {
                assert_eq!(va.cmp(&vb), ab, "{a:?} {b:?}");
            }
            for c in &parts {
                let bc = compare_versions(b, c);
                if ab != Ordering::Greater && bc != Ordering::Greater {
                    assert_ne!(
                        compare_versions(a, c),
                        Ordering::Greater,
                        "{a:?} {b:?} {c:?}"
                    );
                }
            }
        }
    }
}

/// The value of an `available:` field: reduced in an environment, and printed in
/// opam syntax, which reads back as the same filter.
fn filter(text: &str) {
    let Some(value) = field_value(format!("available: {text}\n").as_bytes()) else {
        return;
    };
    let Ok(filter) = Filter::from_value(&value) else {
        return;
    };
    let env = GlobalEnvironment::from_bindings("os=linux,arch=x86_64,v=1.0");
    let _ = filter.eval_to_bool(&env, false);
    let printed = filter.to_string();
    let again = field_value(format!("available: {printed}\n").as_bytes())
        .unwrap_or_else(|| panic!("{filter:?} printed as {printed:?}, which does not parse"));
    assert_eq!(
        Filter::from_value(&again).ok().as_ref(),
        Some(&filter),
        "printed as {printed:?}"
    );
}

fn field_value(src: &[u8]) -> Option<Value> {
    let file = opam_file::parse(src).ok()?;
    match file.items.into_iter().next()?.kind {
        ItemKind::Variable(_, value) => Some(value),
        ItemKind::Section(_) => None,
    }
}

/// A whole opam file: its dependency formulas and `available:`, evaluated.
fn opam_file_formulas(src: &[u8]) {
    let Ok(file) = opam_file::parse(src) else {
        return;
    };
    let definition = PackageDefinition {
        file,
        url: None,
        extra_sources: Vec::new(),
    };
    let env = GlobalEnvironment::from_bindings("os=linux,arch=x86_64");
    for formula in [
        definition.depends(),
        definition.depopts(),
        definition.conflicts(),
    ]
    .into_iter()
    .flatten()
    {
        // Not `matches`: its normal form is exponential in the disjunctions, as
        // opam's is, and no command evaluates it on input.
        let resolved = formula.filter_deps(&DependencyFlags::default(), &env, false);
        let _ = resolved.atoms();
        let _ = formula.atoms();
    }
    if let Ok(available) = definition.available() {
        let _ = available.eval_to_bool(&env, false);
    }
}
