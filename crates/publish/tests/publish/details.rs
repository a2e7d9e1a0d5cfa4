//! An advisory's Markdown details on its page: rendered, sanitised, headings moved
//! down, bare URLs linked, relative links resolved.

use std::path::Path;

use publish::{SiteOptions, build_site};

use crate::support::write_advisory;

/// The HTML of the details of an advisory whose Markdown after its title is
/// `markdown`, as its page shows it.
fn render_details(markdown: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    let text = format!(
        "```\nid: OSEC-2026-01\nmodified: \"2026-01-01T00:00:00Z\"\n\
         published: \"2025-01-01T00:00:00Z\"\naffected: \"pkg\" {{< \"1.0\"}}\n```\n\n\
         # Summary\n\n{markdown}"
    );
    write_advisory(&advisories, "OSEC-2026-01", &text);
    let out = dir.path().join("site");
    let options = SiteOptions {
        released: None,
        now: "2026-11-24T00:00:00Z".parse().unwrap(),
        base_url: None,
        source_url: None,
        title: publish::site::DEFAULT_TITLE.to_owned(),
        feed_entries: publish::site::DEFAULT_FEED_ENTRIES,
    };
    let report = build_site(&[advisories], &out, &options).unwrap();
    assert!(report.is_complete(), "{:?}", report.outcomes);
    details_of(&out.join("advisories/OSEC-2026-01.html"))
}

/// The contents of the page's details block.
fn details_of(page: &Path) -> String {
    let page = std::fs::read_to_string(page).unwrap();
    let start = "<div class=\"prose\">\n";
    let (_, rest) = page.split_once(start).expect("a details block");
    let (details, _) = rest.split_once("</div>\n</section>\n").expect("its end");
    details.to_owned()
}

#[test]
fn hostile_markdown_comes_out_inert() {
    let markdown = r#"# Title

Raw <b>bold</b> and <script>alert("script")</script> and <style>body{display:none}</style>.

<img src="x" onerror="alert('img')">

<a href="javascript:alert('raw')" onclick="alert('click')">raw link</a>

[md link](javascript:alert('md')) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[vb](vbscript:msgbox) [entity](jav&#x61;script:alert(1)) <javascript:alert(2)>

![pixel](https://tracker.example/pixel.png "t") ![inline](data:image/png;base64,AAAA)

<iframe src="https://example.org"></iframe><object data="x"></object><embed src="x">
<form action="https://example.org"><input name="q"></form>
<svg onload="alert(1)"><a xlink:href="javascript:alert(1)">svg</a></svg>
<div style="background:url(javascript:alert(1))" onmouseover="alert(1)">styled</div>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)">
<base href="https://evil.example/">
"#;
    let html = render_details(markdown);
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "<style",
        "<img",
        "onerror",
        "onclick",
        "onload",
        "onmouseover",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<svg",
        "style=",
        "<meta",
        "<base",
        "<h1",
    ] {
        assert!(
            !lower.contains(forbidden),
            "`{forbidden}` survived sanitising:\n{html}"
        );
    }
    // Every link left points to the web; `javascript:` and the like survive
    // only as text.
    let hrefs: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(hrefs, ["https://tracker.example/pixel.png"], "{html}");
    assert!(!lower.contains("src="), "{html}");
    // What is harmless stays: text, safe markup, the image as a plain link.
    assert!(html.contains("<h2>Title</h2>"), "{html}");
    assert!(html.contains("<b>bold</b>"), "{html}");
    assert!(
        html.contains("and &lt;script&gt;alert(\"script\")&lt;/script&gt; and"),
        "an inline script is shown as text: {html}"
    );
    assert!(html.contains("raw link"), "{html}");
    assert!(
            html.contains(
                "<a href=\"https://tracker.example/pixel.png\" title=\"t\" rel=\"noopener noreferrer nofollow\">pixel</a>"
            ),
            "{html}"
        );
}

#[test]
fn bare_urls_become_links_but_not_in_code() {
    let html = render_details(
        "- fix https://github.com/ocaml/ocaml/pull/14853.\n\n`https://in.code/` and\n\n```\nhttps://in.block/\n```\n",
    );
    assert!(
            html.contains(
                "fix <a href=\"https://github.com/ocaml/ocaml/pull/14853\" rel=\"noopener noreferrer nofollow\">https://github.com/ocaml/ocaml/pull/14853</a>."
            ),
            "{html}"
        );
    assert!(html.contains("<code>https://in.code/</code>"), "{html}");
    assert!(
        html.contains("<pre><code>https://in.block/\n</code></pre>"),
        "{html}"
    );
}

#[test]
fn unknown_inline_tags_are_shown_as_text() {
    let html =
        render_details("cache (~/.opam/download-cache/<hash-algorithm>/<hash>), <em>kept</em>");
    assert_eq!(
        html,
        "<p>cache (~/.opam/download-cache/&lt;hash-algorithm&gt;/&lt;hash&gt;), <em>kept</em></p>\n"
    );
}

#[test]
fn headings_move_one_level_down() {
    let html = render_details("## Exploit\n\n###### Deep\n");
    assert_eq!(html, "<h3>Exploit</h3>\n<h6>Deep</h6>\n");
}
