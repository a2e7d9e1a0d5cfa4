//! `publish::build_site` on the 26 real advisories (snapshots of the pages, the feed
//! read back as XML) and on synthetic ones (updates, removals, hostile text).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use publish::{FileChange, NoProgress, OutcomeKind, SiteOptions, SiteReport, build_site};

use crate::support::{advisory_text, real_advisories, write_advisory};

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn options() -> SiteOptions<'static> {
    SiteOptions {
        released: None,
        now: "2026-11-24T00:00:00Z".parse().unwrap(),
        base_url: None,
        source_url: None,
        title: publish::site::DEFAULT_TITLE.to_owned(),
        feed_entries: publish::site::DEFAULT_FEED_ENTRIES,
    }
}

fn hosted() -> SiteOptions<'static> {
    SiteOptions {
        base_url: Some("https://example.org/advisories".to_owned()),
        source_url: Some(
            "https://github.com/ocaml/security-advisories/blob/main/advisories/".to_owned(),
        ),
        ..options()
    }
}

fn build(advisories: &Path, out: &Path, options: &SiteOptions<'_>) -> SiteReport {
    build_site(&[advisories.to_path_buf()], out, options).unwrap()
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_str().unwrap().to_owned();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The site of the real advisories, built once per test binary run.
fn real_site() -> &'static Path {
    static SITE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, out) = SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let report = build(&real_advisories(), &out, &hosted());
        assert!(report.is_complete(), "{:?}", report.outcomes);
        (dir, out)
    });
    out
}

#[test]
fn real_advisories_get_a_page_and_a_record_each_and_packages_a_page_and_json() {
    let files = tree(real_site());
    let pages: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("advisories/"))
        .collect();
    let records: Vec<&String> = files.keys().filter(|p| p.starts_with("osv/")).collect();
    assert_eq!(pages.len(), 26, "{pages:?}");
    assert_eq!(records.len(), 26, "{records:?}");
    for page in pages {
        let id = page
            .strip_prefix("advisories/")
            .unwrap()
            .strip_suffix(".html")
            .unwrap();
        assert!(files.contains_key(&format!("osv/{id}.json")), "{id}");
    }
    // One page and one JSON array per package named in an `affected` field.
    let mut packages = std::collections::BTreeSet::new();
    for file in advisory::tree::find_advisories(&[real_advisories()]).unwrap() {
        let parsed = advisory::parse(&read(&file));
        for affected in &parsed.advisory.affected {
            packages.insert(affected.package.value.clone());
        }
    }
    for package in &packages {
        let json = files
            .get(&format!("packages/{package}.json"))
            .unwrap_or_else(|| panic!("packages/{package}.json"));
        let records: Vec<serde_json::Value> = serde_json::from_slice(json).unwrap();
        assert!(!records.is_empty());
        let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{package}: records in ID order");
        for record in &records {
            let names: Vec<&str> = record["affected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["package"]["name"].as_str().unwrap())
                .collect();
            assert!(names.contains(&package.as_str()), "{package}: {names:?}");
        }
        assert!(files.contains_key(&format!("packages/{package}.html")));
    }
    let package_files = files.keys().filter(|p| p.starts_with("packages/")).count();
    assert_eq!(
        package_files,
        packages.len() * 2 + 1,
        "and packages/index.html"
    );
}

#[test]
fn the_records_in_the_site_are_those_of_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let export_options = publish::ExportOptions {
        released: None,
        with_versions: false,
        now: options().now,
    };
    publish::export(
        &[real_advisories()],
        dir.path(),
        &export_options,
        &NoProgress,
    )
    .unwrap();
    for file in publish::record_files(dir.path()).unwrap() {
        let name = file.file_name().unwrap();
        assert_eq!(
            read(&file),
            read(real_site().join("osv").join(name)),
            "{}",
            name.display()
        );
    }
}

#[test]
fn same_input_same_bytes_and_a_rebuild_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again");
    build(&real_advisories(), &out, &hosted());
    assert!(
        tree(&out) == tree(real_site()),
        "two builds of the same advisories differ"
    );
    let report = build(&real_advisories(), &out, &hosted());
    assert_eq!(report.changed(), 0, "{:?}", report.files);
    assert!(report.outcomes.iter().all(|o| matches!(
        o.kind,
        OutcomeKind::Exported {
            change: FileChange::Unchanged,
            ..
        }
    )));
}

