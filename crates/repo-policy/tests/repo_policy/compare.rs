//! The comparison of two versions of an opam file, through `check_immutable` on a
//! repository with one commit per version: layout is never a change, and a changed
//! checksum or patch is found however the file is written.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use repo_policy::{Finding, Report, Rule};

use crate::fixture::GitRepo;

/// Where the versions compared are written.
const OPAM: &str = "packages/p/p.1/opam";

/// Adds to `repo` one branch per text, each one commit holding the text as the
/// opam file of `p.1`, and returns the branches. One `git fast-import` writes them
/// all: the proptests below add a few commits per case, and a `git` process per
/// step would make them many times slower.
fn import(repo: &GitRepo, texts: &[&str]) -> Vec<String> {
    static BRANCHES: AtomicUsize = AtomicUsize::new(0);
    let mut stream = Vec::new();
    let mut branches = Vec::new();
    for text in texts {
        let branch = format!("v{}", BRANCHES.fetch_add(1, Ordering::Relaxed));
        stream.extend_from_slice(
            format!(
                "commit refs/heads/{branch}\n\
                 committer Fixture <fixture@example.org> 1767268800 +0000\n\
                 data 3\np.1\n\
                 M 100644 inline {OPAM}\n\
                 data {}\n",
                text.len()
            )
            .as_bytes(),
        );
        stream.extend_from_slice(text.as_bytes());
        stream.extend_from_slice(b"\n");
        branches.push(branch);
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&stream)
        .expect("the stream is written");
    assert!(child.wait().expect("git ends").success(), "git fast-import");
    branches
}

/// `check_immutable` from revision `base` to revision `head`.
fn check(repo: &GitRepo, base: &str, head: &str) -> Report {
    repo_policy::check_immutable(repo.path(), base, head).expect("the check runs")
}

/// The findings from a commit holding `old` to one holding `new`.
fn findings(old: &str, new: &str) -> Vec<Finding> {
    let repo = GitRepo::new();
    let commits = import(&repo, &[old, new]);
    check(&repo, &commits[0], &commits[1]).findings
}

const SUMS: [&str; 3] = [
    "md5=0123456789abcdef0123456789abcdef",
    "sha256=1111111111111111111111111111111111111111111111111111111111111111",
    "sha512=22222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222",
];

