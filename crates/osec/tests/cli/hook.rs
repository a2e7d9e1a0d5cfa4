//! `osec hook` with Debian's opam (the reference implementation of
//! ../shared/oracle, installed by `.ci/run`) in a throwaway opam root (the test
//! directory's, which every run of osec here gets as `OPAMROOT`) over a local
//! repository, offline: a warning hook lets an affected version in and tells the
//! terminal, `--deny` refuses it, `remove` restores the configuration before.
//! And the repository's `opam` file: opam's linter accepts it, and opam installs
//! from it (its build step, a release build with cargo, replaced by the binary
//! these tests run) an `osec` that `opam osec` runs as a plugin.
//! Without opam (or `script`, which gives opam a terminal) the tests say so and
//! skip, unless CI requires the tools.

use std::process::Command;

use crate::consumers::tools_required;
use crate::support::TestDir;

/// `opam ARGS` in the test's opam root, non-interactive: (success, stdout+stderr).
fn opam(dir: &TestDir, args: &[&str]) -> (bool, String) {
    let output = Command::new("opam")
        .args(args)
        .current_dir(dir.path())
        .env("OPAMROOT", dir.path().join(".opam"))
        .env("XDG_CACHE_HOME", dir.path().join(".cache"))
        .env("OPAMYES", "1")
        .env("OPAMNOENVNOTICE", "1")
        .env("OPAMCOLOR", "never")
        .output()
        .expect("opam runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// `opam install` under `script`, which gives it a terminal as a user would have:
/// what that terminal showed, and whether the install succeeded.
fn opam_install_on_a_terminal(dir: &TestDir, package: &str) -> (bool, String) {
    let output = Command::new("script")
        .args([
            "-qec",
            &format!("opam install --switch sw {package}"),
            "/dev/null",
        ])
        .current_dir(dir.path())
        .env("OPAMROOT", dir.path().join(".opam"))
        .env("XDG_CACHE_HOME", dir.path().join(".cache"))
        .env("OPAMYES", "1")
        .env("OPAMNOENVNOTICE", "1")
        .env("OPAMCOLOR", "never")
        .output()
        .expect("script runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The installed version of `name` in the switch, if any.
fn installed(dir: &TestDir, name: &str) -> Option<String> {
    let (_, text) = opam(
        dir,
        &[
            "list",
            "--switch",
            "sw",
            "--installed",
            "--short",
            "--columns=version",
            name,
        ],
    );
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('['))
        .map(str::to_owned)
}

fn tools_present() -> bool {
    let found = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if found("opam") && found("script") {
        return true;
    }
    assert!(
        !tools_required(),
        "opam or script(1) is missing, which CI requires: run `bash .ci/run`, which installs opam"
    );
    eprintln!("skipped: no opam or no script(1) on PATH (bash .ci/run installs opam)");
    false
}

/// A throwaway opam root (the test directory's `.opam`) over a local repository
/// holding `packages`, with an empty switch `sw`.
fn opam_root(dir: &TestDir, packages: &[(&str, &str, &str)]) {
    for (name, version, opam_file) in packages {
        dir.write(
            &format!("repo/packages/{name}/{name}.{version}/opam"),
            opam_file,
        );
    }
    dir.write("repo/repo", "opam-version: \"2.0\"\n");
    let repo = dir.path().join("repo").display().to_string();
    let (ok, text) = opam(
        dir,
        &[
            "init",
            "--bare",
            "--no-setup",
            "--disable-sandboxing",
            "local",
            &repo,
        ],
    );
    assert!(ok, "{text}");
    let (ok, text) = opam(dir, &["switch", "create", "sw", "--empty"]);
    assert!(ok, "{text}");
}

#[test]
fn the_repository_opam_file_installs_osec_as_an_opam_plugin() {
    if !tools_present() {
        return;
    }
    let dir = TestDir::new();
    let opam_file = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../opam"),
    )
    .expect("the repository's opam file");
    let copy = dir.write("osec.opam", &opam_file);
    // Warning 44 asks plugin packages to be named opam-NAME; the package is osec,
    // as its command is.
    let (ok, text) = opam(
        &dir,
        &["lint", "--warnings=-44", &copy.display().to_string()],
    );
    assert!(ok && text.contains("Passed"), "{text}");
    assert!(opam_file.contains("flags: plugin"), "{opam_file}");
    // The package as published, but for the cargo build (minutes on this machine)
    // and its conf-rust dependency: the binary under test stands for its output.
    let build = opam_file.find("\nbuild: [").expect("a build field");
    let install = opam_file.find("\ninstall: [").expect("an install field");
    let depends = opam_file.find("\ndepends: [").expect("a depends field");
    let packaged = format!("{}{}", &opam_file[..depends], &opam_file[install..]);
    assert!(depends < build && build < install, "{opam_file}");
    let packaged = packaged
        .lines()
        .filter(|l| !l.starts_with("name:") && !l.starts_with("version:"))
        .collect::<Vec<_>>()
        .join("\n");
    opam_root(&dir, &[("osec", "0.1.0", &packaged)]);
    let binary = dir
        .path()
        .join("repo/packages/osec/osec.0.1.0/files/target/release/osec");
    std::fs::create_dir_all(binary.parent().expect("parent")).expect("mkdir");
    std::fs::copy(env!("CARGO_BIN_EXE_osec"), &binary).expect("copy");
    // Smaller copies for opam to make (debug symbols are most of the binary).
    let _ = Command::new("strip").arg(&binary).status();
    let (ok, text) = opam(&dir, &["update"]);
    assert!(ok, "{text}");
    let (ok, text) = opam(&dir, &["install", "--switch", "sw", "osec"]);
    assert!(ok, "{text}");
    let (ok, text) = opam(&dir, &["osec", "hook", "status"]);
    assert!(ok, "{text}");
    assert!(
        text.ends_with("not installed (osec hook install)\n"),
        "{text}"
    );
    let (ok, text) = opam(&dir, &["osec", "--version"]);
    assert!(ok && text.contains(env!("CARGO_PKG_VERSION")), "{text}");
}

#[test]
fn the_hook_warns_on_a_terminal_denies_with_deny_and_remove_restores_the_configuration() {
    if !tools_present() {
        return;
    }
    let dir = TestDir::new();
    let plain = "opam-version: \"2.0\"\nsynopsis: \"a package\"\n";
    opam_root(
        &dir,
        &[
            ("cohttp", "6.2.2", plain),
            ("cohttp", "6.3.0", plain),
            ("widget", "1.0", plain),
        ],
    );
    // A hook of the user's own, which osec must leave alone.
    let (ok, text) = opam(
        &dir,
        &[
            "option",
            "--global",
            r#"pre-install-commands=[["sh" "-c" "true"]]"#,
        ],
    );
    assert!(ok, "{text}");
    let (_, before) = opam(&dir, &["option", "--global"]);
    assert!(before.contains(r#"["sh" "-c" "true"]"#), "{before}");

    let status = dir.osec(&["hook", "status"]);
    assert_eq!(
        (status.code, status.stdout.as_str()),
        (0, "not installed (osec hook install)\n")
    );
    let install = dir.osec(&["hook", "install"]);
    assert_eq!(install.code, 0, "{}", install.stderr);
    let status = dir.osec(&["hook", "status"]);
    assert!(
        status
            .stdout
            .starts_with("installed: opam warns about affected versions"),
        "{}",
        status.stdout
    );

    // Warn: the advisory, its severity and the fixed version on the terminal; installed.
    let (ok, shown) = opam_install_on_a_terminal(&dir, "cohttp.6.2.2");
    assert!(ok, "{shown}");
    assert!(
        shown.contains("osec: cohttp 6.2.2 is affected by 1 advisory:")
            && shown.contains("OSEC-2026-16 (high 8.7): Path traversal in Cohttp.Path.resolve_local_file; fixed in 6.3.0"),
        "{shown}"
    );
    assert_eq!(installed(&dir, "cohttp").as_deref(), Some("6.2.2"));
    // A version no advisory affects: nothing said.
    let (ok, shown) = opam_install_on_a_terminal(&dir, "widget.1.0");
    assert!(ok && !shown.contains("osec:"), "{shown}");

    // Deny: the hook replaces the warning one; an affected version is refused, a
    // fixed one goes in.
    let install = dir.osec(&["hook", "install", "--deny"]);
    assert_eq!(install.code, 0, "{}", install.stderr);
    assert!(
        install.stdout.starts_with("replaced "),
        "{}",
        install.stdout
    );
    let (_, hooks) = opam(&dir, &["option", "--global", "pre-install-commands"]);
    assert_eq!(hooks.matches("hook\" \"check\"").count(), 1, "{hooks}");
    let (ok, text) = opam(&dir, &["install", "--switch", "sw", "cohttp.6.3.0"]);
    assert!(ok, "{text}");
    assert_eq!(installed(&dir, "cohttp").as_deref(), Some("6.3.0"));
    let (ok, text) = opam(&dir, &["install", "--switch", "sw", "cohttp.6.2.2"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("refused by `osec hook install --deny`") && text.contains("OSEC-2026-16"),
        "{text}"
    );
    assert_ne!(installed(&dir, "cohttp").as_deref(), Some("6.2.2"));

    // Remove: the configuration as it was, the user's hook included.
    let remove = dir.osec(&["hook", "remove"]);
    assert_eq!(remove.code, 0, "{}", remove.stderr);
    assert!(remove.stdout.starts_with("removed "), "{}", remove.stdout);
    let (_, after) = opam(&dir, &["option", "--global"]);
    assert_eq!(after, before);
    let again = dir.osec(&["hook", "remove"]);
    assert_eq!(
        again.stdout,
        "osec's hook is not installed: nothing to remove\n"
    );
}
