//! `feed.xml`: an Atom feed (RFC 4287) of the most recently modified advisories.
//!
//! An entry's `updated` is the advisory's `modified` and its `published` is
//! `published`, so a reader shows an advisory again when it changes. The entry's
//! `id` never changes: the advisory's page under `--base-url`, or, without a base
//! URL, the advisory's link in the database repository
//! (`database_specific.human_link`, an absolute URL). The feed's own `updated` is
//! the newest `modified` of all advisories (its newest entry's), so the same
//! advisories give the same bytes. Without
//! `--base-url`, links are relative references, which readers resolve against the
//! feed's own URL (RFC 4287 section 2 and RFC 3986 section 5).

use std::fmt::Write as _;

use advisory::to_osv::DATABASE_TREE_URL;

use super::html::escape;
use super::pages::advisory_path;
use super::{SiteAdvisory, SiteContext, human_link};

/// The feed's text.
pub(crate) fn atom(advisories: &[SiteAdvisory], site: &SiteContext<'_>) -> String {
    let mut newest: Vec<&SiteAdvisory> = advisories.iter().collect();
    newest.sort_by(|a, b| {
        b.record
            .modified
            .cmp(&a.record.modified)
            .then(b.id.cmp(&a.id))
    });
    newest.truncate(site.feed_entries);
    let base = site.base_url.unwrap_or("");

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
    let _ = writeln!(out, "  <title>{}</title>", escape(site.title));
    let _ = writeln!(
        out,
        "  <subtitle>The {} most recently published or updated advisories.</subtitle>",
        newest.len()
    );
    let feed_id = match site.base_url {
        Some(base) => format!("{base}feed.xml"),
        None => format!("{DATABASE_TREE_URL}main/advisories/"),
    };
    let _ = writeln!(out, "  <id>{}</id>", escape(&feed_id));
    if site.base_url.is_some() {
        let _ = writeln!(
            out,
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}feed.xml\"/>",
            escape(base)
        );
    }
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}index.html\"/>",
        escape(base)
    );
    let updated = advisories
        .iter()
        .map(|a| &a.record.modified)
        .max()
        .map_or("1970-01-01T00:00:00Z", |t| t.as_str());
    let _ = writeln!(out, "  <updated>{}</updated>", escape(updated));
    let _ = writeln!(
        out,
        "  <author>\n    <name>{}</name>\n  </author>",
        escape(site.title)
    );
    out.push_str("  <generator>osec</generator>\n");
    for advisory in newest {
        entry(&mut out, advisory, site);
    }
    out.push_str("</feed>\n");
    out
}

fn entry(out: &mut String, advisory: &SiteAdvisory, site: &SiteContext<'_>) {
    let record = &advisory.record;
    let base = site.base_url.unwrap_or("");
    let page = format!("{base}{}", advisory_path(&advisory.id_text));
    let id = match site.base_url {
        Some(_) => Some(page.clone()),
        None => human_link(record),
    }
    .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{}", advisory.id_text));
    let summary = record.summary.as_deref().unwrap_or("");
    out.push_str("  <entry>\n");
    let _ = writeln!(
        out,
        "    <title>{}: {}</title>",
        escape(&advisory.id_text),
        escape(summary)
    );
    let _ = writeln!(out, "    <id>{}</id>", escape(&id));
    let _ = writeln!(
        out,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&page)
    );
    let _ = writeln!(
        out,
        "    <link rel=\"alternate\" type=\"application/json\" href=\"{}osv/{}.json\"/>",
        escape(base),
        escape(&advisory.id_text)
    );
    if let Some(published) = &record.published {
        let _ = writeln!(
            out,
            "    <published>{}</published>",
            escape(published.as_str())
        );
    }
    let _ = writeln!(
        out,
        "    <updated>{}</updated>",
        escape(record.modified.as_str())
    );
    for package in &advisory.packages {
        let _ = writeln!(
            out,
            "    <category term=\"{}\" label=\"package {}\"/>",
            escape(package),
            escape(package)
        );
    }
    for cwe in &advisory.advisory.cwe {
        let _ = writeln!(out, "    <category term=\"{}\"/>", escape(&cwe.value));
    }
    let _ = writeln!(out, "    <summary>{}</summary>", escape(summary));
    let _ = writeln!(
        out,
        "    <content type=\"html\">{}</content>",
        escape(&advisory.details_html)
    );
    out.push_str("  </entry>\n");
}
