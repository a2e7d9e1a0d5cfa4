//! HTML text: escaping, links to outside pages, and the frame every page shares.

use std::fmt::Write as _;

/// `text` with the five characters that mean something in HTML and XML replaced
/// by references, safe in element content and in quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `url` when it is an `http` or `https` URL with no white space or control
/// character, the only links to other sites a page carries; anything else
/// (`javascript:`, `data:`, relative paths written in an advisory header) is shown as
/// text instead.
pub(crate) fn external_url(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")?;
    let scheme = url.get(..scheme_end)?;
    let is_web = scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http");
    let has_host = url.len() > scheme_end + 3;
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (is_web && has_host && clean).then_some(url)
}

/// An `<a>` to `url` showing `text` when the URL is safe ([`external_url`]),
/// else `text` alone.
pub(crate) fn external_link(url: &str, text: &str) -> String {
    match external_url(url) {
        Some(url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(text)),
        None => escape(text),
    }
}

/// Which part of the site a page belongs to, for the navigation's
/// `aria-current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// The index and the advisory pages.
    Advisories,
    /// The package pages.
    Packages,
}

/// What the frame of a page needs.
pub(crate) struct Frame<'a> {
    /// The site's title, shown in the header and after the page title.
    pub(crate) site_title: &'a str,
    /// The page's own title; the index has none.
    pub(crate) page_title: Option<&'a str>,
    /// The relative path from the page to the site root: `""` or `"../"`.
    pub(crate) root: &'a str,
    /// A one-sentence description for `<meta name="description">`.
    pub(crate) description: &'a str,
    /// Where the page belongs in the navigation.
    pub(crate) section: Section,
    /// Scripts of the site to load, relative to the root.
    pub(crate) scripts: &'a [&'a str],
}

/// The whole document: head, skip link, header with navigation, `main` holding
/// `body`, footer.
pub(crate) fn page(frame: &Frame<'_>, body: &str) -> String {
    let root = frame.root;
    let title = match frame.page_title {
        Some(page) => format!("{} · {}", page, frame.site_title),
        None => frame.site_title.to_owned(),
    };
    let mut out = String::with_capacity(body.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let _ = writeln!(
        out,
        "<meta name=\"description\" content=\"{}\">",
        escape(frame.description)
    );
    let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{root}style.css\">");
    let _ = writeln!(
        out,
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{root}feed.xml\">",
        escape(frame.site_title)
    );
    for script in frame.scripts {
        let _ = writeln!(out, "<script src=\"{root}{script}\" defer></script>");
    }
    out.push_str("</head>\n<body>\n");
    out.push_str("<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
    out.push_str("<header class=\"site\">\n<nav aria-label=\"Site\">\n");
    let _ = writeln!(
        out,
        "<a class=\"brand\" href=\"{root}index.html\">{}</a>",
        escape(frame.site_title)
    );
    out.push_str("<ul>\n");
    let current = |section| {
        if frame.section == section {
            " aria-current=\"page\""
        } else {
            ""
        }
    };
    let _ = writeln!(
        out,
        "<li><a href=\"{root}index.html\"{}>Advisories</a></li>",
        if frame.page_title.is_none() {
            current(Section::Advisories)
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "<li><a href=\"{root}packages/index.html\"{}>Packages</a></li>",
        current(Section::Packages)
    );
    let _ = writeln!(out, "<li><a href=\"{root}feed.xml\">Atom feed</a></li>");
    out.push_str("</ul>\n</nav>\n</header>\n<main id=\"main\">\n");
    out.push_str(body);
    out.push_str("</main>\n<footer class=\"site\">\n");
    let _ = writeln!(
        out,
        "<p>Every advisory is also published as an <a href=\"https://ossf.github.io/osv-schema/\">OSV</a> record \
         (linked from its page), and the newest ones in the <a href=\"{root}feed.xml\">Atom feed</a>. \
         Built by osec.</p>"
    );
    out.push_str("</footer>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            external_url("https://example.org/a?b=c"),
            Some("https://example.org/a?b=c")
        );
        assert_eq!(
            external_url("HTTP://example.org/"),
            Some("HTTP://example.org/")
        );
        for url in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "//example.org/",
            "../../etc/passwd",
            "https://",
            "https://example.org/\njavascript:alert(1)",
            "vbscript:msgbox",
        ] {
            assert_eq!(external_url(url), None, "{url}");
        }
        assert_eq!(
            external_link("javascript:alert(1)", "x<y"),
            "x&lt;y",
            "an unsafe URL is shown as text"
        );
    }
}
