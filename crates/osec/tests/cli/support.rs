use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary directory in which `osec` runs.
pub(crate) struct TestDir {
    dir: tempfile::TempDir,
}

/// What a run of `osec` produced.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl TestDir {
    pub(crate) fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `relative`, creating directories.
    pub(crate) fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// The codes of the findings of `osec lint PATH --format json`.
    pub(crate) fn lint_codes(&self, path: &str) -> Vec<String> {
        let lint = self.osec(&["lint", path, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The cache directory `osec` uses in this directory's runs (`$XDG_CACHE_HOME/osec`).
    pub(crate) fn cache(&self) -> PathBuf {
        self.path().join(".cache/osec")
    }

    /// Runs `osec ARGS` in the directory.
    pub(crate) fn osec(&self, args: &[&str]) -> Output {
        self.osec_with_env(args, &[])
    }

    /// Runs `osec ARGS` in the directory with extra environment variables. Every run
    /// gets its own cache (`XDG_CACHE_HOME` in the directory) and opam root
    /// (`OPAMROOT`, absent unless the test makes it), no proxy and no `OSEC_OFFLINE`
    /// from the environment of the tests.
    pub(crate) fn osec_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_osec"));
        command.args(args);
        self.prepare(&mut command);
        command.envs(env.iter().copied());
        let output = command.output().unwrap();
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Runs `osec ARGS` as [`TestDir::osec`] does, for hostile inputs: a run that
    /// blocks (on a FIFO) is killed after 10 s and fails the test instead of hanging
    /// it, and the address space is limited to 2 GiB (`ulimit -v`), so that a read
    /// without bound (`/dev/zero`) fails instead of exhausting the machine.
    pub(crate) fn osec_guarded(&self, args: &[&str]) -> Output {
        let logs = tempfile::tempdir().unwrap();
        let stdout = logs.path().join("stdout");
        let stderr = logs.path().join("stderr");
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_osec"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        self.prepare(&mut command);
        let mut child = command.spawn().unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(10) {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("osec {args:?} still running after 10 s: killed");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        Output {
            code: status.code().unwrap_or(-1),
            stdout: std::fs::read_to_string(stdout).unwrap(),
            stderr: std::fs::read_to_string(stderr).unwrap(),
        }
    }

    /// The directory, cache and environment of every run.
    pub(crate) fn prepare(&self, command: &mut Command) {
        command
            .current_dir(self.path())
            .env("XDG_CACHE_HOME", self.path().join(".cache"))
            // Never the opam root of the user running the tests.
            .env("OPAMROOT", self.path().join(".opam"));
        for name in [
            "OSEC_OFFLINE",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            command.env_remove(name);
        }
    }
}

/// Makes a FIFO at `path` with `mkfifo(1)`.
pub(crate) fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// The permission bits of `path`.
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

/// Sets the permission bits of `path`.
pub(crate) fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The directory of the advisory crate's test data.
pub(crate) fn advisory_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../advisory/tests/data")
}

/// An `osec audit` scenario made with the real opam (crates/audit/tests/data/audit).
pub(crate) fn scenario(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../audit/tests/data/audit")
        .join(name)
        .display()
        .to_string()
}

/// Copies the 26 real advisories into `dir/advisories`.
pub(crate) fn copy_real_advisories(dir: &TestDir) {
    copy_tree(
        &advisory_data().join("real"),
        &dir.path().join("advisories"),
    );
}

/// Copies the directory `from` (files and directories) to `to`.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A valid advisory with ID `id` (for `advisories/<year>/<id>.md`).
pub(crate) fn advisory(id: &str) -> String {
    format!(
        "```\nid: {id}\nmodified: \"2026-03-02T10:00:00Z\"\npublished: \"2026-03-01T10:00:00Z\"\n\
         severity: \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H\"\nseverity_score: \"9.1 (Critical)\"\n\
         affected: \"ocaml\" {{< \"4.03.0\"}}\n```\n\n# A bug\n\nDetails.\n"
    )
}

/// A zip archive of `entries` (name, text), stored, like a hand-made `all.zip`.
pub(crate) fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// An OSV record of `id` affecting `name` 6.2.2 (the vulnerable scenario's cohttp) in
/// `ecosystem`.
pub(crate) fn record(id: &str, ecosystem: &str, name: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2026-11-01T00:00:00Z","summary":"A test record",
"affected":[{{"package":{{"ecosystem":"{ecosystem}","name":"{name}"}},"versions":["6.2.2"]}}]}}"#
    )
}

/// Issue 14's ambiguous archive: `OSEC-2026-99.json` twice, the second copy without
/// affected packages (zip writers refuse to write one: the name of the second entry
/// is replaced afterwards, in its local header and the central directory alike).
pub(crate) fn zip_naming_an_entry_twice() -> Vec<u8> {
    let emptied = r#"{"id":"OSEC-2026-99","modified":"2026-11-02T00:00:00Z","affected":[]}"#;
    let record = record("OSEC-2026-99", "opam", "cohttp");
    let bytes = zip_of(&[
        ("OSEC-2026-99.json", record.as_str()),
        ("OSEC-2026-XX.json", emptied),
    ]);
    let text = bytes.escape_ascii().to_string();
    assert_eq!(text.matches("OSEC-2026-XX.json").count(), 2);
    let mut out = bytes.clone();
    for at in 0..bytes.len() {
        if bytes[at..].starts_with(b"OSEC-2026-XX.json") {
            out[at..at + 17].copy_from_slice(b"OSEC-2026-99.json");
        }
    }
    out
}

/// Issue 14's database of another ecosystem: one PyPI record (a PyPI `all.zip` given by
/// mistake).
pub(crate) fn pypi_zip() -> Vec<u8> {
    zip_of(&[(
        "PYSEC-2026-1.json",
        &record("PYSEC-2026-1", "PyPI", "cohttp"),
    )])
}

/// What `audit` and `db status` say of [`pypi_zip`] at `db`.
pub(crate) fn no_opam_records(db: &str) -> String {
    format!(
        "error: {db}: 1 records, none about an opam package (ecosystems: PyPI): it is not a \
         database of opam advisories, and checking against it would find nothing; pass an \
         opam database, or --allow-empty-db to use it anyway\n"
    )
}
