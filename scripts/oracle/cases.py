#!/usr/bin/env python3
"""Hand-written lexer and parser cases, with the oracle's results.

Runs the oracle's `dump ast` and `dump norm` (shared/oracle, default /tmp/osec-oracle)
on every case below and writes the table that crates/opam-file/tests/opam_file/cases.rs
includes (cases_table.rs). Rerun after adding a case:

    python3 scripts/oracle/cases.py && cargo fmt -p opam-file
"""
import os, re, subprocess, sys, tempfile

ORACLE = os.environ.get("OSEC_ORACLE_DIR", "/tmp/osec-oracle")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "../../crates/opam-file/tests/opam_file/cases_table.rs")

P = b"a: 1\n"  # a first item, so that what follows is past the three look-ahead tokens

CASES = [
    # strings and escapes
    ("escape_simple", P + b'x: "\\\\ \\" \\\' \\n \\r \\t \\b \\ "'),
    ("escape_decimal", P + b'x: "\\065\\066\\000\\255"'),
    ("escape_decimal_over_255", P + b'x: "\\256"'),
    ("escape_decimal_short", P + b'x: "\\06"'),
    ("escape_hex", P + b'x: "\\x4a\\x4A\\xff"'),
    ("escape_hex_bad", P + b'x: "\\xg0"'),
    ("escape_unknown", P + b'x: "\\q"'),
    ("escape_unknown_in_header_lookahead", b'x: "\\q"'),
    ("escape_continuation", b'x: "a\\\n     b" y: 1\nz: 2'),
    ("escape_continuation_tabs_crlf", b'x: "a\\\r\n \t b"\n  y: "c"'),
    ("escape_continuation_then_newline", b'x: "a\\\n\n  b" y: 1'),
    ("string_newlines", b'x: "a\nb\r\nc"\ny: 1'),
    ("string_lone_cr", b'x: "a\rb"\ny: 1'),
    ("string_utf8", b'x: "\xc3\xa9"\ny: "\xff\xfe"'),
    ("string_unterminated", P + b'x: "abc'),
    ("string_unterminated_escape", P + b'x: "abc\\'),
    ("triple_simple", b'x: """a"b"""'),
    ("triple_four_quotes_open", b'x: """"a"""'),
    ("triple_four_quotes_close", P + b'x: """a""""'),
    ("triple_multiline", b'x: """\nline 1\n  line 2\n"""\ny: 1'),
    ("empty_string", b'x: ""\ny: """"""'),
    # newlines and comments
    ("crlf_everywhere", b'a: 1\r\nb: [\r\n  c\r\n]\r\n'),
    ("lone_cr_outside", P + b'x: 1\ry: 2'),
    ("line_comment", b'# comment\na: 1 # trailing\n#\nb: 2'),
    ("line_comment_crlf", b'# c\r\na: 1\r\n'),
    ("block_comment_nested", b'(* a (* b *) c *)\nx: 1'),
    ("block_comment_multiline_positions", b'(* a\n b\r\n *) x: 1\ny: 2'),
    ("block_comment_star_paren_opens", b'(*) x: 1 *)\ny: 2'),
    ("block_comment_unterminated", P + b'(* a (* b *)'),
    ("close_comment_outside", P + b'x: 1 *)'),
    ("block_comment_with_string_inside", b'(* "*)" *)\nx: 1'),
    ("comments_only", b'# just a comment\n(* and another *)\n'),
    ("empty_file", b''),
    ("whitespace_only", b'  \n\t\n'),
    # identifiers, bools, ints
    ("ident_with_colon", b'x: x:y'),
    ("ident_colon_field_is_error", b'x:y: 1'),
    ("ident_colon_int", b'x:1'),
    ("ident_plus", b'x: [a+b a+b:c _+_ a+b+_:c foo+bar:baz]'),
    ("ident_plus_colon_bad", P + b'x: a+:c'),
    ("ident_dot", P + b'x: a.b'),
    ("ident_leading_digits", b'x: [1a -1a CVE-2026-28364 OSEC-2026-01 _a _:doc]'),
    ("ident_abc_colon_chain", b'x: a:b:c'),
    ("bool_and_lookalikes", b'x: [true false true-ish falsey true:x]'),
    ("int_underscores", b'x: [1_000 1_ 0 -0 -5 007]'),
    ("int_max", b'x: 4611686018427387903'),
    ("int_min", b'x: -4611686018427387904'),
    ("int_over_max", P + b'x: 4611686018427387904'),
    ("int_under_min", P + b'x: -4611686018427387905'),
    ("int_huge", P + b'x: 99999999999999999999999'),
    ("int_underscore_alone", P + b'x: _'),
    ("int_underscore_alone_in_lookahead", b'x: _'),
    ("int_minus_underscore", P + b'x: -_1'),
    ("int_underscore_first", P + b'x: _1'),
    ("minus_alone", P + b'x: -'),
    ("hex_is_not_int", P + b'x: 0x1'),
    # operators
    ("relop_all", b'x: [a = b a != b a < b a <= b a > b a >= b a ~ b]'),
    ("relop_prefix_all", b'x: [= "1" != "1" < "1" <= "1" > "1" >= "1" ~ "1"]'),
    ("relop_double_eq", P + b'x: a == b'),
    ("relop_chain_in_list", b'x: [a = b = c]'),
    ("relop_chain_field", b'x: a = b = c'),
    ("envop_all", b'x: [A = b A += b A =+ b A =+= b A := b A =: b]'),
    ("envop_no_spaces", b'x: [a=+1 b+=c d:=e]'),
    ("envop_colon_eq_colon", P + b'x: [a =:= b]'),
    ("envop_after_ident_field", b'x:=1'),
    ("plus_alone", P + b'x: [a + b]'),
    ("pfxop", b'x: [!a ?b !?c ! a ? b]'),
    ("pfxop_relop", b'x: !a = b'),
    ("defined_relop", b'x: ? a = b'),
    ("bang_neq_no_space", b'x: a!=b'),
    ("invalid_byte", P + b'x: \x01'),
    ("invalid_utf8_outside_string", P + b'x: \xc3\xa9'),
    ("invalid_at_start", b'\xff'),
    ("dollar", P + b'x: $'),
    # grammar and precedence
    ("prec_list_and", b'x: [a b & c]'),
    ("prec_list_and_2", b'x: [a & b c]'),
    ("prec_not_and", b'x: !a & b'),
    ("prec_and_option", b'x: a & b {c}'),
    ("prec_relop_option", b'x: a = b {c}'),
    ("prec_envop_option", b'x: a += b {c}'),
    ("prec_mixed", b'x: !a {b} & c | d'),
    ("prec_or_and_option", b'x: a | b {c} & d'),
    ("prec_and_or", b'x: a & b | c & d'),
    ("prec_or_left", b'x: a | b | c'),
    ("prec_list_lt", b'x: [a < b]'),
    ("prec_group_relop", b'x: [(a) = b]'),
    ("prec_constraint_chain", b'x: [>= "1" & < "2" = "3"]'),
    ("option_nested", b'x: "a" {b} {c}'),
    ("option_empty_and_group", b'x: ["a" {} [] {a} () ((a))]'),
    ("braces_as_value", P + b'x: {a}'),
    ("defined_or_not", b'x: ?x | !?y'),
    ("two_values_field", P + b'x: 1 -2'),
    ("two_strings_field", P + b'x: "a" "b"'),
    ("fields_no_separator", b'x: 1 y: 2'),
    ("section_plain", b'url {\n  src: "x.tgz"\n  checksum: "md5=0"\n}'),
    ("section_named", b'extra-source "a.patch" {\n  src: "u"\n}\nz: 1'),
    ("section_empty_named", b's "n" {}\nt {}'),
    ("section_nested", b'a {\n  b "x" {\n    c: 1\n  }\n}'),
    ("section_two_names", P + b's "a" "b" {}'),
    ("section_ident_name", P + b's a {}'),
    ("section_unclosed", P + b's {\n x: 1'),
    ("item_starts_with_string", b'"x": 1'),
    ("missing_value", P + b'x:'),
    ("unclosed_list", P + b'x: [a b'),
    ("list_closed_by_brace", P + b'x: [a }'),
    ("dump_escapes_section_name", b's "q\\"\\\\\\t\\001\xc3\xa9" {}'),
    ("positions_utf8", b'x: "a"\nx: "\xc3\xa9" y: 1'),
    ("positions_after_multiline_string", b'x: "a\nbc" y: [\n  1\n]'),
    # opam-version header rules and the sentinel
    ("version_2_0_twice", b'opam-version: "2.0"\nopam-version: "2.0"'),
    ("version_2_0_then_2_1", b'opam-version: "2.0"\nopam-version: "2.1"'),
    ("version_later_2_0", b'x: 1\nopam-version: "2.0"'),
    ("version_later_2_1", b'x: 1\nopam-version: "2.1"'),
    ("version_2_1_9_then_2_0", b'opam-version: "2.1.9"\nx: 1\nopam-version: "2.0"'),
    ("version_2_then_2_1", b'opam-version: "2"\nopam-version: "2.1"'),
    ("version_2_1_then_int", b'opam-version: "2.1"\nx: 1\nopam-version: 3'),
    ("version_in_section", b'opam-version: "2.1"\ns {\n  opam-version: "2.1"\n}'),
    ("version_no_space", b'opam-version:"2.1"\nx: 1'),
    ("version_after_comment", b'# c\nopam-version: "2.1"\nx: 1'),
    ("sentinel_2_2_parse_error", b'opam-version: "2.2"\nx: [ \n'),
    ("sentinel_3_0_parse_error", b'opam-version: "3.0"\nx: ['),
    ("sentinel_lexer_error", b'opam-version: "2.2"\nx: "\\q"'),
    ("sentinel_int_error", b'opam-version: "2.2"\n  x: 99999999999999999999'),
    ("sentinel_after_comment", b'(* c *)\n# d\nopam-version: "2.5"\nx: a.b'),
    ("sentinel_unterminated_string", b'opam-version: "2.2"\nx: "abc\n'),
    ("sentinel_unterminated_comment", b'opam-version: "2.2"\n(* \n'),
    ("sentinel_valid_2_2", b'opam-version: "2.2"\nx: 1'),
    ("sentinel_2_1_no_trap", b'opam-version: "2.1"\nx: ['),
    ("sentinel_2_2_repeated", b'opam-version: "2.2"\nopam-version: "2.2"'),
    ("sentinel_version_suffix", b'opam-version: "2.2~rc1"\nx: ['),
    ("sentinel_version_weird", b'opam-version: "2.10.x"\nx: ['),
    ("header_lookahead_only_two_tokens", b'x:'),
    ("header_lookahead_one_token", b'x'),
    ("norm_sorting", b'z: 1\nopam-version: "2.1"\nb {}\na "y" {}\na "x" {}\na {}\nm: [[]]\nn: []\nk: [a [] "s\\n"]\n'),
    ("norm_sorting_2_0", b'z: 1\nopam-version: "2.0"\nb: 2\n'),
    ("norm_strings", b'x: "tab\\tcr\\rnl\\nq\\"bs\\\\"\ny: """multi\nline"""'),
    ("norm_operators", b'x: [!a ?b (a & b) | c a {>= "1"} A += "b"]'),
]

