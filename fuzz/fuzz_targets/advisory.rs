//! Advisories: parse, lint (every rule, every renderer), the canonical layout (which
//! must be idempotent) and, for an advisory without errors, the conversion to OSV,
//! whose record validates and reads back as written.

#![no_main]

use std::path::Path;

use advisory::format::format_advisory;
use advisory::lint::{Level, LintOptions, OutputFormat, lint_source, render};
use advisory::to_osv::{ConvertOptions, to_osv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Advisories are UTF-8; osec refuses other files before parsing them.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = LintOptions {
        now: "2026-11-24T00:00:00Z".parse().expect("a date"),
        packages: None,
    };
    let report = lint_source(
        Path::new("advisories/2026/OSEC-2026-01.md"),
        text.to_owned(),
        &options,
    );
    let reports = [report];
    for format in [OutputFormat::Human, OutputFormat::Json, OutputFormat::Sarif] {
        let _ = render(&reports, format);
    }
    if let Ok(once) = format_advisory(text) {
        let twice = format_advisory(&once).expect("a formatted advisory formats");
        assert_eq!(twice, once, "formatting is not idempotent");
    }
    if reports[0].count(Level::Error) == 0 {
        let parsed = advisory::parse(text);
        let conversion = to_osv(
            &parsed.advisory,
            &ConvertOptions {
                released: None,
                with_versions: false,
            },
        )
        .expect("an advisory that lints without errors converts");
        let json = osv::to_string_pretty(&conversion.record);
        let again = osv::from_str(&json).expect("the record reads back");
        assert_eq!(again, conversion.record);
    }
});
