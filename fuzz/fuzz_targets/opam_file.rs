//! The opam file format: the parser, the AST dump, the three printers, the
//! diagnostics of a rejected file and format-preserving edits. No input may panic;
//! what the standard printer prints reads back as the same tree (but for two
//! losses opam's printer has too), and both printers reach a fixed point: what they
//! print parses, and printing that again gives the same text from the second pass on.

#![no_main]

use libfuzzer_sys::fuzz_target;
use opam_file::print::{normalise, standard};
use opam_file::{
    Diagnostic, Document, Item, ItemKind, OpamFile, Scope, SourceFile, Value, ValueKind, diagnostic,
};

fuzz_target!(|data: &[u8]| {
    match opam_file::parse_with_lines(data) {
        Err(error) => {
            let file = SourceFile::new("fuzz.opam", data);
            let diagnostics = [Diagnostic::from_parse_error(&error)];
            let _ = diagnostic::render_human(&file, &diagnostics);
            let _ = diagnostic::render_json_lines(&file, &diagnostics);
            let tool = diagnostic::SarifTool {
                name: "osec",
                version: "0.0.0",
                information_uri: "https://github.com/ocaml/osec",
            };
            let _ = diagnostic::sarif(&tool, &[(&file, &diagnostics)], diagnostic::SYNTAX_RULES);
            let _ = opam_file::dump::dump_error(&error);
            assert!(Document::parse(data.to_vec()).is_err());
        }
        Ok((file, lines)) => {
            let _ = opam_file::dump::dump_ast(&file, &lines);
            if !has_sentinel(&file) {
                check_normalise(&file);
                check_standard(&file);
            }
            edit(data);
        }
    }
});

/// opam turns a syntax error in a file newer than it into a `#` section, which no
/// printer can write back as such.
fn has_sentinel(file: &OpamFile) -> bool {
    file.items
        .iter()
        .any(|item| matches!(&item.kind, ItemKind::Section(s) if s.kind.value == "#"))
}

fn parse_printed(text: &[u8], printer: &str) -> OpamFile {
    opam_file::parse(text).unwrap_or_else(|error| {
        panic!(
            "the {printer} printer wrote text that does not parse ({error}):\n{}",
            String::from_utf8_lossy(text)
        )
    })
}

fn check_normalise(file: &OpamFile) {
    let Ok(once) = normalise::normalise(file) else {
        return;
    };
    let twice = normalise::normalise(&parse_printed(&once, "normalise")).expect("normalises");
    let thrice = normalise::normalise(&parse_printed(&twice, "normalise")).expect("normalises");
    assert_eq!(
        String::from_utf8_lossy(&thrice),
        String::from_utf8_lossy(&twice),
        "normalise has no fixed point"
    );
}

/// What the standard printer prints reads back as the same tree, but for the three
/// losses of opam's own printer (its `dump print` shows them too): a carriage return
/// before a newline in a string, which the lexer reads as part of the newline; the
/// blanks that start a string holding a newline, which the lexer skips after the
/// `"""\` line continuation the printer writes; and fields whose value is `[]` or
/// `[[]]`, which it does not print.
fn check_standard(file: &OpamFile) {
    let Ok(once) = standard::opamfile(file) else {
        return;
    };
    let reread = parse_printed(&once, "standard");
    let lossy = [&b"\r\n"[..], b"\"\"\"\\\n ", b"\"\"\"\\\n\t"]
        .iter()
        .any(|loss| once.windows(loss.len()).any(|w| w == *loss))
        || has_empty_list_field(&file.items);
    if !lossy {
        assert_eq!(
            reread.without_spans(),
            file.without_spans(),
            "the standard printer changed the tree:\n{}",
            String::from_utf8_lossy(&once)
        );
    }
    let twice = standard::opamfile(&reread).expect("prints");
    if twice.windows(2).any(|w| w == b"\r\n") {
        // opam prints the carriage returns of a string as they are and its lexer takes
        // the last one before a newline as part of the newline: each round loses one
        // more, so there is no fixed point (opam's `dump print` writes the same bytes).
        return;
    }
    let thrice = standard::opamfile(&parse_printed(&twice, "standard")).expect("prints");
    assert_eq!(
        String::from_utf8_lossy(&thrice),
        String::from_utf8_lossy(&twice),
        "the standard printer has no fixed point"
    );
}

/// A field, at any depth, whose value is `[]` or `[[]]`.
fn has_empty_list_field(items: &[Item]) -> bool {
    items.iter().any(|item| match &item.kind {
        ItemKind::Variable(_, value) => match &value.kind {
            ValueKind::List(elements) => match elements.value.as_slice() {
                [] => true,
                [only] => matches!(&only.kind, ValueKind::List(inner) if inner.value.is_empty()),
                _ => false,
            },
            _ => false,
        },
        ItemKind::Section(section) => has_empty_list_field(&section.items.value),
    })
}

/// Edits of the kinds `osec repo annotate` makes: each is applied or refused, and
/// an applied edit leaves a document that parses.
fn edit(data: &[u8]) {
    let Ok(mut document) = Document::parse(data.to_vec()) else {
        panic!("Document::parse refuses what parse accepts");
    };
    assert_eq!(document.to_bytes(), data);
    let mut edits = 0;
    if document
        .push_to_list(Scope::File, "depends", &Value::string("fuzz"))
        .is_ok()
    {
        edits += 1;
    }
    if document
        .set_field(Scope::File, "x-fuzz", &Value::list(vec![Value::ident("a")]))
        .is_ok()
    {
        edits += 1;
    }
    if document.remove_field(Scope::File, "name").is_ok() {
        edits += 1;
    }
    if edits > 0 {
        opam_file::parse(document.to_bytes()).expect("an edited document parses");
    }
}