def rust_bytes(b):
    out = []
    for c in b:
        if c == 0x22: out.append('\\"')
        elif c == 0x5c: out.append('\\\\')
        elif c == 0x0a: out.append('\\n')
        elif c == 0x0d: out.append('\\r')
        elif c == 0x09: out.append('\\t')
        elif 0x20 <= c < 0x7f: out.append(chr(c))
        else: out.append('\\x%02x' % c)
    return 'b"' + ''.join(out) + '"'

def oracle(mode, data):
    with tempfile.NamedTemporaryFile(suffix=".opam", delete=False) as f:
        f.write(data)
        name = f.name
    try:
        r = subprocess.run([os.path.join(ORACLE, "dump"), mode, name], capture_output=True)
        if r.returncode == 0:
            return r.stdout
        # `dump` prints the exceptions of parsing itself (`EXN ...`); one raised by a
        # printer ends the program. Record that exception as the oracle named it, in
        # the same `EXN ...` form; anything else is a failure of this script.
        fatal = re.search(rb"Fatal error: exception (.*)", r.stderr)
        if fatal is None:
            sys.exit("dump %s failed on %r: %s" % (mode, data, r.stderr.decode(errors="replace")))
        return r.stdout + b"EXN " + fatal.group(1).strip() + b"\n"
    finally:
        os.unlink(name)

def main():
    names = [n for n, _ in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    lines = ["// Generated by scripts/oracle/cases.py from the oracle's output; do not edit.",
             "// (name, input, `dump ast` output, `dump norm` output)",
             "/// One case: its name, the input, and what the oracle's `dump ast` and `dump norm` print.",
             "pub(crate) type Case = (&'static str, &'static [u8], &'static [u8], &'static [u8]);",
             "",
             "pub(crate) const CASES: &[Case] = &["]
    for name, data in CASES:
        lines.append("    (\n        %s,\n        %s,\n        %s,\n        %s,\n    )," % (
            '"' + name + '"', rust_bytes(data), rust_bytes(oracle("ast", data)), rust_bytes(oracle("norm", data))))
    lines.append("];")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%d cases written to %s" % (len(CASES), os.path.normpath(OUT)))

if __name__ == "__main__":
    main()
