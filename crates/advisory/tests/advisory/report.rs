//! `osec report`: the skeleton asks for every item of the disclosure process.

use advisory::draft::DRAFT_MARKER;
use advisory::report::{ReportRequest, report_skeleton};

/// The items "What is needed in a report about a security issue?" lists in the README
/// of ocaml/security-advisories, as the skeleton's words for them.
const ASKED: [&str; 9] = [
    "## Description",
    "Keep me anonymous",
    "## Reproduction with opam-installed packages",
    "## Weakness (CWE)",
    "## Severity (CVSS)",
    "## CVE",
    "Static analysis",
    "LLM",
    "for writing this report",
];

#[test]
fn the_skeleton_asks_for_every_item_and_fills_what_is_given() {
    let given = ReportRequest {
        package: "cohttp-lwt-unix".into(),
        versions: Some(">= 6.0.0, tested 6.1.0".into()),
        cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into()),
        cwes: vec!["CWE-22".into()],
    };
    let text = report_skeleton(&given).unwrap();
    insta::assert_snapshot!("report-given", text);
    let blank = report_skeleton(&ReportRequest {
        package: "cohttp-lwt-unix".into(),
        ..ReportRequest::default()
    })
    .unwrap();
    insta::assert_snapshot!("report-blank", blank);
    for text in [&text, &blank] {
        for item in ASKED {
            assert!(text.contains(item), "{item}");
        }
        assert!(text.contains("opam install cohttp-lwt-unix."));
        assert!(text.starts_with("To: security@ocaml.org\n"));
    }
    assert!(text.contains("- Score: 7.5 (High)"), "{text}");
    assert!(text.contains("- CWE-22\n"));
    assert!(text.contains("- Affected versions: >= 6.0.0, tested 6.1.0\n"));
    // What is given is no longer left to write.
    assert_eq!(
        blank.matches(DRAFT_MARKER).count() - text.matches(DRAFT_MARKER).count(),
        4
    );
}
