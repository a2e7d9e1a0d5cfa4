//! Which build commands edit the package's sources in place: `sed -i`, `perl -i`
//! (`-pi`), `patch`, `git apply`/`git am`, `awk -i inplace`, `ed`/`ex`, and the same
//! inside `sh -c "…"` (or `bash`, `dash`, `zsh`).
//!
//! Plain `sed` writing to standard output, `cp`, `mv`, `rm` and `dune subst` are not
//! counted: they are common and rarely change the code that is built.

use opam_file::{Value, ValueKind};

/// Whether an opam command (a list of arguments, possibly with a filter) edits
/// sources in place.
pub(crate) fn modifies_sources(command: &Value) -> bool {
    let arguments = match &command.kind {
        ValueKind::Option(inner, _) => arguments(inner),
        _ => arguments(command),
    };
    let words: Vec<&str> = arguments.iter().map(String::as_str).collect();
    words_modify_sources(&words, true)
}

/// The texts of a command's arguments (strings and identifiers, filters dropped).
fn arguments(command: &Value) -> Vec<String> {
    let ValueKind::List(list) = &command.kind else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter_map(|argument| {
            let argument = match &argument.kind {
                ValueKind::Option(inner, _) => inner,
                _ => argument,
            };
            match &argument.kind {
                ValueKind::String(text) => Some(String::from_utf8_lossy(text).into_owned()),
                ValueKind::Ident(ident) => Some(ident.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// Whether a command line (program and arguments) edits files in place; `shell`
/// allows looking into `sh -c SCRIPT` (once, not into a shell inside it).
fn words_modify_sources(words: &[&str], shell: bool) -> bool {
    let Some((program, arguments)) = words.split_first() else {
        return false;
    };
    let program = program.rsplit('/').next().unwrap_or(program);
    match program {
        "sed" | "gsed" => arguments.iter().any(|a| sed_in_place(a)),
        "perl" => arguments.iter().any(|a| perl_in_place(a)),
        "patch" | "ed" | "ex" => true,
        "git" => arguments.iter().any(|a| matches!(*a, "apply" | "am")),
        "awk" | "gawk" => {
            arguments.windows(2).any(|w| w == ["-i", "inplace"])
                || arguments
                    .iter()
                    .any(|a| matches!(*a, "-iinplace" | "--include=inplace"))
        }
        "sh" | "bash" | "dash" | "zsh" if shell => arguments
            .iter()
            .position(|a| *a == "-c")
            .and_then(|at| arguments.get(at + 1))
            .is_some_and(|script| script_modifies_sources(script)),
        _ => false,
    }
}

/// Whether any simple command of a shell script edits files in place. Commands are
/// split at `;`, `&`, `|`, newlines, parentheses and backquotes; words at blanks,
/// with quotes trimmed.
fn script_modifies_sources(script: &str) -> bool {
    script
        .split([';', '&', '|', '\n', '(', ')', '`'])
        .any(|command| {
            let words: Vec<&str> = command
                .split_whitespace()
                .map(|word| word.trim_matches(['\'', '"']))
                .skip_while(|word| word.contains('=') && !word.starts_with('-'))
                .collect();
            words_modify_sources(&words, false)
        })
}

/// `-i`, `-i.bak`, `-Ei`, `--in-place`, `--in-place=.bak`: `i` in a cluster of short
/// options before one that takes an argument (`-e`, `-f`, `-l`).
fn sed_in_place(argument: &str) -> bool {
    if argument == "--in-place" || argument.starts_with("--in-place=") {
        return true;
    }
    short_option_before(argument, 'i', "efl")
}

/// `-i`, `-pi`, `-pi.bak`, `-p -i`: `i` in a cluster of perl switches before one
/// that takes the rest of the word (`-e`, `-M`, `-I`…).
fn perl_in_place(argument: &str) -> bool {
    short_option_before(argument, 'i', "eEMmIxdDCF")
}

/// Whether the short-option cluster `argument` (`-abc`) has `option` before any of
/// the options in `taking_argument`.
fn short_option_before(argument: &str, option: char, taking_argument: &str) -> bool {
    let Some(cluster) = argument.strip_prefix('-') else {
        return false;
    };
    if cluster.starts_with('-') {
        return false;
    }
    for c in cluster.chars() {
        if c == option {
            return true;
        }
        if taking_argument.contains(c) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(text: &str) -> Value {
        let file = opam_file::parse(format!("build: [{text}]").as_bytes()).expect("parses");
        let (_, value) = file.items[0].as_field().expect("a field");
        match &value.kind {
            ValueKind::List(list) => list.value[0].clone(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn in_place_editors_are_found() {
        for text in [
            r#"["sed" "-i" "s/a/b/" "f"]"#,
            r#"["sed" "-Ei" "s/a/b/" "f"]"#,
            r#"["sed" "-i.bak" "-e" "s/a/b/" "f"]"#,
            r#"["/usr/bin/sed" "--in-place" "s/a/b/" "f"]"#,
            r#"["perl" "-pi" "-e" "s/a/b/" "f"] {os = "linux"}"#,
            r#"["perl" "-p" "-i.orig" "-e" "s/a/b/" "f"]"#,
            r#"["patch" "-p1" "-i" "fix.patch"]"#,
            r#"["git" "apply" "fix.patch"]"#,
            r#"["gawk" "-i" "inplace" "{print}" "f"]"#,
            r#"["sh" "-c" "cd src && sed -i 's/a/b/' f.ml"]"#,
            r#"["bash" "-c" "LC_ALL=C perl -pi -e 's/a/b/' f"]"#,
        ] {
            assert!(modifies_sources(&command(text)), "{text}");
        }
    }

    #[test]
    fn ordinary_commands_are_not() {
        for text in [
            r#"[make]"#,
            r#"["sed" "-e" "s/i/j/" "f.in"]"#,
            r#"["sed" "-n" "-f" "script.sed" "f"]"#,
            r#"["perl" "-e" "print 'i'"]"#,
            r#"["perl" "-MFile::Copy" "-e" "copy('a','b')"]"#,
            r#"["dune" "subst"] {dev}"#,
            r#"["cp" "a" "b"]"#,
            r#"["sh" "-c" "echo patch > notes.txt"]"#,
            r#"["git" "describe"]"#,
        ] {
            assert!(!modifies_sources(&command(text)), "{text}");
        }
    }
}
