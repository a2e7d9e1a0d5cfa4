//! Random files, written as text here, read by opam's parser and printed by the
//! oracle, compared with what our printer makes of opam's AST and of our parser's tree.

use opam_file::print::standard::{self, PrintError};

use super::serialised::Reader;

/// Source of the oracle driver: for each opam file named on stdin, it writes the
/// AST opam's parser reads (in the serialisation `Reader` reads) and the output of
/// `OpamPrinter.FullPos.opamfile`, all in one process.
const ORACLE_DRIVER: &str = r#"(* One-process oracle for the standard printer: for each opam file named on stdin,
   write its AST (as the OCaml parser reads it) and OpamPrinter.FullPos.opamfile's output
   in a simple length-prefixed serialisation, for osec's differential test. *)
open OpamParserTypes.FullPos
let b = Buffer.create (1 lsl 20)
let str s = Buffer.add_string b (string_of_int (String.length s)); Buffer.add_char b ':'; Buffer.add_string b s
let relop r = Buffer.add_char b (match r.pelem with `Eq->'e' | `Neq->'n' | `Geq->'G' | `Gt->'g' | `Leq->'L' | `Lt->'l')
let envop o = Buffer.add_char b (match o.pelem with OpamParserTypes.Eq->'0' | PlusEq->'1' | EqPlus->'2' | EqPlusEq->'3' | ColonEq->'4' | EqColon->'5')
let rec v x = match x.pelem with
  | Bool bo -> Buffer.add_string b (if bo then "b1" else "b0")
  | Int i -> Buffer.add_char b 'i'; Buffer.add_string b (string_of_int i); Buffer.add_char b ';'
  | String s -> Buffer.add_char b 's'; str s
  | Ident s -> Buffer.add_char b 'd'; str s
  | Relop (o,l,r) -> Buffer.add_char b 'r'; relop o; v l; v r
  | Prefix_relop (o,r) -> Buffer.add_char b 'p'; relop o; v r
  | Logop (o,l,r) -> Buffer.add_char b (match o.pelem with `And->'&' | `Or->'|'); v l; v r
  | Pfxop (o,r) -> Buffer.add_char b (match o.pelem with `Not->'!' | `Defined->'?'); v r
  | List l -> Buffer.add_char b '['; vs l.pelem
  | Group l -> Buffer.add_char b '('; vs l.pelem
  | Option (x,l) -> Buffer.add_char b 'o'; v x; vs l.pelem
  | Env_binding (x,o,y) -> Buffer.add_char b 'E'; envop o; v x; v y
and vs l = Buffer.add_string b (string_of_int (List.length l)); Buffer.add_char b ';'; List.iter v l
let rec item i = match i.pelem with
  | Variable (n, x) -> Buffer.add_char b 'V'; str n.pelem; v x
  | Section s -> Buffer.add_char b 'S'; str s.section_kind.pelem;
    (match s.section_name with None -> Buffer.add_char b 'N' | Some n -> Buffer.add_char b 'Y'; str n.pelem);
    items s.section_items.pelem
and items l = Buffer.add_string b (string_of_int (List.length l)); Buffer.add_char b ';'; List.iter item l
let () =
  try while true do
    let f = input_line stdin in
    Buffer.clear b;
    Buffer.add_char b 'F'; str f;
    (match OpamParser.FullPos.file f with
     | exception _ -> Buffer.add_char b 'E'
     | file ->
       Buffer.add_char b 'A'; items file.file_contents;
       (match OpamPrinter.FullPos.opamfile file with
        | out -> Buffer.add_char b 'P'; str out
        | exception Invalid_argument m -> Buffer.add_char b 'X'; str m));
    print_string (Buffer.contents b)
  done with End_of_file -> ()
"#;

/// The oracle driver, built from [`ORACLE_DRIVER`] with `ocamlfind` and
/// opam-file-format (see shared/oracle/install.sh) the first time; `None` when
/// they are not installed.
fn oracle_driver() -> Option<std::path::PathBuf> {
    crate::ocaml::driver(
        "osec-printer-oracle",
        "corpus_dump",
        "opam-file-format",
        ORACLE_DRIVER,
    )
}