#[test]
fn every_local_link_of_every_page_resolves() {
    let site = real_site();
    let files = tree(site);
    let mut checked = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        for attribute in ["href=\"", "src=\""] {
            for rest in text.split(attribute).skip(1) {
                let target = rest.split('"').next().unwrap();
                if target.starts_with("https://") || target.starts_with('#') {
                    continue;
                }
                assert!(
                    !target.contains(':') && !target.starts_with('/'),
                    "{path}: `{target}` is neither relative nor https"
                );
                let resolved = Path::new(path).parent().unwrap().join(target);
                let normal = normalise(&resolved);
                assert!(
                    files.contains_key(&normal),
                    "{path}: link `{target}` -> {normal} is missing"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked} links checked");
}

fn normalise(path: &Path) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for component in path.components() {
        match component.as_os_str().to_str().unwrap() {
            ".." => {
                parts.pop().expect("a link leaves the site");
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[test]
fn pages_of_real_advisories() {
    let site = real_site();
    // Constraint with `|` and `&`, three GIT ranges, credits, CVE alias.
    insta::assert_snapshot!(
        "OSEC-2026-05.html",
        read(site.join("advisories/OSEC-2026-05.html"))
    );
    // An `introduced` commit, references, a package named like a repository.
    insta::assert_snapshot!(
        "OSEC-2023-01.html",
        read(site.join("advisories/OSEC-2023-01.html"))
    );
    // Several CWEs, critical or high rating, the newest advisory.
    insta::assert_snapshot!(
        "OSEC-2026-16.html",
        read(site.join("advisories/OSEC-2026-16.html"))
    );
    insta::assert_snapshot!("index.html", read(site.join("index.html")));
    insta::assert_snapshot!(
        "packages-mirage-crypto-ec.html",
        read(site.join("packages/mirage-crypto-ec.html"))
    );
    insta::assert_snapshot!(
        "packages-index.html",
        read(site.join("packages/index.html"))
    );
    insta::assert_snapshot!("feed.xml", read(site.join("feed.xml")));
}

/// The versions a test repository has: `pkg` 0.9 to 2.0.
fn versions() -> opam_model::ReleasedVersions {
    let mut released = opam_model::ReleasedVersions::new();
    let name = opam_model::PackageName::parse("pkg").unwrap();
    for version in ["0.9", "1.0", "1.0.1", "1.1", "2.0"] {
        released.add(&name, &opam_model::Version::parse(version).unwrap());
    }
    released
}

#[test]
fn with_a_repository_pages_list_the_affected_releases() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-01-05T00:00:00Z", "")
            .replace("{< \"1.0\"}", "{>= \"1.0\" & < \"1.1\"}"),
    );
    let out = dir.path().join("site");
    let versions = versions();
    let with_repo = SiteOptions {
        released: Some(&versions),
        ..options()
    };
    build(&advisories, &out, &with_repo);
    let page = read(out.join("advisories/OSEC-2026-01.html"));
    assert!(
        page.contains(
            "<tr><th scope=\"row\">Affected releases (2)</th><td><ul class=\"versions\">\
             <li><code>1.0</code></li><li><code>1.0.1</code></li></ul></td></tr>"
        ),
        "{page}"
    );
    assert!(page.contains("fixed in <code>1.1</code>"), "{page}");
    build(&advisories, &out, &options());
    let page = read(out.join("advisories/OSEC-2026-01.html"));
    assert!(!page.contains("Affected releases"), "{page}");
    assert!(
        page.contains("<code>pkg {&gt;= &quot;1.0&quot; &amp; &lt; &quot;1.1&quot;}</code>"),
        "without a repository, the constraint: {page}"
    );
}

fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.has_tag_name((ATOM, name)))
}

fn only_child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> roxmltree::Node<'a, 'i> {
    let found: Vec<_> = children(node, name).collect();
    assert_eq!(found.len(), 1, "exactly one atom:{name}");
    found[0]
}

fn text<'a>(node: roxmltree::Node<'a, '_>, name: &'static str) -> &'a str {
    only_child(node, name).text().unwrap_or("")
}