/// The source-defining content of an opam file, to be written in two layouts.
#[derive(Debug, Clone)]
struct Spec {
    src: &'static str,
    checksums: Vec<String>,
    extra: Vec<(&'static str, Vec<String>)>,
    patches: Vec<(&'static str, bool)>,
    substs: bool,
    sed: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    let sums = proptest::sample::subsequence(SUMS.to_vec(), 0..=3)
        .prop_shuffle()
        .prop_map(|sums| sums.into_iter().map(str::to_owned).collect::<Vec<_>>());
    let names = ["a.patch", "b.patch"];
    (
        prop_oneof![
            Just("https://e.org/p-1.tar.gz"),
            Just("git+https://e.org/p.git#v1")
        ],
        sums.clone(),
        proptest::collection::vec((proptest::sample::select(names.to_vec()), sums), 0..=2),
        proptest::collection::vec(
            (proptest::sample::select(names.to_vec()), any::<bool>()),
            0..=2,
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(src, checksums, mut extra, patches, substs, sed)| {
            extra.sort_by_key(|(name, _)| *name);
            extra.dedup_by_key(|(name, _)| *name);
            Spec {
                src,
                checksums,
                extra,
                patches,
                substs,
                sed,
            }
        })
}

fn list(items: &[String], separator: &str) -> String {
    format!("[{}]", items.join(separator))
}

fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

/// One field a line, lists on one line, sources last.
fn compact(spec: &Spec) -> String {
    let mut out = String::from("opam-version: \"2.0\"\ndepends: [\"dune\"]\n");
    let mut build = Vec::new();
    if spec.sed {
        build.push("[\"sed\" \"-i\" \"s/a/b/\" \"f\"]".to_owned());
    }
    build.push("[\"dune\" \"build\"]".to_owned());
    out.push_str(&format!("build: {}\n", list(&build, " ")));
    if !spec.patches.is_empty() {
        let patches: Vec<String> = spec
            .patches
            .iter()
            .map(|(name, filtered)| {
                let filter = if *filtered { " {os = \"linux\"}" } else { "" };
                format!("\"{name}\"{filter}")
            })
            .collect();
        out.push_str(&format!("patches: {}\n", list(&patches, " ")));
    }
    if spec.substs {
        out.push_str("substs: [\"config.ml\"]\n");
    }
    let sums = |sums: &[String]| list(&sums.iter().map(|s| quoted(s)).collect::<Vec<_>>(), " ");
    out.push_str(&format!("url {{ src: \"{}\"", spec.src));
    if !spec.checksums.is_empty() {
        out.push_str(&format!(" checksum: {}", sums(&spec.checksums)));
    }
    out.push_str(" }\n");
    for (name, checksums) in &spec.extra {
        out.push_str(&format!(
            "extra-source \"{name}\" {{ src: \"https://e.org/{name}\""
        ));
        if !checksums.is_empty() {
            out.push_str(&format!(" checksum: {}", sums(checksums)));
        }
        out.push_str(" }\n");
    }
    out
}

/// Sources first, comments, lists spread over lines, a single checksum as a
/// string, triple-quoted `src`.
fn spread(spec: &Spec) -> String {
    let sums = |sums: &[String]| match sums {
        [one] => quoted(one),
        many => format!(
            "[\n    {}\n  ]",
            many.iter()
                .map(|s| quoted(s))
                .collect::<Vec<_>>()
                .join("\n    ")
        ),
    };
    let mut out = String::from("# written by hand\nopam-version: \"2.0\"\n");
    out.push_str(&format!(
        "url {{\n  src: \"\"\"{}\"\"\" (* the archive *)\n",
        spec.src
    ));
    if !spec.checksums.is_empty() {
        out.push_str(&format!("  checksum: {}\n", sums(&spec.checksums)));
    }
    out.push_str("}\n");
    for (name, checksums) in &spec.extra {
        out.push_str(&format!(
            "extra-source \"{name}\" {{\n  src:\n    \"https://e.org/{name}\"\n"
        ));
        if !checksums.is_empty() {
            out.push_str(&format!("  checksum: {}\n", sums(checksums)));
        }
        out.push_str("}\n");
    }
    if spec.substs {
        out.push_str("substs: \"config.ml\"\n");
    }
    if !spec.patches.is_empty() {
        out.push_str("patches: [\n");
        for (name, filtered) in &spec.patches {
            let filter = if *filtered { " { os = \"linux\" }" } else { "" };
            out.push_str(&format!("  \"{name}\"{filter}\n"));
        }
        out.push_str("]\n");
    }
    out.push_str("build: [\n");
    if spec.sed {
        out.push_str("  [ \"sed\" \"-i\" \"s/a/b/\" \"f\" ]\n");
    }
    out.push_str("  [ \"dune\" \"build\" ]\n]\ndepends: \"dune\"\n");
    out
}

/// Layout, comments, quoting and field order are not changes.
#[test]
fn reformatting_is_never_a_finding() {
    // One repository for all the cases, each adding its own commits.
    let repo = GitRepo::new();
    proptest!(|(spec in spec())| {
        let compact = compact(&spec);
        let spread = spread(&spec);
        let normalised = opam_file::print::normalise::normalise(
            &opam_file::parse(compact.as_bytes()).expect("parses"),
        )
        .expect("prints");
        let normalised = String::from_utf8(normalised).expect("UTF-8");
        let commits = import(&repo, &[&compact, &spread, &normalised]);
        let (compact_at, spread_at, normalised_at) = (&commits[0], &commits[1], &commits[2]);
        for (old, new, base, head) in [
            (&compact, &spread, compact_at, spread_at),
            (&spread, &compact, spread_at, compact_at),
            (&compact, &normalised, compact_at, normalised_at),
        ] {
            let report = check(&repo, base, head);
            // The version was compared: the check saw it change.
            prop_assert_eq!(report.counts.changed, usize::from(old != new));
            let found = report.findings;
            prop_assert!(found.is_empty(), "{old}\n---\n{new}\n{found:#?}");
        }
    });
}

/// A changed checksum is found however the file is laid out.
#[test]
fn a_changed_checksum_is_one_finding() {
    let repo = GitRepo::new();
    proptest!(|(spec in spec(), which in 0usize..3)| {
        prop_assume!(!spec.checksums.is_empty());
        let at = which % spec.checksums.len();
        let changed = &spec.checksums[at];
        let (algorithm, hex) = changed.split_once('=').expect("ALGO=HEX");
        let replacement = format!("{algorithm}={}", "f".repeat(hex.len()));
        let mut new_spec = spec.clone();
        new_spec.checksums[at] = replacement.clone();
        let commits = import(&repo, &[&compact(&spec), &spread(&new_spec)]);
        let found = check(&repo, &commits[0], &commits[1]).findings;
        let rules: Vec<(Rule, &str)> = found.iter().map(|f| (f.rule, f.subject.as_str())).collect();
        prop_assert_eq!(rules, vec![(Rule::ChecksumChanged, "url")]);
        prop_assert_eq!(found[0].new.as_deref(), Some(replacement.as_str()));
    });
}

#[test]
fn a_patch_whose_filter_changed_is_one_change() {
    let old = "patches: [\"a.patch\" {os = \"linux\"} \"b.patch\"]\n";
    let new = "patches: [\"a.patch\" {os = \"macos\"} \"b.patch\"]\n";
    let found = findings(old, new);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].message, "patch \"a.patch\" changed");
    assert_eq!(
        found[0].old.as_deref(),
        Some("\"a.patch\" {os = \"linux\"}")
    );
}

#[test]
fn reordered_patches_are_a_change() {
    let found = findings(
        "patches: [\"a.patch\" \"b.patch\"]\n",
        "patches: [\"b.patch\" \"a.patch\"]\n",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].message, "order of patches changed");
}
