use audit::input::{Input, detect};

use crate::scenario;

/// Every broken case, read: the rendered error, with the fixture directory removed from
/// paths so the snapshot does not depend on the checkout.
fn render_all() -> String {
    let base = scenario("broken");
    let mut cases: Vec<_> = std::fs::read_dir(&base)
        .expect("broken/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    cases.sort();
    let prefix = format!("{}/", base.display());
    let mut out = String::new();
    for case in cases {
        let name = case
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_owned();
        // an export is never detected, only named with --export
        let result = if name == "not-an-export" {
            Input::export(&case.join("switch.export")).read()
        } else {
            let inputs = detect(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(inputs.len(), 1, "{name}: {inputs:?}");
            inputs[0].read()
        };
        match result {
            Ok(inventory) => panic!("{name}: read without error: {} packages", inventory.len()),
            Err(err) => {
                let position = err
                    .position()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".to_owned());
                out.push_str(&format!(
                    "== {name} ({position})\n{}\n",
                    err.to_string().replace(&prefix, "")
                ));
            }
        }
    }
    out
}

#[test]
fn every_broken_file_is_an_error_with_file_and_position() {
    insta::assert_snapshot!(render_all());
}