/// Checks what RFC 4287 requires of a feed document and returns its entries as
/// (id, updated, published, alternate HTML link).
fn check_feed(xml: &str) -> Vec<(String, String, Option<String>, String)> {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    let feed = document.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    // 4.1.1: exactly one id, title, updated; an author, since entries have none.
    let feed_id = text(feed, "id");
    assert!(is_absolute_iri(feed_id), "{feed_id}");
    assert!(!text(feed, "title").is_empty());
    let feed_updated = text(feed, "updated");
    check_date(feed_updated);
    assert!(!text(only_child(feed, "author"), "name").is_empty());
    let mut entries = Vec::new();
    for entry in children(feed, "entry") {
        let id = text(entry, "id").to_owned();
        assert!(is_absolute_iri(&id), "4.2.6: an absolute IRI: {id}");
        assert!(!text(entry, "title").is_empty());
        let updated = text(entry, "updated").to_owned();
        check_date(&updated);
        let published: Vec<_> = children(entry, "published").collect();
        assert!(published.len() <= 1);
        let published = published.first().map(|p| p.text().unwrap().to_owned());
        if let Some(published) = &published {
            check_date(published);
        }
        assert_eq!(
            children(entry, "author").count(),
            0,
            "the feed's author applies"
        );
        let content = only_child(entry, "content");
        assert_eq!(content.attribute("type"), Some("html"));
        // 4.1.1: at most one alternate link per type and hreflang.
        let alternates: Vec<_> = children(entry, "link")
            .filter(|l| l.attribute("rel") == Some("alternate"))
            .collect();
        let mut types: Vec<_> = alternates.iter().map(|l| l.attribute("type")).collect();
        types.dedup();
        assert_eq!(
            types.len(),
            alternates.len(),
            "{id}: repeated alternate type"
        );
        let html = alternates
            .iter()
            .find(|l| l.attribute("type") == Some("text/html"))
            .and_then(|l| l.attribute("href"))
            .expect("an alternate text/html link")
            .to_owned();
        entries.push((id, updated, published, html));
    }
    let newest = entries
        .iter()
        .map(|e| e.1.as_str())
        .max()
        .unwrap_or_default();
    assert_eq!(
        feed_updated, newest,
        "the feed is as new as its newest entry"
    );
    let mut ids: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), entries.len(), "entry IDs are unique");
    entries
}

fn is_absolute_iri(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
            && !text.chars().any(char::is_whitespace)
    })
}

/// 3.3: an RFC 3339 date-time, `T` and `Z` upper-case.
fn check_date(text: &str) {
    let parsed: jiff::Timestamp = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    assert!(text.contains('T') && text.ends_with('Z'), "{text}");
    assert!(parsed.as_second() > 0);
}

#[test]
fn the_feed_holds_the_most_recently_modified_advisories_with_their_dates() {
    let xml = read(real_site().join("feed.xml"));
    let entries = check_feed(&xml);
    assert_eq!(entries.len(), publish::site::DEFAULT_FEED_ENTRIES);
    let mut records: Vec<osv::Vulnerability> = std::fs::read_dir(real_site().join("osv"))
        .unwrap()
        .map(|e| osv::from_str(&read(e.unwrap().path())).unwrap())
        .collect();
    records.sort_by(|a, b| b.modified.cmp(&a.modified).then(b.id.cmp(&a.id)));
    for ((id, updated, published, link), record) in entries.iter().zip(&records) {
        let page = format!(
            "https://example.org/advisories/advisories/{}.html",
            record.id
        );
        assert_eq!(id, &page, "the ID is the page under --base-url");
        assert_eq!(link, &page);
        assert_eq!(updated, record.modified.as_str());
        assert_eq!(
            published.as_deref(),
            record.published.as_ref().map(|p| p.as_str())
        );
    }
}

