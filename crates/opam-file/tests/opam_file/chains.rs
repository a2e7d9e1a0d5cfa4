//! Long chains (`a & b & …`, `a | b | …`, `v {…} {…} …`): opam reads them whatever
//! their length, and so must osec, without recursing once per term (issue 14).
//!
//! Each test runs on a thread with a 2 MiB stack, smaller than a main thread's: a
//! walk of the tree that recursed once per term would overflow it long before the
//! end of a 1,000,000-term chain.

use opam_file::print::{normalise, standard};
use opam_file::{ItemKind, OpamFile, ValueKind};

/// Runs `test` on a thread with a 2 MiB stack and propagates its panic.
fn on_small_stack(test: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(test)
        .expect("thread starts");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

/// `x: [<term 0> & <term 1> & …]`, the terms joined by ` op `.
fn chain_file(op: &str, count: usize, term: impl Fn(usize) -> String) -> String {
    let terms: Vec<String> = (0..count).map(term).collect();
    format!("x: [{}]\n", terms.join(&format!(" {op} ")))
}

/// What the oracle's `dump ast` prints for a one-line file `x: [<value>]`: opam's
/// left-nested tree, one `(Logop op ` per operator.
fn expected_ast(src: &str, op: &str, count: usize, term: impl Fn(usize) -> String) -> String {
    let mut value = format!("(Logop {op} ").repeat(count - 1);
    value.push_str(&term(0));
    for i in 1..count {
        value.push(' ');
        value.push_str(&term(i));
        value.push(')');
    }
    format!("[1:0-1:{}] Var x = (List {value})\n", src.len() - 1)
}

/// Parses, dumps, prints and re-reads `src`, checking each against `ast`.
fn check_chain(src: &str, ast: &str) {
    let (file, lines) = opam_file::parse_with_lines(src.as_bytes()).expect("the chain parses");
    assert_eq!(
        String::from_utf8(opam_file::dump::dump_ast(&file, &lines)).expect("utf-8"),
        ast
    );
    // The normalised form of a chain written with single spaces is the text itself.
    let normal = normalise::normalise(&file).expect("normalises");
    assert_eq!(String::from_utf8(normal).expect("utf-8"), src);
    // The standard printer breaks the chain over lines; what it prints reads back as
    // the same tree.
    let printed = standard::opamfile(&file).expect("prints");
    let again = opam_file::parse(&printed).expect("the printed chain parses");
    assert_eq!(again.without_spans(), file.without_spans());
}

#[test]
fn a_million_term_and_chain_parses_dumps_and_drops() {
    on_small_stack(|| {
        let count = 1_000_000;
        let src = chain_file("&", count, |i| format!("\"a{i}\""));
        let (file, lines) = opam_file::parse_with_lines(src.as_bytes()).expect("parses");
        let ast = expected_ast(&src, "&", count, |i| format!("(String \"a{i}\")"));
        assert_eq!(opam_file::dump::dump_ast(&file, &lines), ast.as_bytes());
        let normal = normalise::normalise(&file).expect("normalises");
        assert_eq!(normal, src.as_bytes());
        let ItemKind::Variable(_, list) = &file.items[0].kind else {
            panic!("a field");
        };
        let ValueKind::List(list) = &list.kind else {
            panic!("a list");
        };
        let ValueKind::Logop(chain) = &list.value[0].kind else {
            panic!("a chain");
        };
        assert_eq!(chain.operands.len(), count);
        drop(file);
    });
}

#[test]
fn fifty_thousand_term_chains_of_every_kind_round_trip() {
    on_small_stack(|| {
        let count = 50_000;
        // A conjunction of dependencies.
        let term = |i: usize| format!("\"a{i}\"");
        let src = chain_file("&", count, term);
        check_chain(
            &src,
            &expected_ast(&src, "&", count, |i| format!("(String \"a{i}\")")),
        );
        // A disjunction of comparisons, as a generated `available:` filter.
        let src = chain_file("|", count, |i| format!("os = \"o{i}\""));
        check_chain(
            &src,
            &expected_ast(&src, "|", count, |i| {
                format!("(Relop = (Ident os) (String \"o{i}\"))")
            }),
        );
        // A conjunction of version constraints in braces.
        let constraints: Vec<String> = (0..count).map(|i| format!(">= \"{i}\"")).collect();
        let src = format!("x: [\"a\" {{{}}}]\n", constraints.join(" & "));
        let mut value = "(Logop & ".repeat(count - 1);
        value.push_str("(Prefix_relop >= (String \"0\"))");
        for i in 1..count {
            value.push_str(&format!(" (Prefix_relop >= (String \"{i}\")))"));
        }
        let ast = format!(
            "[1:0-1:{}] Var x = (List (Option (String \"a\") {value}))\n",
            src.len() - 1
        );
        check_chain(&src, &ast);
        // `|` of `&` chains: two levels, each flat.
        let src = chain_file("|", count / 2, |i| format!("a{i} & b{i}"));
        let ast = expected_ast(&src, "|", count / 2, |i| {
            format!("(Logop & (Ident a{i}) (Ident b{i}))")
        });
        check_chain(&src, &ast);
    });
}

#[test]
fn a_hundred_thousand_stacked_option_lists_round_trip() {
    on_small_stack(|| {
        let count = 100_000;
        let src = format!("x: [\"a\"{}]\n", " {b}".repeat(count));
        let mut value = "(Option ".repeat(count);
        value.push_str("(String \"a\")");
        value.push_str(&" (Ident b))".repeat(count));
        let ast = format!("[1:0-1:{}] Var x = (List {value})\n", src.len() - 1);
        check_chain(&src, &ast);
        let file = opam_file::parse(src.as_bytes()).expect("parses");
        let ItemKind::Variable(_, list) = &file.items[0].kind else {
            panic!("a field");
        };
        let ValueKind::List(list) = &list.kind else {
            panic!("a list");
        };
        assert!(matches!(
            &list.value[0].kind,
            ValueKind::StackedOptions(_, lists) if lists.len() == count
        ));
    });
}

#[test]
fn chains_under_the_nesting_limit_stay_within_it() {
    // A chain does not count as nesting; what its operands nest still does.
    let deep = format!(
        "x: {}a & b{}\n",
        "[".repeat(opam_file::MAX_NESTING - 1),
        "]".repeat(opam_file::MAX_NESTING - 1)
    );
    opam_file::parse(deep.as_bytes()).expect("a chain at the deepest level parses");
    let too_deep = format!(
        "x: a & {}b{}\n",
        "[".repeat(opam_file::MAX_NESTING + 1),
        "]".repeat(opam_file::MAX_NESTING + 1)
    );
    let error = opam_file::parse(too_deep.as_bytes()).expect_err("too deep");
    assert!(matches!(
        error.kind(),
        opam_file::ParseErrorKind::TooDeep { .. }
    ));
}

/// Our three outputs for `src`, as the oracle's `dump ast|print|norm` print them.
fn ours(src: &[u8]) -> [Vec<u8>; 3] {
    let file: OpamFile = opam_file::parse(src).expect("parses");
    [
        opam_file::dump::dump_ast_of_source(src).expect("parses"),
        standard::opamfile(&file).expect("prints"),
        normalise::dump_normalise_of_source(src),
    ]
}

/// 10,000-term chains against opam-file-format itself. (opam's standard printer
/// recurses once per term: on 50,000 it overflows its own stack, so the comparison
/// stops at a length it can print.)
#[test]
fn ten_thousand_term_chains_match_the_oracle() {
    let Some(dump) =
        test_references::require_oracle("ten_thousand_term_chains_match_the_oracle", "dump")
    else {
        return;
    };
    let count = 10_000;
    let cases = [
        ("and", chain_file("&", count, |i| format!("\"a{i}\""))),
        ("or", chain_file("|", count, |i| format!("os = \"o{i}\""))),
        (
            "mixed",
            chain_file("|", count, |i| format!("!a{i} & b{i} {{c}}")),
        ),
        (
            "constraints",
            format!(
                "x: [\"a\" {{{}}}]\n",
                (0..count)
                    .map(|i| format!("< \"{i}\""))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
        ),
        ("stacked", format!("x: [\"a\"{}]\n", " {b c}".repeat(count))),
    ];
    let scratch = std::env::temp_dir().join(format!("osec-chains-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    for (name, src) in cases {
        let path = scratch.join(format!("{name}.opam"));
        std::fs::write(&path, &src).expect("written");
        for (mode, ours) in ["ast", "print", "norm"]
            .into_iter()
            .zip(ours(src.as_bytes()))
        {
            let output = std::process::Command::new(&dump)
                .arg(mode)
                .arg(&path)
                .output()
                .expect("oracle runs");
            assert!(output.status.success(), "{name} {mode}: the oracle failed");
            assert!(
                output.stdout == ours,
                "{name} {mode}: osec differs from the oracle"
            );
        }
    }
    std::fs::remove_dir_all(&scratch).expect("scratch removed");
}