/// Runs the oracle driver on `files`.
fn run_oracle(driver: &std::path::Path, files: &[std::path::PathBuf]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new(driver)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the oracle driver failed");
    output.stdout
}

/// How the records of an oracle run compare with our printer.
#[derive(Debug, Default)]
struct Comparison {
    /// Files the oracle read.
    files: usize,
    /// Files the oracle's parser rejected.
    rejected: usize,
    /// Files whose oracle AST we print as the oracle does.
    identical: usize,
    /// Files whose oracle AST we print differently.
    different: Vec<String>,
    /// Files that our parser reads and we then print as the oracle does.
    identical_from_our_parser: usize,
    /// Files that our parser reads and we then print differently (or that our
    /// parser rejects while the oracle's accepts).
    different_from_our_parser: Vec<String>,
}

/// Prints every AST of an oracle run and compares with the oracle's output (an
/// `Invalid_argument` of the oracle must be an error of ours); then does the same
/// from the file parsed by our parser, when the file is still there.
fn compare_with_oracle(records: &[u8]) -> Comparison {
    let mut reader = Reader::new(records);
    let mut comparison = Comparison::default();
    while !reader.is_at_end() {
        assert_eq!(reader.byte(), b'F');
        let name = reader.string();
        comparison.files += 1;
        if reader.byte() == b'E' {
            comparison.rejected += 1;
            continue;
        }
        let items = reader.items();
        let expected = match reader.byte() {
            b'P' => Ok(reader.bytes().to_vec()),
            _ => Err(reader.string()),
        };
        let same = |ours: &Result<Vec<u8>, PrintError>| match (ours, &expected) {
            (Ok(ours), Ok(expected)) => ours == expected,
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if same(&standard::items(&items)) {
            comparison.identical += 1;
        } else {
            comparison.different.push(name.clone());
        }
        if let Ok(source) = std::fs::read(&name) {
            match opam_file::parse(&source) {
                Ok(file) if same(&standard::opamfile(&file)) => {
                    comparison.identical_from_our_parser += 1;
                }
                _ => comparison.different_from_our_parser.push(name),
            }
        }
    }
    comparison
}

/// A small deterministic generator (xorshift64*), so the random test needs no
/// extra dependency and fails the same way every time.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound.max(1)
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.below(choices.len())]
    }

    /// Text of an atom: a string (of any length, sometimes with newlines, quotes,
    /// backslashes or UTF-8), an identifier, an integer or a boolean.
    fn atom(&mut self) -> String {
        match self.below(6) {
            0..=2 => {
                let length = [0, 1, 5, 12, 30, 60, 75, 90][self.below(8)];
                let mut text = String::from("\"");
                let multi_line = self.below(4) == 0;
                for _ in 0..length {
                    text.push_str(match self.below(12) {
                        0 if multi_line => "\\n",
                        1 => "\\\"",
                        2 => "\\\\",
                        3 => "\\t",
                        4 => "é",
                        5 => " ",
                        _ => "a",
                    });
                }
                text.push('"');
                text
            }
            3 => {
                let length = [1, 3, 8, 20, 40][self.below(5)];
                let body = self.pick(&["n", "with-test", "os", "a_b"]).repeat(length);
                format!("{}{body}", self.pick(&["", "pkg:"]))
            }
            4 => self
                .pick(&["0", "42", "-7", "4611686018427387903"])
                .to_string(),
            _ => self.pick(&["true", "false"]).to_string(),
        }
    }

    fn values(&mut self, depth: usize) -> String {
        // Deep values get few elements, so that files stay small.
        let count = if depth > 4 {
            self.below(3)
        } else {
            [0, 1, 2, 3, 5, 8][self.below(6)]
        };
        (0..count)
            .map(|_| self.value(depth))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Text of a value nested at most `depth` levels.
    fn value(&mut self, depth: usize) -> String {
        if depth == 0 {
            return self.atom();
        }
        let depth = depth - 1;
        let relop = ["=", "!=", ">=", ">", "<=", "<", "~"];
        match self.below(11) {
            0 | 1 => self.atom(),
            2 => format!("{} {} {}", self.atom(), self.pick(&relop), self.atom()),
            3 => format!("{} {}", self.pick(&relop), self.atom()),
            4 => format!(
                "{} {} {}",
                self.value(depth),
                self.pick(&["&", "|"]),
                self.value(depth)
            ),
            5 => format!("{}({})", self.pick(&["!", "?"]), self.values(depth)),
            6 | 7 => format!("[{}]", self.values(depth)),
            8 => format!("({})", self.values(depth)),
            9 => format!("{} {{{}}}", self.atom(), self.values(depth)),
            _ => format!(
                "{} {} {}",
                self.pick(&["PATH", "X"]),
                self.pick(&["=", "+=", "=+", "=+=", ":=", "=:"]),
                self.atom()
            ),
        }
    }

    /// Text of a value nested `depth` levels deep along one path, with an atom or
    /// two beside the path at each level: reaches the maximum indentation.
    fn spine(&mut self, depth: usize) -> String {
        if depth == 0 {
            return self.atom();
        }
        let inner = self.spine(depth - 1);
        match self.below(5) {
            0 => format!("[{} {inner} {}]", self.atom(), self.atom()),
            1 => format!("[{inner}]"),
            2 => format!("{} {{{inner}}}", self.atom()),
            3 => format!("({} {inner})", self.atom()),
            _ => format!("!({inner})"),
        }
    }

    /// Text of items, with sections nested at most `depth` levels.
    fn items(&mut self, depth: usize) -> String {
        let mut text = String::new();
        for _ in 0..self.below(6) + 1 {
            if depth > 0 && self.below(5) == 0 {
                let name = ["", "\"name\" ", "\"a \\\"quoted\\\" name\" "][self.below(3)];
                text.push_str(&format!(
                    "{} {name}{{\n{}}}\n",
                    self.pick(&["url", "extra-source"]),
                    self.items(depth - 1)
                ));
            } else {
                let name = self.pick(&["x", "depends", "a-rather-long-field-name-for-layout"]);
                let value = if self.below(4) == 0 {
                    let depth = 10 + self.below(40);
                    self.spine(depth)
                } else {
                    let depth = [2, 4, 8][self.below(3)];
                    self.value(depth)
                };
                text.push_str(&format!("{name}: {value}\n"));
            }
        }
        text
    }
}