#[test]
fn an_updated_advisory_comes_back_first_in_the_feed_with_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    for (id, modified) in [
        ("OSEC-2026-01", "2026-01-05T00:00:00Z"),
        ("OSEC-2026-02", "2026-02-05T00:00:00Z"),
    ] {
        write_advisory(&advisories, id, &advisory_text(id, modified, ""));
    }
    let out = dir.path().join("site");
    build(&advisories, &out, &options());
    let before = check_feed(&read(out.join("feed.xml")));
    assert!(before[0].0.ends_with("OSEC-2026-02.md"), "{before:?}");
    assert_eq!(before[1].1, "2026-01-05T00:00:00Z");

    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-03-01T00:00:00Z", ""),
    );
    let report = build(&advisories, &out, &options());
    let after = check_feed(&read(out.join("feed.xml")));
    assert_eq!(after[0].0, before[1].0, "same entry ID");
    assert_eq!(after[0].1, "2026-03-01T00:00:00Z", "new `updated`");
    assert_eq!(after[0].2.as_deref(), Some("2025-01-01T00:00:00Z"));
    let changed: Vec<String> = report
        .files
        .iter()
        .filter(|(_, c)| *c != FileChange::Unchanged)
        .map(|(p, _)| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert_eq!(
        changed,
        [
            "advisories/OSEC-2026-01.html",
            "feed.xml",
            "osv/OSEC-2026-01.json",
            "packages/pkg.json",
        ],
        "the index and package page show `published`, which did not change"
    );
}

#[test]
fn without_a_base_url_feed_links_are_relative_and_ids_absolute() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&real_advisories(), &out, &options());
    let xml = read(out.join("feed.xml"));
    let entries = check_feed(&xml);
    for (id, _, _, link) in &entries {
        assert!(
            id.starts_with("https://github.com/ocaml/security-advisories/tree/main/advisories/"),
            "{id}"
        );
        assert!(link.starts_with("advisories/OSEC-"), "{link}");
        assert!(out.join(link).is_file(), "{link}");
    }
    assert!(
        !xml.contains("rel=\"self\""),
        "no self link without a base URL"
    );
}

#[test]
fn a_bad_base_url_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    for url in ["example.org", "javascript:alert(1)", "ftp://example.org/"] {
        let err = build_site(
            &[real_advisories()],
            &out,
            &SiteOptions {
                base_url: Some(url.to_owned()),
                ..options()
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("--base-url"), "{err}");
        assert!(err.to_string().contains(url), "{err}");
    }
    assert!(!out.exists());
}

#[test]
fn removed_advisories_and_packages_leave_the_site_and_other_files_stay() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-01-05T00:00:00Z", ""),
    );
    let gone = write_advisory(
        &advisories,
        "OSEC-2026-02",
        &advisory_text("OSEC-2026-02", "2026-02-05T00:00:00Z", "")
            .replace("\"pkg\"", "\"other-pkg\""),
    );
    let out = dir.path().join("site");
    build(&advisories, &out, &options());
    assert!(out.join("packages/other-pkg.json").is_file());
    let kept = [
        "README.md",
        "advisories/notes.txt",
        "packages/.keep",
        "CNAME",
    ];
    for file in kept {
        std::fs::write(out.join(file), "mine").unwrap();
    }
    std::fs::remove_file(gone).unwrap();
    let report = build(&advisories, &out, &options());
    let removed: Vec<String> = report
        .removed
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert_eq!(
        removed,
        [
            "advisories/OSEC-2026-02.html",
            "osv/OSEC-2026-02.json",
            "packages/other-pkg.html",
            "packages/other-pkg.json",
        ]
    );
    for file in kept {
        assert_eq!(read(out.join(file)), "mine", "{file}");
    }
    assert!(!read(out.join("index.html")).contains("OSEC-2026-02"));
}

#[test]
fn a_withdrawn_advisory_says_so_on_its_page_and_in_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text(
            "OSEC-2026-01",
            "2026-01-05T00:00:00Z",
            "withdrawn: \"2026-01-05T00:00:00Z\"\n",
        ),
    );
    write_advisory(
        &advisories,
        "OSEC-2026-02",
        &advisory_text("OSEC-2026-02", "2026-01-05T00:00:00Z", ""),
    );
    let out = dir.path().join("site");
    let report = build(&advisories, &out, &options());
    assert!(report.is_complete(), "{:?}", report.outcomes);
    let page = read(out.join("advisories/OSEC-2026-01.html"));
    assert!(
        page.contains(
            "<p class=\"notice\"><strong>Withdrawn</strong> on <time datetime=\"2026-01-05T00:00:00Z\">2026-01-05</time>"
        ),
        "{page}"
    );
    assert!(!read(out.join("advisories/OSEC-2026-02.html")).contains("Withdrawn"));
    let index = read(out.join("index.html"));
    assert_eq!(
        index
            .matches("<span class=\"tag withdrawn\">Withdrawn</span>")
            .count(),
        1
    );
}

