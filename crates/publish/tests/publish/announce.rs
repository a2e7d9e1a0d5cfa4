//! Announcements: every real advisory's, in both formats (snapshots), and the width of
//! the plain text.

use advisory::to_osv::{ConvertOptions, to_osv};
use publish::announce::{AnnounceFormat, announce};

use crate::support::real_advisories;

/// (ID, e-mail, Markdown) of each real advisory, sorted by ID.
fn announcements() -> Vec<(String, String, String)> {
    let sources = advisory::tree::read_advisories(&[real_advisories()]).unwrap();
    let mut out = Vec::new();
    for (path, bytes) in sources {
        let text = String::from_utf8(bytes.unwrap()).unwrap();
        let parsed = advisory::parse(&text);
        assert!(parsed.problems.is_empty(), "{}", path.display());
        let options = ConvertOptions {
            released: None,
            with_versions: false,
        };
        let record = to_osv(&parsed.advisory, &options).unwrap().record;
        let id = record.id.clone();
        let email = announce(&parsed.advisory, &record, AnnounceFormat::Email);
        let markdown = announce(&parsed.advisory, &record, AnnounceFormat::Markdown);
        assert_eq!(email.subject, markdown.subject);
        out.push((
            id,
            email.render(AnnounceFormat::Email),
            markdown.render(AnnounceFormat::Markdown),
        ));
    }
    out.sort();
    out
}

#[test]
fn every_real_advisory_is_announced() {
    let all = announcements();
    assert_eq!(all.len(), 26);
    for (id, email, markdown) in &all {
        insta::assert_snapshot!(format!("{id}.email"), email);
        insta::assert_snapshot!(format!("{id}.md"), markdown);
    }
}

#[test]
fn no_line_of_an_e_mail_body_is_over_72_columns() {
    for (id, email, _) in announcements() {
        let (subject, body) = email.split_once("\n\n").unwrap();
        assert!(
            subject.starts_with(&format!("Subject: {id}: ")),
            "{subject}"
        );
        for (number, line) in body.lines().enumerate() {
            assert!(
                line.chars().count() <= 72,
                "{id}, line {}: {} columns: {line}",
                number + 3,
                line.chars().count()
            );
            assert_eq!(line, line.trim_end(), "{id}: trailing space");
        }
    }
}

/// Every word of the details reaches the e-mail (none lost in the filling), and each
/// part the announcement promises is there when the advisory has it.
#[test]
fn the_e_mail_keeps_every_word_and_every_part() {
    let sources = advisory::tree::read_advisories(&[real_advisories()]).unwrap();
    for (path, bytes) in sources {
        let text = String::from_utf8(bytes.unwrap()).unwrap();
        let advisory = advisory::parse(&text).advisory;
        let options = ConvertOptions {
            released: None,
            with_versions: false,
        };
        let record = to_osv(&advisory, &options).unwrap().record;
        let email = announce(&advisory, &record, AnnounceFormat::Email).body;
        let flat: String = email.split_whitespace().collect();
        for word in advisory.summary.as_ref().unwrap().value.split_whitespace() {
            assert!(flat.contains(word), "{}: {word}", path.display());
        }
        for alias in &advisory.aliases {
            assert!(email.contains(alias.value.as_str()), "{}", path.display());
        }
        for cwe in &advisory.cwe {
            assert!(email.contains(&cwe.value), "{}", path.display());
        }
        for credit in &advisory.credits {
            assert!(
                flat.contains(&credit.name.value.replace(' ', "")),
                "{}",
                path.display()
            );
        }
        for reference in &advisory.references {
            assert!(flat.contains(&reference.url.value), "{}", path.display());
        }
        if let Some(vector) = advisory.cvss() {
            let score = advisory::draft::severity_score(&vector);
            assert!(email.contains(&score), "{}", path.display());
        }
        assert!(email.contains("\nLinks\n-----\n"), "{}", path.display());
        if !advisory.credits.is_empty() {
            assert!(email.contains("\nCredits\n-------\n"), "{}", path.display());
        }
        if advisory.details.contains("## Timeline") {
            assert!(
                email.contains("\nTimeline\n--------\n"),
                "{}",
                path.display()
            );
        }
    }
}