/// Random files, printed from the AST opam's parser reads and compared with
/// `OpamPrinter.FullPos.opamfile`: layouts the repositories never exercise.
#[test]
fn random_files_match_the_oracle() {
    let Some(driver) = oracle_driver() else {
        test_references::skip(
            "random_files_match_the_oracle",
            "the OCaml oracle (ocamlfind, opam-file-format) is not installed",
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("osec-printer-random-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let files: Vec<std::path::PathBuf> = (0..3000)
        .map(|i| {
            let path = dir.join(format!("{i}.opam"));
            std::fs::write(&path, random.items(2)).unwrap();
            path
        })
        .collect();
    let comparison = compare_with_oracle(&run_oracle(&driver, &files));
    // OSEC_KEEP_RANDOM keeps the files, to look into a failure.
    if std::env::var_os("OSEC_KEEP_RANDOM").is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!("{comparison:?}");
    assert!(
        comparison.rejected * 10 < comparison.files,
        "the generator should write mostly valid files: {comparison:?}"
    );
    assert!(comparison.different.is_empty(), "{comparison:?}");
    assert!(
        comparison.different_from_our_parser.is_empty(),
        "{comparison:?}"
    );
    assert_eq!(
        comparison.identical_from_our_parser,
        comparison.files - comparison.rejected,
        "{comparison:?}"
    );
}
