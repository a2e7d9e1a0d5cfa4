//! One scenario per kind of change: a repository with a BASE commit and a HEAD
//! commit made from real opam files (tests/data/README.md says where each comes
//! from), the expected verdict asserted on the JSON report, and the text and
//! Markdown outputs as snapshots.

use repo_policy::{Format, Report, Rule};

use crate::fixture::{GitRepo, codes, data, edit, json};

const EXPAT_1_1_0: &str = "packages/ocaml-expat/ocaml-expat.1.1.0/opam";
const EXPAT_1_3_0: &str = "packages/ocaml-expat/ocaml-expat.1.3.0/opam";
const EXPAT_0_9_1: &str = "packages/ocaml-expat/ocaml-expat.0.9.1";
const CONFIG_FILE: &str = "packages/config-file/config-file.1.1/opam";

/// A repository whose first commit holds ocaml-expat 1.3.0.
fn expat_repo() -> GitRepo {
    let mut repo = GitRepo::new();
    repo.write(EXPAT_1_3_0, data("ocaml-expat.1.3.0.opam"));
    repo.commit("ocaml-expat 1.3.0");
    repo
}

/// Asserts the text and Markdown outputs against snapshots named after `name`.
fn snapshots(name: &str, report: &Report) {
    insta::assert_snapshot!(format!("{name}_human"), report.render(Format::Human));
    insta::assert_snapshot!(format!("{name}_markdown"), report.render(Format::Markdown));
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

#[test]
fn checksum_change_is_a_violation() {
    let mut repo = expat_repo();
    let opam = data("ocaml-expat.1.3.0.opam");
    // A re-tagged release: same URL, new archive, new checksums.
    let retagged = edit(
        &edit(
            &opam,
            "md5=f81080294871caf00c9bcd9581701c26",
            "md5=0d5d8e2b0e5d8e2b0e5d8e2b0e5d8e2b",
        ),
        "sha512=72a59c98",
        "sha512=00000000",
    );
    repo.write(EXPAT_1_3_0, retagged);
    repo.commit("ocaml-expat 1.3.0: re-tagged");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            ("POL001", "ocaml-expat.1.3.0", "url"),
            ("POL001", "ocaml-expat.1.3.0", "url"),
        ])
    );
    assert_eq!((report.errors(), report.warnings()), (2, 0));
    let json = json(&report);
    assert_eq!(json["schema"], "osec-repo-check-immutable/1");
    assert_eq!(json["versions"]["changed"], 1);
    assert_eq!(json["errors"], 2);
    let md5 = &json["findings"][0];
    assert_eq!(md5["code"], "POL001");
    assert_eq!(md5["severity"], "error");
    assert_eq!(md5["old"], "md5=f81080294871caf00c9bcd9581701c26");
    assert_eq!(md5["new"], "md5=0d5d8e2b0e5d8e2b0e5d8e2b0e5d8e2b");
    assert_eq!(md5["location"]["revision"], "head");
    assert_eq!(md5["location"]["path"], EXPAT_1_3_0);
    assert_eq!(md5["location"]["region"]["start_line"], 27);
    assert_eq!(md5["location"]["region"]["start_column"], 5);
    assert_eq!(md5["old_location"]["revision"], "base");
    assert_eq!(md5["old_location"]["region"]["start_line"], 27);
    assert!(
        json["findings"][1]["new"]
            .as_str()
            .is_some_and(|s| s.starts_with("sha512=00000000"))
    );
    snapshots("checksum_change", &report);
}

