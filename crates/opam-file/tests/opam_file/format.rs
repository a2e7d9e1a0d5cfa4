//! The port of OCaml's `Format` engine (`opam_file::print::format`): each box kind
//! and hint by hand, then random layouts against OCaml's own `Format`.

use opam_file::print::format::{BoxKind, Formatter};

/// Lays out `[a b c …]` as opam prints a list: an hv box around `[`, a cut
/// with offset 2, an inner hv box of the elements, a cut, `]`.
fn list(f: &mut Formatter, elements: &[&str]) {
    f.open_box(BoxKind::HV, 0);
    f.text(b"[");
    f.break_hint(0, 2);
    f.open_box(BoxKind::HV, 0);
    for (i, element) in elements.iter().enumerate() {
        if i > 0 {
            f.space();
        }
        f.text(element.as_bytes());
    }
    f.close_box();
    f.cut();
    f.text(b"]");
    f.close_box();
}

fn output(build: impl FnOnce(&mut Formatter)) -> String {
    let mut f = Formatter::new();
    build(&mut f);
    String::from_utf8(f.flush()).unwrap_or_default()
}

#[test]
fn short_hv_box_stays_on_one_line() {
    assert_eq!(output(|f| list(f, &["a", "b", "c"])), "[a b c]");
}

#[test]
fn long_hv_box_splits_every_hint() {
    let word = "x".repeat(30);
    let words = [word.as_str(); 3];
    let expected = format!("[\n  {word}\n  {word}\n  {word}\n]");
    assert_eq!(output(|f| list(f, &words)), expected);
}

#[test]
fn hov_box_packs_as_much_as_fits_on_each_line() {
    let text = output(|f| {
        f.open_box(BoxKind::HoV, 2);
        for i in 0..30 {
            if i > 0 {
                f.space();
            }
            f.text(b"word");
        }
        f.close_box();
    });
    let lines: Vec<&str> = text.lines().collect();
    // 15 words fill 74 columns; the 16th would pass column 78.
    assert_eq!(lines[0], ["word"; 15].join(" "));
    assert_eq!(lines[1], format!("  {}", ["word"; 15].join(" ")));
    assert_eq!(lines.len(), 2);
}

#[test]
fn v_box_splits_even_when_it_fits() {
    let text = output(|f| {
        f.open_box(BoxKind::V, 0);
        f.text(b"a");
        f.cut();
        f.text(b"b");
        f.close_box();
    });
    assert_eq!(text, "a\nb");
}

#[test]
fn h_box_never_splits() {
    let word = "y".repeat(50);
    let text = output(|f| {
        f.open_box(BoxKind::H, 0);
        f.text(word.as_bytes());
        f.space();
        f.text(word.as_bytes());
        f.close_box();
    });
    assert_eq!(text, format!("{word} {word}"));
}

#[test]
fn indentation_is_clamped_to_max_indent() {
    // Nested v boxes each indent by 10; past column 68 the indentation stops growing.
    let text = output(|f| {
        for _ in 0..9 {
            f.open_box(BoxKind::V, 10);
            f.text(b"n");
            f.cut();
        }
        f.text(b"end");
        for _ in 0..9 {
            f.close_box();
        }
    });
    let indents: Vec<usize> = text
        .lines()
        .map(|line| line.len() - line.trim_start().len())
        .collect();
    assert_eq!(indents, vec![0, 10, 20, 30, 40, 50, 60, 68, 68, 68]);
}

#[test]
fn blank_indentation_is_written_even_on_an_empty_line() {
    let text = output(|f| {
        f.open_box(BoxKind::V, 0);
        f.text(b"s {");
        f.break_hint(0, 2);
        f.open_box(BoxKind::V, 0);
        f.close_box();
        f.cut();
        f.text(b"}");
        f.close_box();
    });
    assert_eq!(text, "s {\n  \n}");
}

#[test]
fn flush_resets_the_formatter_for_reuse() {
    let mut f = Formatter::new();
    list(&mut f, &["a"]);
    assert_eq!(f.flush(), b"[a]");
    list(&mut f, &["b"]);
    assert_eq!(f.flush(), b"[b]");
}

#[test]
fn geometry_is_validated_like_ocaml() {
    assert!(Formatter::with_geometry(10, 1).is_err());
    assert!(Formatter::with_geometry(10, 10).is_err());
    assert!(Formatter::with_geometry(10, 8).is_ok());
}

#[test]
fn narrow_geometry_splits_earlier() {
    let Ok(mut f) = Formatter::with_geometry(10, 8) else {
        panic!("valid geometry rejected");
    };
    list(&mut f, &["aaa", "bbb", "ccc"]);
    assert_eq!(f.flush(), b"[\n  aaa\n  bbb\n  ccc\n]");
}

#[test]
fn unmatched_close_is_ignored() {
    assert_eq!(
        output(|f| {
            f.close_box();
            f.text(b"x");
        }),
        "x"
    );
}

