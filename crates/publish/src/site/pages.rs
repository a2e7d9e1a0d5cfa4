//! The HTML pages: the index, one page per advisory, the package pages.
//!
//! Pages are plain HTML5 with landmarks (`header`, `nav`, `main`, `footer`),
//! headings in order, tables with header cells, and a label for every control.
//! They are readable without the script; the script only adds the index's filter.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::html::{Frame, Section, escape, external_link, external_url, page};
use super::{Rating, SiteAdvisory, SiteContext};

/// The style sheet of every page.
pub(crate) const STYLE: &str = include_str!("style.css");

/// The index's filter.
pub(crate) const FILTER_SCRIPT: &str = include_str!("filter.js");

/// The path of an advisory's page, relative to the site root.
pub(crate) fn advisory_path(id: &str) -> String {
    format!("advisories/{id}.html")
}

/// `index.html`: every advisory, newest first, and the filter's form (hidden until
/// the script shows it).
pub(crate) fn index(advisories: &[SiteAdvisory], site: &SiteContext<'_>) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(site.title));
    let _ = writeln!(
        body,
        "<p class=\"lead\">Security advisories for OCaml packages published in opam. \
         Subscribe to the <a href=\"feed.xml\">Atom feed</a> for new and updated advisories, \
         or browse them <a href=\"packages/index.html\">by package</a>.</p>"
    );
    body.push_str(&filter_form(advisories));
    let _ = writeln!(
        body,
        "<p id=\"filter-status\" class=\"status\" role=\"status\" aria-live=\"polite\">{}</p>",
        count_text(advisories.len())
    );
    let rows: Vec<&SiteAdvisory> = advisories.iter().collect();
    body.push_str(&advisory_table(&rows, "", "All advisories, newest first"));
    page(
        &Frame {
            site_title: site.title,
            page_title: None,
            root: "",
            description: "Security advisories for OCaml packages in opam, newest first.",
            section: Section::Advisories,
            scripts: &["filter.js"],
        },
        &body,
    )
}

fn count_text(count: usize) -> String {
    match count {
        1 => "1 advisory".to_owned(),
        n => format!("{n} advisories"),
    }
}

/// The filter: a search box (ID, alias, package, words of the summary), the
/// severity and the weakness. `hidden` until the script runs, since without it the
/// controls would do nothing.
fn filter_form(advisories: &[SiteAdvisory]) -> String {
    let mut cwes: BTreeMap<u32, ()> = BTreeMap::new();
    for advisory in advisories {
        for cwe in cwe_numbers(advisory) {
            cwes.insert(cwe, ());
        }
    }
    let mut out = String::new();
    out.push_str("<form id=\"filter\" class=\"filter\" role=\"search\" aria-label=\"Filter the advisories\" hidden>\n");
    out.push_str(
        "<div class=\"field grow\">\n<label for=\"filter-text\">Package, ID or words</label>\n",
    );
    out.push_str(
        "<input id=\"filter-text\" name=\"q\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" \
         placeholder=\"e.g. mirage-crypto, OSEC-2026-05, CVE-2026-41083\">\n</div>\n",
    );
    out.push_str("<div class=\"field\">\n<label for=\"filter-severity\">Severity</label>\n");
    out.push_str(
        "<select id=\"filter-severity\" name=\"severity\">\n<option value=\"\">Any</option>\n",
    );
    for rating in Rating::ALL {
        let _ = writeln!(
            out,
            "<option value=\"{}\">{}</option>",
            rating.slug(),
            rating.label()
        );
    }
    out.push_str("</select>\n</div>\n");
    out.push_str("<div class=\"field\">\n<label for=\"filter-cwe\">Weakness</label>\n");
    out.push_str("<select id=\"filter-cwe\" name=\"cwe\">\n<option value=\"\">Any</option>\n");
    for cwe in cwes.keys() {
        let _ = writeln!(
            out,
            "<option value=\"CWE-{cwe}\">{}</option>",
            escape(&cwe_title(*cwe))
        );
    }
    out.push_str("</select>\n</div>\n</form>\n");
    out
}