#[test]
fn patch_added_is_a_violation() {
    let mut repo = expat_repo();
    let opam = data("ocaml-expat.1.3.0.opam");
    let patched = edit(
        &opam,
        "install: [make \"install\"]\n",
        "install: [make \"install\"]\npatches: [\"Makefile.patch\"]\n",
    );
    repo.write(EXPAT_1_3_0, patched);
    repo.write(
        "packages/ocaml-expat/ocaml-expat.1.3.0/files/Makefile.patch",
        data("ocaml-expat.0.9.1.Makefile.patch"),
    );
    repo.commit("ocaml-expat 1.3.0: patch the Makefile");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            ("POL010", "ocaml-expat.1.3.0", "patches"),
            ("POL012", "ocaml-expat.1.3.0", "files/Makefile.patch"),
        ])
    );
    let json = json(&report);
    assert_eq!(json["findings"][0]["new"], "\"Makefile.patch\"");
    assert_eq!(json["findings"][0]["location"]["region"]["start_line"], 22);
    let file = &json["findings"][1];
    assert_eq!(
        file["location"]["path"],
        "packages/ocaml-expat/ocaml-expat.1.3.0/files/Makefile.patch"
    );
    assert!(file["location"]["region"].is_null());
    assert!(file["old"].is_null());
    assert!(file["new"].as_str().is_some_and(|s| s.starts_with("blob ")));
    snapshots("patch_added", &report);
}

/// ocaml-expat 0.9.1 as it was before commit 76eb35c of opam-repository: an
/// `extra-files` entry for `files/Makefile.patch`.
fn expat_0_9_1_with_files() -> GitRepo {
    let mut repo = GitRepo::new();
    repo.write(
        &format!("{EXPAT_0_9_1}/opam"),
        data("ocaml-expat.0.9.1.before-76eb35c.opam"),
    );
    repo.write(
        &format!("{EXPAT_0_9_1}/files/Makefile.patch"),
        data("ocaml-expat.0.9.1.Makefile.patch"),
    );
    repo.commit("ocaml-expat 0.9.1 with files/");
    repo
}

#[test]
fn file_under_files_changed_is_a_violation() {
    let mut repo = expat_0_9_1_with_files();
    let patch = edit(
        &data("ocaml-expat.0.9.1.Makefile.patch"),
        "+OCAMLDIR:=$(shell ocamlfind query stdlib)",
        "+OCAMLDIR:=$(shell ocamlfind query stdlib)/..",
    );
    repo.write(&format!("{EXPAT_0_9_1}/files/Makefile.patch"), patch);
    let opam = edit(
        &data("ocaml-expat.0.9.1.before-76eb35c.opam"),
        "md5=19bc9743e0db8b190ab7b42e1361d230",
        "md5=5cbd28d7a0bcd5e0a3d6c1f8e6a93b4a",
    );
    repo.write(&format!("{EXPAT_0_9_1}/opam"), opam);
    repo.commit("ocaml-expat 0.9.1: fix the patch");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            ("POL009", "ocaml-expat.0.9.1", "extra-files"),
            ("POL014", "ocaml-expat.0.9.1", "files/Makefile.patch"),
        ])
    );
    let json = json(&report);
    let entry = &json["findings"][0];
    assert_eq!(entry["message"], "extra file \"Makefile.patch\" changed");
    assert_eq!(
        entry["old"],
        "[\"Makefile.patch\" \"md5=19bc9743e0db8b190ab7b42e1361d230\"]"
    );
    assert_eq!(
        entry["new"],
        "[\"Makefile.patch\" \"md5=5cbd28d7a0bcd5e0a3d6c1f8e6a93b4a\"]"
    );
    let changed = &json["findings"][1];
    assert_eq!(changed["code"], "POL014");
    assert_ne!(changed["old"], changed["new"]);
    snapshots("file_changed", &report);
}

/// opam-repository's commit 76eb35c moved `files/` patches to `extra-source`s, and a
/// later one added sha256 checksums: both change what defines the source of a
/// released version, and each step is reported.
#[test]
fn moving_files_to_extra_source_is_reported() {
    let mut repo = expat_0_9_1_with_files();
    repo.remove(&format!("{EXPAT_0_9_1}/files"));
    repo.write(
        &format!("{EXPAT_0_9_1}/opam"),
        data("ocaml-expat.0.9.1.opam"),
    );
    repo.commit("extra-files are now extra-source; opam admin add-hashes sha256");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            (
                "POL007",
                "ocaml-expat.0.9.1",
                "extra-source \"Makefile.patch\""
            ),
            ("POL009", "ocaml-expat.0.9.1", "extra-files"),
            ("POL013", "ocaml-expat.0.9.1", "files/Makefile.patch"),
        ]),
        "adding sha256 next to the unchanged md5 of url is not reported"
    );
    let json = json(&report);
    let removed = &json["findings"][2];
    assert_eq!(removed["location"]["revision"], "base");
    assert_eq!(
        removed["location"]["path"],
        "packages/ocaml-expat/ocaml-expat.0.9.1/files/Makefile.patch"
    );
}