/// Replays layout commands on OCaml's `Format.str_formatter` (see `random_commands`).
const ORACLE_DRIVER: &str = r#"(* Replays layout commands read from stdin on Format.str_formatter:
   "o KIND INDENT", "c", "t TEXT", "b WIDTH OFFSET", and "f" to flush, which writes
   the output followed by a NUL byte. *)
let () =
  let f = Format.str_formatter in
  try while true do
    let line = input_line stdin in
    match String.split_on_char ' ' line with
    | ["o"; kind; indent] ->
      let indent = int_of_string indent in
      (match kind with
       | "h" -> Format.pp_open_hbox f ()
       | "v" -> Format.pp_open_vbox f indent
       | "hv" -> Format.pp_open_hvbox f indent
       | "hov" -> Format.pp_open_hovbox f indent
       | _ -> Format.pp_open_box f indent)
    | ["c"] -> Format.pp_close_box f ()
    | ["b"; width; offset] -> Format.pp_print_break f (int_of_string width) (int_of_string offset)
    | ["f"] -> print_string (Format.flush_str_formatter ()); print_char '\000'
    | _ ->
      let text = String.sub line 2 (String.length line - 2) in
      Format.pp_print_string f (Scanf.unescaped text)
  done with End_of_file -> ()
"#;

/// Builds [`ORACLE_DRIVER`] with `ocamlfind`, or `None` when OCaml is not installed.
fn oracle_driver() -> Option<std::path::PathBuf> {
    crate::ocaml::driver("osec-format-oracle", "fmt_driver", "str", ORACLE_DRIVER)
}

/// One command of a random layout, replayed both here and in OCaml.
enum Command {
    Open(BoxKind, isize),
    Close,
    Text(String),
    Break(usize, isize),
    Flush,
}

impl Command {
    fn ocaml_line(&self) -> String {
        match self {
            Command::Open(kind, indent) => {
                let kind = match kind {
                    BoxKind::H => "h",
                    BoxKind::V => "v",
                    BoxKind::HV => "hv",
                    BoxKind::HoV => "hov",
                    BoxKind::B => "b",
                };
                format!("o {kind} {indent}\n")
            }
            Command::Close => "c\n".to_string(),
            Command::Text(text) => format!("t {}\n", text.replace('\n', "\\n")),
            Command::Break(width, offset) => format!("b {width} {offset}\n"),
            Command::Flush => "f\n".to_string(),
        }
    }
}

/// Random layouts of every box kind, indentation (negative included), text width
/// (multi-byte characters and newlines included) and break hint.
fn random_commands(seed: u64, count: usize) -> Vec<Command> {
    let mut state = seed;
    let mut below = |bound: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound
    };
    let kinds = [
        BoxKind::H,
        BoxKind::V,
        BoxKind::HV,
        BoxKind::HoV,
        BoxKind::B,
    ];
    let mut commands = Vec::new();
    let mut depth = 0;
    for _ in 0..count {
        match below(10) {
            0 | 1 if depth < 14 => {
                let kind = kinds[below(kinds.len())];
                let indent = if kind == BoxKind::H {
                    0
                } else {
                    below(9) as isize - 2
                };
                commands.push(Command::Open(kind, indent));
                depth += 1;
            }
            2 if depth > 0 => {
                commands.push(Command::Close);
                depth -= 1;
            }
            3..=5 => {
                let length = [0, 1, 3, 8, 15, 30, 70, 90][below(8)];
                let text = (0..length)
                    .map(|_| match below(20) {
                        0 => "é",
                        1 => "\n",
                        _ => "x",
                    })
                    .collect();
                commands.push(Command::Text(text));
            }
            6 if below(20) == 0 => {
                commands.push(Command::Flush);
                depth = 0;
            }
            _ => commands.push(Command::Break(below(3), below(7) as isize - 2)),
        }
    }
    commands.push(Command::Flush);
    commands
}

/// Thousands of random layouts give the same bytes as OCaml's `Format`.
#[test]
fn random_layouts_match_ocaml() {
    use std::io::Write;
    let Some(driver) = oracle_driver() else {
        test_references::skip(
            "random_layouts_match_ocaml",
            "OCaml (ocamlfind) is not installed",
        );
        return;
    };
    let commands: Vec<Command> = (1..=400)
        .flat_map(|seed| random_commands(seed, 300))
        .collect();
    let script: String = commands.iter().map(Command::ocaml_line).collect();
    let mut child = std::process::Command::new(driver)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let mut expected = output.stdout.split(|&b| b == 0);

    let mut f = Formatter::new();
    let mut layouts = 0;
    for command in &commands {
        match command {
            Command::Open(kind, indent) => f.open_box(*kind, *indent),
            Command::Close => f.close_box(),
            Command::Text(text) => f.text(text.as_bytes()),
            Command::Break(width, offset) => f.break_hint(*width, *offset),
            Command::Flush => {
                let ours = f.flush();
                let theirs = expected.next().unwrap_or_default();
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(theirs),
                    "layout {layouts}"
                );
                layouts += 1;
            }
        }
    }
    assert!(layouts >= 400);
}
