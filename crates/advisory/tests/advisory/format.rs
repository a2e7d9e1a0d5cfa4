use advisory::format::format_advisory;

use crate::support::{data_dir, meaning, read_tree};

/// Formatting any fixture that parses gives a file that formats to itself, keeps the
/// Markdown after the header, and reads back to the same advisory.
#[test]
fn formatting_fixtures_is_idempotent_and_keeps_meaning() {
    let files = read_tree(&data_dir(), &data_dir());
    assert!(files.len() > 60);
    let mut formatted_count = 0;
    for (path, text) in &files {
        let Ok(once) = format_advisory(text) else {
            continue;
        };
        formatted_count += 1;
        assert_eq!(
            format_advisory(&once).unwrap(),
            once,
            "{} not idempotent",
            path.display()
        );
        assert_eq!(meaning(text), meaning(&once), "{}", path.display());
    }
    assert!(
        formatted_count > 55,
        "only {formatted_count} fixtures formatted"
    );
}

/// The meaning comparison sees a changed value: it is not blind to what fmt could
/// get wrong.
#[test]
fn the_meaning_comparison_sees_a_changed_value() {
    let text = "```\nid: OSEC-2026-01\naffected: \"pkg\" {< \"1.0\"}\ncredits: [ [reporter \"A\"] ]\n```\n# T\n";
    let moved = text.replace("id:", "\nid:");
    assert_eq!(meaning(text), meaning(&moved));
    for changed in [
        text.replace("< \"1.0\"", "<= \"1.0\""),
        text.replace("reporter", "finder"),
        text.replace("\"A\"", "\"B\""),
    ] {
        assert_ne!(meaning(text), meaning(&changed), "{changed}");
    }
}

/// fmt keeps the meaning of every real advisory, and rewrites some of them (so the
/// comparison is not of unchanged texts).
#[test]
fn formatting_the_real_advisories_keeps_their_meaning() {
    let real = data_dir().join("real");
    let files = read_tree(&real, &real);
    assert_eq!(files.len(), 26);
    let mut rewritten = 0;
    for (path, text) in &files {
        let once = format_advisory(text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        if &once != text {
            rewritten += 1;
        }
        assert_eq!(meaning(text), meaning(&once), "{}", path.display());
    }
    assert!(
        rewritten >= 10,
        "only {rewritten} real advisories rewritten"
    );
}

#[test]
fn formats_a_messy_header_into_the_canonical_layout() {
    let messy = "\
```
(* kept at the top *)
cwe: CWE-79
credits: [reporter \"A\"]
id: \"OSEC-2026-01\"
events: [ git \"https://r\" [ [fixed \"0123456789abcdef0123456789abcdef01234567\"] ] ]

affected: [\"p\" {<\"1\"}]
modified: \"2026-01-01T00:00:00Z\"   # UTC
colour: \"red\"
references: [ [fix \"https://r/pull/1\"] [report \"https://r/issues/1\"] ]
```

# Title

Body with ``` fences
```
inside.
";
    let expected = "\
```
id: OSEC-2026-01
modified: \"2026-01-01T00:00:00Z\" # UTC
affected: \"p\" {< \"1\"}
events: [
  [
    git \"https://r\" [
      [fixed \"0123456789abcdef0123456789abcdef01234567\"]
    ]
  ]
]
references: [
  [fix \"https://r/pull/1\"]
  [report \"https://r/issues/1\"]
]
credits: [
  [reporter \"A\"]
]
(* kept at the top *)
cwe: [ CWE-79 ]
colour: \"red\"
```

# Title

Body with ``` fences
```
inside.
";
    let formatted = format_advisory(messy).unwrap();
    assert_eq!(formatted, expected);
    assert_eq!(format_advisory(&formatted).unwrap(), formatted);
}