#[test]
fn removed_version_is_a_warning() {
    let mut repo = GitRepo::new();
    repo.write(EXPAT_1_1_0, data("ocaml-expat.1.1.0.opam"));
    repo.write(EXPAT_1_3_0, data("ocaml-expat.1.3.0.opam"));
    repo.commit("ocaml-expat 1.1.0 and 1.3.0");
    repo.remove("packages/ocaml-expat/ocaml-expat.1.1.0");
    repo.commit("remove ocaml-expat 1.1.0");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[("POL016", "ocaml-expat.1.1.0", "version")])
    );
    assert_eq!((report.errors(), report.warnings()), (0, 1));
    let json = json(&report);
    assert_eq!(json["versions"]["removed"], 1);
    assert_eq!(json["findings"][0]["severity"], "warning");
    assert_eq!(json["findings"][0]["location"]["revision"], "base");
    assert_eq!(json["findings"][0]["location"]["path"], EXPAT_1_1_0);
    snapshots("version_removed", &report);
}

#[test]
fn new_versions_with_sha256_or_sha512_pass() {
    let mut repo = GitRepo::new();
    repo.write(EXPAT_1_1_0, data("ocaml-expat.1.1.0.opam"));
    repo.commit("ocaml-expat 1.1.0");
    repo.write(EXPAT_1_3_0, data("ocaml-expat.1.3.0.opam"));
    repo.write(CONFIG_FILE, data("config-file.1.1.opam"));
    repo.commit("ocaml-expat 1.3.0 (md5, sha512), config-file 1.1 (sha256, md5)");
    let report = repo.check_last_commit();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.counts.added, 2);
    assert_eq!(json(&report)["versions"]["new"], 2);
    snapshots("new_versions_strong", &report);
}

#[test]
fn new_versions_without_sha256_or_sha512_are_violations() {
    let mut repo = GitRepo::new();
    repo.write(EXPAT_1_1_0, data("ocaml-expat.1.1.0.opam"));
    repo.commit("ocaml-expat 1.1.0");
    repo.write(
        "packages/proverif/proverif.1.98/opam",
        data("proverif.1.98.opam"),
    );
    let no_checksum = edit(
        &data("config-file.1.1.opam"),
        "  checksum: [\n    \"sha256=13afa0c65c7d431722d2bc7e00247e295828831d972a7386fe0a72d1891eba68\"\n    \"md5=7bc051234ceb29ffd5823ee6bcffe19c\"\n  ]\n",
        "",
    );
    repo.write(CONFIG_FILE, no_checksum);
    repo.commit("proverif 1.98 (md5 only), config-file 1.1 (no checksum)");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            ("POL017", "config-file.1.1", "url"),
            ("POL018", "proverif.1.98", "url"),
        ])
    );
    let json = json(&report);
    assert_eq!(
        json["findings"][0]["new"],
        "https://github.com/ocaml/opam-source-archives/raw/main/config-file-1.1.tar.gz"
    );
    assert_eq!(
        json["findings"][1]["new"],
        "md5=409506301341da28c429f2fb79f94c63"
    );
    assert_eq!(json["findings"][1]["location"]["region"]["start_line"], 53);
    snapshots("new_versions_weak", &report);
}