#[test]
fn an_advisory_failing_lint_is_left_out_and_the_rest_built() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-01-05T00:00:00Z", ""),
    );
    write_advisory(
        &advisories,
        "OSEC-2026-02",
        &advisory_text("OSEC-2026-02", "2026-02-05T00:00:00Z", "colour: red\n"),
    );
    let out = dir.path().join("site");
    let report = build(&advisories, &out, &options());
    assert!(!report.is_complete());
    assert_eq!(report.published(), 1);
    assert!(matches!(
        report.outcomes[1].kind,
        OutcomeKind::LintFailed(_)
    ));
    assert!(out.join("advisories/OSEC-2026-01.html").is_file());
    assert!(!out.join("advisories/OSEC-2026-02.html").exists());
}

#[test]
fn hostile_advisory_text_is_inert_on_every_page_and_in_the_feed() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    let text = advisory_text(
        "OSEC-2026-01",
        "2026-01-05T00:00:00Z",
        "references: [\n  [fix \"https://example.org/\\\"onmouseover=\\\"alert(1)\"]\n]\n\
         credits: [\n  [finder \"<img src=x onerror=alert(1)>\"]\n]\n",
    )
    .replace(
        "# Summary of OSEC-2026-01",
        "# <script>alert('summary')</script> in \"quotes\" & more",
    )
    .replace(
        "Details of OSEC-2026-01.",
        "<script>alert('details')</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
    );
    write_advisory(&advisories, "OSEC-2026-01", &text);
    let out = dir.path().join("site");
    let report = build(&advisories, &out, &options());
    assert!(report.is_complete(), "{:?}", report.outcomes);
    for page in [
        "advisories/OSEC-2026-01.html",
        "index.html",
        "packages/pkg.html",
    ] {
        let html = read(out.join(page)).to_ascii_lowercase();
        let scripts = html.matches("<script").count();
        let own = usize::from(page == "index.html");
        assert_eq!(scripts, own, "{page}: only the site's own script:\n{html}");
        assert!(!html.contains("<img"), "{page}");
        assert!(!html.contains("href=\"javascript"), "{page}");
        let handlers = event_handlers(&html);
        assert!(handlers.is_empty(), "{page}: {handlers:?}");
    }
    let page = read(out.join("advisories/OSEC-2026-01.html"));
    assert!(
        page.contains("<h1>&lt;script&gt;alert(&#39;summary&#39;)&lt;/script&gt; in &quot;quotes&quot; &amp; more</h1>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"https://example.org/&quot;onmouseover=&quot;alert(1)\">"),
        "a quote cannot end the attribute: {page}"
    );
    let feed = read(out.join("feed.xml"));
    check_feed(&feed);
    let document = roxmltree::Document::parse(&feed).unwrap();
    let content = document
        .descendants()
        .find(|n| n.has_tag_name((ATOM, "content")))
        .unwrap()
        .text()
        .unwrap();
    assert!(!content.contains("<script"), "{content}");
    assert!(!content.contains("href=\"javascript"), "{content}");
    assert!(event_handlers(content).is_empty(), "{content}");
}

/// The tags that carry an event handler attribute (`onerror=`, `onload=`…). Text
/// is escaped, so every `<` opens real markup.
fn event_handlers(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| {
            tag.split(|c: char| c.is_whitespace() || c == '/')
                .skip(1)
                .any(|attribute| attribute.starts_with("on") && attribute.contains('='))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn nothing_is_written_outside_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-01-05T00:00:00Z", "")
            .replace("\"pkg\"", "\"../../escape\""),
    );
    let before = tree(dir.path());
    let out = dir.path().join("deep/site");
    build(&advisories, &out, &options());
    let after = tree(dir.path());
    let outside: Vec<&String> = after
        .keys()
        .filter(|p| !p.starts_with("deep/site/") && !before.contains_key(*p))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}
