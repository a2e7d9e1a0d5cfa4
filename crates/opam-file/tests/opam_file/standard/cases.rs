//! The hand-written cases printed from opam's AST and from the tree of our parser,
//! and re-derived from the oracle.

use opam_file::print::standard;
use opam_file::{Item, ItemKind, Value, ValueKind};

use super::case_table::CASES;
use super::serialised::parse_ast;

#[test]
fn hand_written_cases_print_as_opam_does() {
    for case in CASES {
        let printed = standard::items(&parse_ast(case.ast));
        assert_eq!(
            printed.as_deref().map(String::from_utf8_lossy),
            Ok(String::from_utf8_lossy(case.printed)),
            "case {}",
            case.name
        );
    }
}

#[test]
fn hand_written_cases_print_as_opam_does_from_our_parser() {
    for case in CASES {
        let file = opam_file::parse(case.source).unwrap();
        assert_eq!(
            standard::opamfile(&file)
                .as_deref()
                .map(String::from_utf8_lossy),
            Ok(String::from_utf8_lossy(case.printed)),
            "case {}",
            case.name
        );
    }
}

/// The value as the oracle's `dump ast` writes it.
fn dump_value(value: &Value) -> String {
    let list = |values: &[Value]| -> String {
        values
            .iter()
            .map(|v| format!(" {}", dump_value(v)))
            .collect()
    };
    match &value.kind {
        ValueKind::Bool(b) => format!("(Bool {b})"),
        ValueKind::Int(i) => format!("(Int {i})"),
        ValueKind::String(s) => format!("(String {})", ocaml_quoted(s)),
        ValueKind::Ident(s) => format!("(Ident {s})"),
        ValueKind::Relop(op, l, r) => format!(
            "(Relop {} {} {})",
            op.value.as_str(),
            dump_value(l),
            dump_value(r)
        ),
        ValueKind::PrefixRelop(op, v) => {
            format!("(Prefix_relop {} {})", op.value.as_str(), dump_value(v))
        }
        ValueKind::Logop(chain) => {
            let mut operands = chain.operands.iter().map(dump_value);
            let first = operands.next().unwrap_or_default();
            operands.fold(first, |left, right| {
                format!("(Logop {} {left} {right})", chain.op.as_str())
            })
        }
        ValueKind::Pfxop(op, v) => format!("(Pfxop {} {})", op.value.as_str(), dump_value(v)),
        ValueKind::List(l) => format!("(List{})", list(&l.value)),
        ValueKind::Group(l) => format!("(Group{})", list(&l.value)),
        ValueKind::Option(v, l) => format!("(Option {}{})", dump_value(v), list(&l.value)),
        ValueKind::StackedOptions(v, lists) => lists.iter().fold(dump_value(v), |subject, l| {
            format!("(Option {subject}{})", list(&l.value))
        }),
        ValueKind::EnvBinding(n, op, v) => format!(
            "(Env {} {} {})",
            dump_value(n),
            op.value.as_str(),
            dump_value(v)
        ),
    }
}

/// OCaml's `%S`, as the library writes it for `dump ast`.
fn ocaml_quoted(bytes: &[u8]) -> String {
    let mut quoted = Vec::new();
    opam_file::dump::ocaml_quoted(&mut quoted, bytes);
    String::from_utf8_lossy(&quoted).into_owned()
}

fn dump_items(items: &[Item], indent: &str, lines: &mut Vec<String>) {
    for item in items {
        match &item.kind {
            ItemKind::Variable(name, value) => {
                lines.push(format!(
                    "{indent}Var {} = {}",
                    name.value,
                    dump_value(value)
                ));
            }
            ItemKind::Section(section) => {
                let name = section
                    .name
                    .as_ref()
                    .map_or("-".to_string(), |name| ocaml_quoted(&name.value));
                lines.push(format!("{indent}Section {} {name}", section.kind.value));
                dump_items(&section.items.value, &format!("{indent}  "), lines);
            }
        }
    }
}

/// Re-derives every hand-written case from the oracle: its `dump ast` of the
/// source must be the case's AST, and its `dump print` the expected output.
#[test]
fn hand_written_cases_agree_with_the_oracle() {
    let Some(dump) =
        test_references::require_oracle("hand_written_cases_agree_with_the_oracle", "dump")
    else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("osec-printer-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for case in CASES {
        let path = dir.join(format!("{}.opam", case.name));
        std::fs::write(&path, case.source).unwrap();
        let run = |mode: &str| {
            let output = std::process::Command::new(&dump)
                .arg(mode)
                .arg(&path)
                .output()
                .unwrap();
            assert!(output.status.success(), "oracle failed on {}", case.name);
            output.stdout
        };
        let oracle_ast: Vec<String> = String::from_utf8_lossy(&run("ast"))
            .lines()
            .map(|line| {
                let indent = line.len() - line.trim_start().len();
                let rest = line.split_once("] ").map_or(line, |(_, rest)| rest);
                format!("{}{rest}", &line[..indent])
            })
            .collect();
        let mut ours = Vec::new();
        dump_items(&parse_ast(case.ast), "", &mut ours);
        assert_eq!(ours, oracle_ast, "AST of case {}", case.name);
        assert_eq!(
            String::from_utf8_lossy(&run("print")),
            String::from_utf8_lossy(case.printed),
            "output of case {}",
            case.name
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