#[test]
fn metadata_only_change_passes() {
    let mut repo = expat_repo();
    let opam = data("ocaml-expat.1.3.0.opam");
    let edited = edit(
        &edit(
            &edit(
                &opam,
                "\"ocaml\" {>= \"4.14.1\"}",
                "\"ocaml\" {>= \"4.14.1\" & < \"6.0\"}\n  \"ounit2\" {with-test}",
            ),
            "synopsis: \"Write XML-Parsers using the SAX method\"",
            "synopsis: \"Write XML parsers using the SAX method\"",
        ),
        "license: \"MIT\"\n",
        "license: \"MIT\"\nflags: avoid-version\navailable: os != \"win32\"\nx-maintenance-intent: [\"(latest)\"]\nconflicts: [\"expat-ng\"]\n",
    );
    repo.write(EXPAT_1_3_0, edited);
    repo.commit("ocaml-expat 1.3.0: bounds, flags and metadata");
    let report = repo.check_last_commit();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.counts.changed, 1);
    let json = json(&report);
    assert_eq!(json["versions"]["changed"], 1);
    assert_eq!(json["errors"], 0);
    snapshots("metadata_only", &report);
}

/// opam's own normalised layout (`opam lint --normalise`): fields sorted, one line
/// each, comments dropped.
fn normalised(opam: &str) -> Vec<u8> {
    let file = opam_file::parse(opam.as_bytes()).expect("parses");
    let normalised = opam_file::print::normalise::normalise(&file).expect("prints");
    assert_ne!(normalised, opam.as_bytes());
    normalised
}

#[test]
fn reformatting_passes() {
    let mut repo = expat_repo();
    let opam = data("ocaml-expat.1.3.0.opam");
    // ocaml-expat 0.9.1 has patches and an extra-source.
    let old_expat = format!("{EXPAT_0_9_1}/opam");
    repo.write(&old_expat, data("ocaml-expat.0.9.1.opam"));
    repo.commit("ocaml-expat 0.9.1");
    repo.write(EXPAT_1_3_0, normalised(&opam));
    repo.write(&old_expat, normalised(&data("ocaml-expat.0.9.1.opam")));
    repo.commit("opam lint --normalise");
    // By hand: comments, another quoting, the url section first, one-line lists.
    let by_hand = format!(
        "# Released 2024\nurl {{ src: \"https://github.com/whitequark/ocaml-expat/archive/refs/tags/v1.3.0.tar.gz\"\n checksum: [ \"md5=f81080294871caf00c9bcd9581701c26\" \"\"\"sha512=72a59c982179ebc2cbd4c0659ec81c1c7422de78f9fff4bd9feebda8739d3a50d2840bb5f058e075dd63a2d1af35727e04315361febca3af6c8605ee52e27498\"\"\" ] }}\n{}",
        opam.split("url {").next().expect("before url")
    );
    repo.write(EXPAT_1_3_0, by_hand);
    repo.commit("reformat by hand");
    for (base, head, changed) in [
        ("HEAD~2", "HEAD~1", 2),
        ("HEAD~1", "HEAD", 1),
        ("HEAD~2", "HEAD", 2),
    ] {
        let report = repo_policy::check_immutable(repo.path(), base, head).expect("runs");
        assert!(
            report.findings.is_empty(),
            "{base}..{head}: {:#?}",
            report.findings
        );
        assert_eq!(report.counts.changed, changed, "{base}..{head}");
    }
    let report = repo.check_last_commit();
    snapshots("reformat_only", &report);
}

/// opam-repository's commit 1e1189d pointed config-file 1.1 at another archive with
/// another md5 (and commit 0780833 reverted it).
#[test]
fn url_src_change_is_a_violation() {
    let mut repo = GitRepo::new();
    repo.write(CONFIG_FILE, data("config-file.1.1.before-1e1189d.opam"));
    repo.commit("config-file 1.1");
    repo.write(CONFIG_FILE, data("config-file.1.1.at-1e1189d.opam"));
    repo.commit("config-file archive urls refer to framagit/zoggy/old-codes");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            ("POL001", "config-file.1.1", "url"),
            ("POL005", "config-file.1.1", "url"),
        ])
    );
    let json = json(&report);
    let src = &json["findings"][1];
    assert_eq!(
        src["old"],
        "https://download.ocamlcore.org/config-file/config_file/1.1/config-file-1.1.tar.gz"
    );
    assert_eq!(
        src["new"],
        "https://framagit.org/zoggy/old-codes/-/archive/config-file-1.1/old-codes-config-file-1.1.tar.gz"
    );
    assert_eq!(src["old_location"]["region"]["start_line"], 18);
    assert_eq!(src["location"]["region"]["start_line"], 17);
    snapshots("url_src_change", &report);
}

