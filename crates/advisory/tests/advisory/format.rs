use advisory::format::format_advisory;
use advisory::parse;

use crate::support::{data_dir, read_tree};

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
        let before = parse(text).advisory;
        let after = parse(&once).advisory;
        assert_eq!(before.details, after.details, "{}", path.display());
        assert_eq!(
            before.summary.map(|s| s.value),
            after.summary.map(|s| s.value)
        );
        assert_eq!(
            before.id.map(|s| s.value),
            after.id.map(|s| s.value),
            "{}",
            path.display()
        );
        assert_eq!(before.affected.len(), after.affected.len());
        assert_eq!(
            before.events.len(),
            after.events.len(),
            "{}",
            path.display()
        );
        assert_eq!(before.credits.len(), after.credits.len());
        assert_eq!(
            before.aliases.iter().map(|a| &a.value).collect::<Vec<_>>(),
            after.aliases.iter().map(|a| &a.value).collect::<Vec<_>>()
        );
    }
    assert!(
        formatted_count > 55,
        "only {formatted_count} fixtures formatted"
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
