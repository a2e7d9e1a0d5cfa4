//! An advisory's Markdown details as HTML that is safe to put in a page: rendered
//! with pulldown-cmark, then cleaned by ammonia.
//!
//! Advisories are written by many people and arrive as pull requests, so their text
//! is untrusted: raw HTML, `<script>`, event attributes (`onerror`), `javascript:`
//! and `data:` links must come out inert. pulldown-cmark passes raw HTML through,
//! so ammonia is the one gate: an allow-list of tags and attributes, and of URL
//! schemes (`http`, `https`, `mailto`). On top of its defaults, images are turned
//! into links (a page loads nothing from other sites), `<h1>` is dropped (the page
//! has its own) and headings move one level down (the details sit under the page's
//! `<h2>Details</h2>`). Inline HTML whose tag is not allowed (`<hash>` in a path
//! written as `cache/<algorithm>/<hash>`, an inline `<script>`) is shown as the text
//! it is rather than dropped. Bare `https://` URLs in text become links, as on
//! GitHub, where the advisories are read today.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// The details rendered and sanitised. Relative links are resolved against
/// `source_url` (the advisory file's URL) when it is known, and dropped otherwise.
pub(crate) fn render_details(markdown: &str, source_url: Option<&str>) -> String {
    let sanitizer = sanitizer(source_url);
    let allowed = sanitizer.clone_tags();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::InlineHtml(html) if !allowed.contains(tag_name(&html)) => Event::Text(html),
        other => adjust(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, link_bare_urls(events).into_iter());
    sanitizer.clean(&html).to_string()
}

/// The name of the tag an inline piece of HTML opens or closes: `hash` for
/// `<hash>`, `b` for `</b>`; empty for a comment or declaration.
fn tag_name(html: &str) -> &str {
    let inner = html.trim_start_matches('<').trim_start_matches('/');
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(inner.len());
    inner.get(..end).unwrap_or("")
}

/// The allow-list: ammonia's defaults without images, image maps and `<h1>`, only
/// web and mail links, every link `rel="noopener noreferrer nofollow"`.
fn sanitizer(source_url: Option<&str>) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(["img", "map", "area", "h1"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"));
    match source_url.and_then(|url| ammonia::Url::parse(url).ok()) {
        Some(base) => builder.url_relative(ammonia::UrlRelative::RewriteWithBase(base)),
        None => builder.url_relative(ammonia::UrlRelative::Deny),
    };
    builder
}

/// One event changed for the page: headings one level down, images as links to
/// the image with the alternative text as the link's text.
fn adjust(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// The events with every `http://` or `https://` URL in plain text (not in a link,
/// code or raw HTML) made a link. A URL ends at white space or `<`, and trailing
/// sentence punctuation is left out of it.
fn link_bare_urls<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut link_depth = 0usize;
    let mut in_code_block = false;
    for event in events {
        match &event {
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        match event {
            Event::Text(text) if link_depth == 0 && !in_code_block => split_urls(text, &mut out),
            other => out.push(other),
        }
    }
    out
}

fn split_urls<'a>(text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
    let mut rest: &str = &text;
    if find_url(rest).is_none() {
        out.push(Event::Text(text));
        return;
    }
    while let Some((start, end)) = find_url(rest) {
        let (before, from_url) = rest.split_at(start);
        let (url, after) = from_url.split_at(end - start);
        if !before.is_empty() {
            out.push(Event::Text(CowStr::from(before.to_owned())));
        }
        let url = CowStr::from(url.to_owned());
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: url.clone(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(url));
        out.push(Event::End(TagEnd::Link));
        rest = after;
    }
    if !rest.is_empty() {
        out.push(Event::Text(CowStr::from(rest.to_owned())));
    }
}

/// The byte range of the first web URL in `text`.
fn find_url(text: &str) -> Option<(usize, usize)> {
    let start = [text.find("https://"), text.find("http://")]
        .into_iter()
        .flatten()
        .min()?;
    let tail = text.get(start..)?;
    let mut len = tail
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(tail.len());
    while let Some(last) = tail.get(..len).and_then(|u| u.chars().last()) {
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | ')' | '\'') {
            len -= last.len_utf8();
        } else {
            break;
        }
    }
    let scheme_len = if tail.starts_with("https://") { 8 } else { 7 };
    (len > scheme_len).then_some((start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The rest of the tests of the details are in tests/publish/details.rs, through
    // the site. This one stays: the site always has a source URL for an advisory
    // (its `human_link` at least), so links with none to resolve against are only
    // reached here.
    #[test]
    fn relative_links_resolve_against_the_source_or_are_dropped() {
        let markdown = "[patch](../patches/fix.diff) and [top](#top)";
        let with_source = render_details(
            markdown,
            Some("https://github.com/o/r/blob/main/advisories/2026/OSEC-2026-01.md"),
        );
        assert!(
            with_source
                .contains("href=\"https://github.com/o/r/blob/main/advisories/patches/fix.diff\""),
            "{with_source}"
        );
        let without = render_details(markdown, None);
        assert!(!without.contains("href"), "{without}");
        assert!(without.contains("patch"), "{without}");
    }
}