/// A table of advisories, one row each, with what the filter looks at in `data-`
/// attributes. `root` is the relative path to the site root.
fn advisory_table(advisories: &[&SiteAdvisory], root: &str, caption: &str) -> String {
    let mut out = String::new();
    out.push_str("<table class=\"advisories\">\n");
    let _ = writeln!(out, "<caption>{}</caption>", escape(caption));
    out.push_str(
        "<thead>\n<tr><th scope=\"col\">ID</th><th scope=\"col\">Summary</th><th scope=\"col\">Packages</th>\
         <th scope=\"col\">Severity</th><th scope=\"col\">Weakness</th><th scope=\"col\">Published</th></tr>\n</thead>\n<tbody>\n",
    );
    for advisory in advisories {
        let record = &advisory.record;
        let rating = advisory.rating();
        let cwes: Vec<String> = cwe_numbers(advisory)
            .into_iter()
            .map(|n| format!("CWE-{n}"))
            .collect();
        let mut search = vec![advisory.id_text.clone()];
        search.extend(record.aliases().iter().cloned());
        search.extend(advisory.packages.iter().cloned());
        search.push(record.summary.clone().unwrap_or_default());
        let _ = writeln!(
            out,
            "<tr data-search=\"{}\" data-severity=\"{}\" data-cwe=\"{}\">",
            escape(&search.join(" ").to_lowercase()),
            rating.slug(),
            cwes.join(" ")
        );
        let withdrawn = if record.is_withdrawn() {
            " <span class=\"tag withdrawn\">Withdrawn</span>"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<th scope=\"row\" data-label=\"ID\"><a href=\"{root}{}\">{}</a>{withdrawn}</th>",
            advisory_path(&advisory.id_text),
            escape(&advisory.id_text)
        );
        let _ = writeln!(
            out,
            "<td data-label=\"Summary\">{}</td>",
            escape(record.summary.as_deref().unwrap_or(""))
        );
        let packages: Vec<String> = advisory
            .packages
            .iter()
            .map(|name| {
                format!(
                    "<a class=\"nowrap\" href=\"{root}packages/{name}.html\">{}</a>",
                    escape(name)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<td data-label=\"Packages\">{}</td>",
            packages.join(", ")
        );
        let _ = writeln!(
            out,
            "<td data-label=\"Severity\">{}</td>",
            rating_badge(advisory)
        );
        let weaknesses: Vec<String> = cwes
            .iter()
            .map(|cwe| format!("<span class=\"nowrap\">{cwe}</span>"))
            .collect();
        let _ = writeln!(
            out,
            "<td data-label=\"Weakness\">{}</td>",
            weaknesses.join(", ")
        );
        let date = advisory.date();
        let _ = writeln!(
            out,
            "<td data-label=\"Published\"><time datetime=\"{}\">{}</time></td>",
            escape(date.as_str()),
            escape(day(date.as_str()))
        );
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The rating as a coloured label with the score: `High 7.5`.
fn rating_badge(advisory: &SiteAdvisory) -> String {
    let rating = advisory.rating();
    match advisory.advisory.cvss() {
        Some(cvss) => format!(
            "<span class=\"sev sev-{}\">{} {:.1}</span>",
            rating.slug(),
            rating.label(),
            cvss.score()
        ),
        None => format!(
            "<span class=\"sev sev-{}\">{}</span>",
            rating.slug(),
            rating.label()
        ),
    }
}

/// The date part of a timestamp.
fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

/// The advisory's CWE numbers, in header order, without repeats.
fn cwe_numbers(advisory: &SiteAdvisory) -> Vec<u32> {
    let mut numbers = Vec::new();
    for cwe in &advisory.advisory.cwe {
        if let Ok(parsed) = cwe.value.parse::<advisory::Cwe>()
            && !numbers.contains(&parsed.0)
        {
            numbers.push(parsed.0);
        }
    }
    numbers
}

/// `CWE-78: Improper Neutralization…` when the name is known, else `CWE-78`.
fn cwe_title(number: u32) -> String {
    match super::cwe::name(number) {
        Some(name) => format!("CWE-{number}: {name}"),
        None => format!("CWE-{number}"),
    }
}

/// `advisories/ID.html`.
pub(crate) fn advisory_page(advisory: &SiteAdvisory, site: &SiteContext<'_>) -> String {
    let record = &advisory.record;
    let summary = record.summary.as_deref().unwrap_or("");
    let mut body = String::new();
    body.push_str("<article>\n<header class=\"advisory\">\n");
    let _ = writeln!(
        body,
        "<p class=\"eyebrow\">{} {}</p>",
        escape(&advisory.id_text),
        rating_badge(advisory)
    );
    let _ = writeln!(body, "<h1>{}</h1>", escape(summary));
    if let Some(withdrawn) = &record.withdrawn {
        let _ = writeln!(
            body,
            "<p class=\"notice\"><strong>Withdrawn</strong> on <time datetime=\"{0}\">{1}</time>: this advisory no longer applies.</p>",
            escape(withdrawn.as_str()),
            escape(day(withdrawn.as_str()))
        );
    }
    body.push_str("</header>\n");
    body.push_str(&facts(advisory));

    body.push_str("<section aria-labelledby=\"details\">\n<h2 id=\"details\">Details</h2>\n");
    body.push_str("<div class=\"prose\">\n");
    body.push_str(&advisory.details_html);
    body.push_str("</div>\n</section>\n");

    body.push_str(&affected_section(advisory));
    body.push_str(&references_section(advisory));
    body.push_str(&credits_section(advisory));
    body.push_str(&data_section(advisory));
    body.push_str("</article>\n");

    let title = format!("{}: {}", advisory.id_text, summary);
    page(
        &Frame {
            site_title: site.title,
            page_title: Some(&title),
            root: "../",
            description: summary,
            section: Section::Advisories,
            scripts: &[],
        },
        &body,
    )
}

/// The header facts as a description list: dates, aliases, severity, weaknesses,
/// packages.
fn facts(advisory: &SiteAdvisory) -> String {
    let record = &advisory.record;
    let mut out = String::from("<dl class=\"facts\">\n");
    let mut fact = |term: &str, value: String| {
        let wide = if matches!(term, "Severity" | "Weakness") {
            " class=\"wide\""
        } else {
            ""
        };
        let _ = writeln!(out, "<div{wide}><dt>{term}</dt><dd>{value}</dd></div>");
    };
    if let Some(published) = &record.published {
        fact("Published", time(published.as_str()));
    }
    fact("Modified", time(record.modified.as_str()));
    if !record.aliases().is_empty() {
        let aliases: Vec<String> = record.aliases().iter().map(|a| alias_link(a)).collect();
        fact("Aliases", aliases.join(", "));
    }
    let packages: Vec<String> = advisory
        .advisory
        .affected
        .iter()
        .map(|a| package_link(&a.package.value, "../"))
        .collect();
    if !packages.is_empty() {
        fact("Packages", packages.join(", "));
    }
    if let Some(vector) = &advisory.advisory.severity {
        let mut value = rating_badge(advisory);
        let vector = &vector.value;
        let calculator = if vector.starts_with("CVSS:3.") {
            Some("3.1")
        } else if vector.starts_with("CVSS:4.") {
            Some("4.0")
        } else {
            None
        };
        let _ = write!(value, " <code class=\"vector\">{}</code>", escape(vector));
        if let (Some(version), Some(_)) = (calculator, advisory.advisory.cvss()) {
            let _ = write!(
                value,
                " (<a href=\"https://www.first.org/cvss/calculator/{version}#{}\">calculator</a>)",
                escape(vector)
            );
        }
        fact("Severity", value);
    }
    let cwes: Vec<String> = cwe_numbers(advisory)
        .into_iter()
        .map(|n| {
            format!(
                "<a href=\"https://cwe.mitre.org/data/definitions/{n}.html\">{}</a>",
                escape(&cwe_title(n))
            )
        })
        .collect();
    if !cwes.is_empty() {
        fact("Weakness", cwes.join("<br>"));
    }
    if !record.upstream().is_empty() {
        fact("Upstream", code_list(record.upstream()));
    }
    if !record.related().is_empty() {
        fact("Related", code_list(record.related()));
    }
    out.push_str("</dl>\n");
    out
}

fn time(timestamp: &str) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        escape(timestamp),
        escape(day(timestamp))
    )
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("<code>{}</code>", escape(item)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CVE links to its record at cve.org, a GHSA to GitHub's advisory.
fn alias_link(alias: &str) -> String {
    match advisory::Alias::new(alias) {
        advisory::Alias::Cve(id) => {
            external_link(&format!("https://www.cve.org/CVERecord?id={id}"), &id)
        }
        advisory::Alias::Ghsa(id) => {
            external_link(&format!("https://github.com/advisories/{id}"), &id)
        }
        other => escape(other.as_str()),
    }
}

/// A link to a package's page, or its name alone when it has none (not a valid
/// opam name, so no file is named after it).
fn package_link(name: &str, root: &str) -> String {
    if opam_model::PackageName::parse(name).is_ok() {
        format!(
            "<a href=\"{root}packages/{name}.html\">{}</a>",
            escape(name)
        )
    } else {
        escape(name)
    }
}

/// One table per affected package: the constraint, its ranges, the fixed versions,
/// the affected releases (when the repositories were given), the commits.
fn affected_section(advisory: &SiteAdvisory) -> String {
    let mut out = String::from(
        "<section aria-labelledby=\"affected\">\n<h2 id=\"affected\">Affected packages</h2>\n",
    );
    for affected in advisory.record.affected() {
        let Some(package) = &affected.package else {
            continue;
        };
        let _ = writeln!(out, "<h3>{}</h3>", package_link(&package.name, "../"));
        out.push_str("<table class=\"facts-table\">\n");
        let _ = writeln!(
            out,
            "<caption class=\"visually-hidden\">Affected versions of {}</caption>",
            escape(&package.name)
        );
        out.push_str("<tbody>\n");
        let mut row = |header: &str, value: String| {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{header}</th><td>{value}</td></tr>"
            );
        };
        let constraint = affected
            .ecosystem_specific
            .as_ref()
            .and_then(|e| e.get("opam_constraint"))
            .and_then(|c| c.as_str());
        match constraint {
            Some(constraint) => row("Constraint", format!("<code>{}</code>", escape(constraint))),
            None => row("Constraint", "every version".to_owned()),
        }
        let mut ranges = Vec::new();
        let mut fixed = Vec::new();
        // Commit events by repository, repositories in the order first met.
        let mut commits: Vec<(&str, Vec<String>)> = Vec::new();
        for range in affected.ranges() {
            match range.kind {
                osv::RangeKind::Git => {
                    let repo = range.repo.as_deref().unwrap_or("");
                    let events = range
                        .events
                        .iter()
                        .filter(|event| event.version() != "0")
                        .map(|event| commit_text(repo, event));
                    match commits.iter_mut().find(|(r, _)| *r == repo) {
                        Some((_, list)) => list.extend(events),
                        None => commits.push((repo, events.collect())),
                    }
                }
                _ => {
                    ranges.push(range_text(&range.events));
                    fixed.extend(
                        range
                            .events
                            .iter()
                            .filter(|e| matches!(e, osv::Event::Fixed(_)))
                            .map(|e| format!("<code>{}</code>", escape(e.version()))),
                    );
                }
            }
        }
        if !ranges.is_empty() {
            row("Affected ranges", ranges.join("<br>"));
        }
        row(
            "Fixed in",
            if fixed.is_empty() {
                "no fixed release yet".to_owned()
            } else {
                fixed.join(", ")
            },
        );
        if !affected.versions().is_empty() {
            let versions = affected.versions();
            row(
                &format!("Affected releases ({})", versions.len()),
                format!(
                    "<ul class=\"versions\">{}</ul>",
                    versions
                        .iter()
                        .map(|v| format!("<li><code>{}</code></li>", escape(v)))
                        .collect::<String>()
                ),
            );
        }
        if !commits.is_empty() {
            let lines: Vec<String> = commits
                .iter()
                .map(|(repo, events)| {
                    format!("{}: {}", external_link(repo, repo), events.join(", "))
                })
                .collect();
            row("Commits", lines.join("<br>"));
        }
        let bindings: Vec<String> = affected
            .ecosystem_specific
            .as_ref()
            .and_then(|e| e.get("affected_bindings"))
            .and_then(|b| b.as_array())
            .map(|b| {
                b.iter()
                    .filter_map(|v| v.as_str())
                    .map(|v| format!("<code>{}</code>", escape(v)))
                    .collect()
            })
            .unwrap_or_default();
        if !bindings.is_empty() {
            row("Affected functions", bindings.join(", "));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
    out
}

/// An ECOSYSTEM or SEMVER range in words: `from 5, fixed in 5.5.0`.
fn range_text(events: &[osv::Event]) -> String {
    events
        .iter()
        .map(|event| match event {
            osv::Event::Introduced(v) if v == "0" => "from the first release".to_owned(),
            osv::Event::Introduced(v) => format!("from <code>{}</code>", escape(v)),
            osv::Event::Fixed(v) => format!("fixed in <code>{}</code>", escape(v)),
            osv::Event::LastAffected(v) => format!("up to <code>{}</code>", escape(v)),
            other => format!("{} <code>{}</code>", other.key(), escape(other.version())),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A commit event: `fixed by ce6d0f7b6714` linked to the commit on GitHub or GitLab.
fn commit_text(repo: &str, event: &osv::Event) -> String {
    let verb = match event {
        osv::Event::Introduced(_) => "introduced by",
        osv::Event::Fixed(_) => "fixed by",
        osv::Event::LastAffected(_) => "last affected",
        _ => event.key(),
    };
    let sha = event.version();
    let short = sha.get(..12).unwrap_or(sha);
    let is_forge = ["https://github.com/", "https://gitlab.com/"]
        .iter()
        .any(|forge| repo.starts_with(forge));
    let commit = if is_forge && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        external_link(
            &format!(
                "{}/commit/{sha}",
                repo.trim_end_matches(['/']).trim_end_matches(".git")
            ),
            short,
        )
    } else {
        escape(short)
    };
    format!("{verb} <code>{commit}</code>")
}

fn references_section(advisory: &SiteAdvisory) -> String {
    let references = advisory.record.references();
    if references.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section aria-labelledby=\"references\">\n<h2 id=\"references\">References</h2>\n<ul class=\"references\">\n",
    );
    for reference in references {
        let _ = writeln!(
            out,
            "<li><span class=\"tag\">{}</span> {}</li>",
            reference_kind(reference.kind),
            external_link(&reference.url, &reference.url)
        );
    }
    out.push_str("</ul>\n</section>\n");
    out
}

fn reference_kind(kind: osv::ReferenceKind) -> &'static str {
    match kind.as_str() {
        "ADVISORY" => "Advisory",
        "ARTICLE" => "Article",
        "DETECTION" => "Detection",
        "DISCUSSION" => "Discussion",
        "REPORT" => "Report",
        "FIX" => "Fix",
        "INTRODUCED" => "Introduced",
        "PACKAGE" => "Package",
        "EVIDENCE" => "Evidence",
        _ => "Web",
    }
}

fn credits_section(advisory: &SiteAdvisory) -> String {
    let credits = advisory.record.credits();
    if credits.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section aria-labelledby=\"credits\">\n<h2 id=\"credits\">Credits</h2>\n<ul class=\"credits\">\n",
    );
    for credit in credits {
        let role = credit
            .kind
            .map(|kind| kind.as_str().to_lowercase().replace('_', " "))
            .unwrap_or_default();
        let contacts: Vec<String> = credit
            .contact()
            .iter()
            .filter_map(|c| external_url(c).map(|url| external_link(url, url)))
            .collect();
        let _ = write!(out, "<li>{}", escape(&credit.name));
        if !role.is_empty() {
            let _ = write!(out, " <span class=\"role\">{}</span>", escape(&role));
        }
        if !contacts.is_empty() {
            let _ = write!(out, " ({})", contacts.join(", "));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// Where the data comes from: the OSV record in the site, the source file, osv.dev.
fn data_section(advisory: &SiteAdvisory) -> String {
    let id = escape(&advisory.id_text);
    let mut out = String::from(
        "<section aria-labelledby=\"data\">\n<h2 id=\"data\">Data</h2>\n<ul class=\"data\">\n",
    );
    let _ = writeln!(
        out,
        "<li><a href=\"../osv/{id}.json\" type=\"application/json\">OSV record ({id}.json)</a></li>"
    );
    if let Some(source) = &advisory.source_url {
        let _ = writeln!(
            out,
            "<li>{}</li>",
            external_link(source, "Source file (Markdown)")
        );
    }
    let _ = writeln!(
        out,
        "<li><a href=\"https://osv.dev/vulnerability/{id}\">{id} on osv.dev</a></li>"
    );
    out.push_str("</ul>\n</section>\n");
    out
}

/// `packages/index.html`: every affected package with its number of advisories.
pub(crate) fn package_index(
    packages: &BTreeMap<&str, Vec<&SiteAdvisory>>,
    site: &SiteContext<'_>,
) -> String {
    let mut body = String::from("<h1>Affected packages</h1>\n");
    let _ = writeln!(
        body,
        "<p class=\"lead\">{} opam packages have advisories. Each page lists them, \
         and <code>NAME.json</code> beside it holds their OSV records.</p>",
        packages.len()
    );
    body.push_str("<table class=\"packages\">\n<caption class=\"visually-hidden\">Packages and their advisories</caption>\n");
    body.push_str(
        "<thead>\n<tr><th scope=\"col\">Package</th><th scope=\"col\">Advisories</th><th scope=\"col\">Latest</th></tr>\n</thead>\n<tbody>\n",
    );
    for (name, entries) in packages {
        let latest = entries
            .first()
            .map(|a| {
                format!(
                    "<a href=\"../{}\">{}</a>",
                    advisory_path(&a.id_text),
                    escape(&a.id_text)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            body,
            "<tr><th scope=\"row\"><a href=\"{name}.html\">{}</a></th><td>{}</td><td>{latest}</td></tr>",
            escape(name),
            entries.len()
        );
    }
    body.push_str("</tbody>\n</table>\n");
    page(
        &Frame {
            site_title: site.title,
            page_title: Some("Affected packages"),
            root: "../",
            description: "The opam packages with security advisories.",
            section: Section::Packages,
            scripts: &[],
        },
        &body,
    )
}

/// `packages/NAME.html`: the package's advisories, newest first.
pub(crate) fn package_page(
    name: &str,
    advisories: &[&SiteAdvisory],
    site: &SiteContext<'_>,
) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(name));
    let _ = writeln!(
        body,
        "<p class=\"lead\">{} for the opam package <code>{}</code>. \
         Its OSV records: <a href=\"{name}.json\" type=\"application/json\">{name}.json</a>. \
         The package on opam: {}.</p>",
        count_text(advisories.len()),
        escape(name),
        external_link(
            &format!("https://opam.ocaml.org/packages/{name}/"),
            &format!("opam.ocaml.org/packages/{name}")
        )
    );
    body.push_str(&advisory_table(
        advisories,
        "../",
        &format!("Advisories for {name}, newest first"),
    ));
    let description = format!("Security advisories for the opam package {name}.");
    page(
        &Frame {
            site_title: site.title,
            page_title: Some(name),
            root: "../",
            description: &description,
            section: Section::Packages,
            scripts: &[],
        },
        &body,
    )
}