#[test]
fn url_src_move_with_the_same_checksum_is_a_warning() {
    let mut repo = expat_repo();
    let moved = edit(
        &data("ocaml-expat.1.3.0.opam"),
        "https://github.com/whitequark/ocaml-expat/archive/refs/tags/v1.3.0.tar.gz",
        "https://github.com/ocaml/opam-source-archives/raw/main/ocaml-expat-1.3.0.tar.gz",
    );
    repo.write(EXPAT_1_3_0, moved);
    repo.commit("ocaml-expat 1.3.0: archive moved to opam-source-archives");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[("POL006", "ocaml-expat.1.3.0", "url")])
    );
    assert_eq!((report.errors(), report.warnings()), (0, 1));
    snapshots("url_src_moved", &report);
}

#[test]
fn extra_source_checksum_change_is_a_violation() {
    let mut repo = GitRepo::new();
    let path = format!("{EXPAT_0_9_1}/opam");
    let opam = data("ocaml-expat.0.9.1.opam");
    repo.write(&path, &opam);
    repo.commit("ocaml-expat 0.9.1");
    repo.write(
        &path,
        edit(
            &opam,
            "sha256=0f9c2e46550e6e21ac9251014edc490d3aabb55e730a881aa805789a9d1cd34f",
            "sha256=1f9c2e46550e6e21ac9251014edc490d3aabb55e730a881aa805789a9d1cd34f",
        ),
    );
    repo.commit("ocaml-expat 0.9.1: the patch changed upstream");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[(
            "POL001",
            "ocaml-expat.0.9.1",
            "extra-source \"Makefile.patch\""
        )])
    );
    snapshots("extra_source_checksum", &report);
}

#[test]
fn source_editing_build_command_and_substs_are_reported() {
    let mut repo = expat_repo();
    let edited = edit(
        &data("ocaml-expat.1.3.0.opam"),
        "build: [\n",
        "substs: [\"expat_config.ml\"]\nbuild: [\n  [\"sed\" \"-i\" \"s/-Werror//\" \"Makefile\"] {os = \"macos\"}\n",
    );
    repo.write(EXPAT_1_3_0, edited);
    repo.commit("ocaml-expat 1.3.0: build fixes");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[
            ("POL011", "ocaml-expat.1.3.0", "substs"),
            ("POL015", "ocaml-expat.1.3.0", "build"),
        ])
    );
    assert_eq!((report.errors(), report.warnings()), (1, 1));
    snapshots("build_command_and_substs", &report);
}

#[test]
fn checksum_removed_weakened_or_replaced() {
    let mut repo = GitRepo::new();
    let opam = data("ocaml-expat.1.1.0.opam");
    repo.write(EXPAT_1_1_0, &opam);
    let base = repo.commit("ocaml-expat 1.1.0");
    let sha256 =
        "\"sha256=1f23e3a355182ff93f43a90c1262865339fe29778825e990ca0337050ef9f616\"\n    ";
    let cases = [
        (
            edit(
                &opam,
                &format!(
                    "  checksum: [\n    {sha256}\"md5=fa2ff6db2dcd89a7e74009eda5bd7acf\"\n  ]\n"
                ),
                "",
            ),
            Rule::ChecksumRemoved,
        ),
        (edit(&opam, sha256, ""), Rule::ChecksumWeakened),
        (
            edit(
                &edit(&opam, sha256, ""),
                "\"md5=fa2ff6db2dcd89a7e74009eda5bd7acf\"",
                "\"sha512=72a59c982179ebc2cbd4c0659ec81c1c7422de78f9fff4bd9feebda8739d3a50d2840bb5f058e075dd63a2d1af35727e04315361febca3af6c8605ee52e27498\"",
            ),
            Rule::ChecksumReplaced,
        ),
    ];
    for (text, rule) in cases {
        repo.write(EXPAT_1_1_0, text);
        let head = repo.commit(rule.name());
        let report = repo_policy::check_immutable(repo.path(), &base, &head).expect("runs");
        let rules: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [rule]);
        assert_eq!(report.errors(), usize::from(rule != Rule::ChecksumReplaced));
    }
}

#[test]
fn unparsable_opam_file_is_a_finding_not_a_pass() {
    let mut repo = expat_repo();
    let broken = edit(&data("ocaml-expat.1.3.0.opam"), "build: [\n", "build: [[\n");
    repo.write(EXPAT_1_3_0, &broken);
    repo.commit("a syntax error");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[("POL019", "ocaml-expat.1.3.0", "opam")])
    );
    let json = json(&report);
    assert_eq!(json["findings"][0]["location"]["revision"], "head");
    assert!(json["findings"][0]["location"]["region"]["start_line"].is_u64());
    snapshots("unparsable_head", &report);

    // The same file at BASE, fixed at HEAD: nothing to compare against.
    repo.write(EXPAT_1_3_0, data("ocaml-expat.1.3.0.opam"));
    repo.commit("fixed");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[("POL019", "ocaml-expat.1.3.0", "opam")])
    );
    assert_eq!(report.findings[0].location.side, repo_policy::Side::Base);
}

#[test]
fn a_moved_version_is_compared_not_removed() {
    let mut repo = expat_repo();
    repo.remove("packages/ocaml-expat");
    repo.write(
        "packages/ocaml-expat.1.3.0/opam",
        data("ocaml-expat.1.3.0.opam"),
    );
    repo.commit("flat layout");
    let report = repo.check_last_commit();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(
        (
            report.counts.changed,
            report.counts.added,
            report.counts.removed
        ),
        (1, 0, 0)
    );
}

#[test]
fn identical_revisions_and_changes_outside_packages_pass() {
    let mut repo = expat_repo();
    repo.write("README.md", "opam-repository\n");
    repo.commit("a README");
    let report = repo.check_last_commit();
    assert!(report.findings.is_empty());
    assert_eq!(report.counts, repo_policy::Counts::default());
    let report = repo_policy::check_immutable(repo.path(), "HEAD", "main").expect("runs");
    assert_eq!(report.base.commit, report.head.commit);
    assert!(report.findings.is_empty());
}

#[test]
fn output_is_deterministic() {
    let mut repo = expat_0_9_1_with_files();
    repo.remove(&format!("{EXPAT_0_9_1}/files"));
    repo.write(
        &format!("{EXPAT_0_9_1}/opam"),
        data("ocaml-expat.0.9.1.opam"),
    );
    repo.write(EXPAT_1_3_0, data("ocaml-expat.1.3.0.opam"));
    repo.commit("several changes");
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Markdown] {
        let first = repo.check_last_commit().render(format);
        let second = repo.check_last_commit().render(format);
        assert_eq!(first, second, "{format:?}");
    }
}

/// opam 1.2's layout (2016): the source in a separate `url` file, whose changes are
/// reported at that file.
#[test]
fn url_file_of_opam_1_2_is_compared() {
    let mut repo = GitRepo::new();
    let dir = "packages/config-file/config-file.1.1";
    repo.write(
        &format!("{dir}/opam"),
        data("config-file.1.1.at-3ae26f9.opam"),
    );
    let url = data("config-file.1.1.at-3ae26f9.url");
    repo.write(&format!("{dir}/url"), &url);
    repo.commit("config-file 1.1, opam 1.2");
    repo.write(
        &format!("{dir}/url"),
        edit(
            &url,
            "7bc051234ceb29ffd5823ee6bcffe19c",
            "77b0e72a15fe22868c6eceb8ba1f7325",
        ),
    );
    repo.commit("a new archive");
    let report = repo.check_last_commit();
    assert_eq!(
        codes(&report),
        triples(&[("POL001", "config-file.1.1", "url")])
    );
    let json = json(&report);
    let finding = &json["findings"][0];
    assert_eq!(finding["location"]["path"], format!("{dir}/url"));
    assert_eq!(finding["location"]["region"]["start_line"], 2);
    assert_eq!(finding["old"], "md5=7bc051234ceb29ffd5823ee6bcffe19c");
}
