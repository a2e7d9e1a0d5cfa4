//! The hand-written cases of the standard printer. Each AST and printed text is the
//! oracle's (`dump ast`, and `dump print`, which is `OpamPrinter.FullPos.opamfile`, of
//! the source); `cases::hand_written_cases_agree_with_the_oracle` re-derives them.

/// A hand-written case: opam text, the AST opam's parser reads from it (in the
/// serialisation of `serialised::Reader`), and what `OpamPrinter.FullPos.opamfile` prints
/// for it, taken from the oracle (`dump print`).
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) source: &'static [u8],
    pub(crate) ast: &'static [u8],
    pub(crate) printed: &'static [u8],
}

pub(crate) const CASES: &[Case] = &[
        Case {
            name: "boxes_beyond_max_indent",
            source: r#"x: !(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(a b))))))))))))))))))))))))))))))))))))
y: "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp" {!(a) & !(b)}
z: [["qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" (a b c d e)]]
"#.as_bytes(),
            ast: r#"3;V1:x!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(2;d1:ad1:bV1:yos64:pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp1;&!(1;d1:a!(1;d1:bV1:z[1;[2;s66:qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq(5;d1:ad1:bd1:cd1:dd1:e"#.as_bytes(),
            printed: r#"x:
  !(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(
                                                                    !(!(a b))))))))))))))))))))))))))))))))))))
y:
  "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
    {!(a) & !(b)}
z: [
  [
    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
    (a b c d e)
  ]
]"#.as_bytes(),
        },
        Case {
            name: "deep_options",
            source: r#"x: "a" {"b" {"c" {"d" {"e" {"f" {"g" {"h" {"i" {"j" {"k" {"l" {"m" {"n" {"o" {"p" {"q" {"r" {"s" {"t" {"u" {"v" {"w"}}}}}}}}}}}}}}}}}}}}}}
"#.as_bytes(),
            ast: r#"1;V1:xos1:a1;os1:b1;os1:c1;os1:d1;os1:e1;os1:f1;os1:g1;os1:h1;os1:i1;os1:j1;os1:k1;os1:l1;os1:m1;os1:n1;os1:o1;os1:p1;os1:q1;os1:r1;os1:s1;os1:t1;os1:u1;os1:v1;s1:w"#.as_bytes(),
            printed: r#"x:
  "a"
    {"b"
       {"c"
          {"d"
             {"e"
                {"f"
                   {"g"
                      {"h"
                         {"i"
                            {"j"
                               {"k"
                                  {"l"
                                     {"m"
                                        {"n"
                                           {"o"
                                              {"p"
                                                 {"q"
                                                    {"r"
                                                       {"s"
                                                          {"t"
                                                             {"u" {"v" {"w"}}}}}}}}}}}}}}}}}}}}}}"#.as_bytes(),
        },
        Case {
            name: "empty_list_fields",
            source: r#"a: []
b: [[]]
c: "x"
d: [[] []]
"#.as_bytes(),
            ast: r#"4;V1:a[0;V1:b[1;[0;V1:cs1:xV1:d[2;[0;[0;"#.as_bytes(),
            printed: r#"

c: "x"
d: [
  []
  []
]"#.as_bytes(),
        },
        Case {
            name: "empty_section",
            source: r#"s {}
"#.as_bytes(),
            ast: r#"1;S1:sN0;"#.as_bytes(),
            printed: r#"s {
  
}"#.as_bytes(),
        },
        Case {
            name: "fields_and_atoms",
            source: r#"opam-version: "2.0"
name: "foo"
x: 42
y: -3
t: true
f: false
v: foo:installed
"#.as_bytes(),
            ast: r#"7;V12:opam-versions3:2.0V4:names3:fooV1:xi42;V1:yi-3;V1:tb1V1:fb0V1:vd13:foo:installed"#.as_bytes(),
            printed: r#"opam-version: "2.0"
name: "foo"
x: 42
y: -3
t: true
f: false
v: foo:installed"#.as_bytes(),
        },
        Case {
            name: "long_field_in_section",
            source: r#"url {
  src: "https://github.com/an-organisation/a-repository-name/releases/download/v1.0/archive.tbz"
}
"#.as_bytes(),
            ast: r#"1;S3:urlN1;V3:srcs87:https://github.com/an-organisation/a-repository-name/releases/download/v1.0/archive.tbz"#.as_bytes(),
            printed: r#"url {
  src:
    "https://github.com/an-organisation/a-repository-name/releases/download/v1.0/archive.tbz"
}"#.as_bytes(),
        },
        Case {
            name: "long_field_name",
            source: r#"a-really-long-field-name-that-takes-up-a-good-part-of-the-line-by-itself: "value"
"#.as_bytes(),
            ast: r#"1;V72:a-really-long-field-name-that-takes-up-a-good-part-of-the-line-by-itselfs5:value"#.as_bytes(),
            printed: r#"a-really-long-field-name-that-takes-up-a-good-part-of-the-line-by-itself:
  "value""#.as_bytes(),
        },
        Case {
            name: "long_filter",
            source: r#"available: arch != "arm32" & arch != "x86_32" & os != "win32" & os != "freebsd" & os != "openbsd"
"#.as_bytes(),
            ast: r#"1;V9:available&&&&rnd4:archs5:arm32rnd4:archs6:x86_32rnd2:oss5:win32rnd2:oss7:freebsdrnd2:oss7:openbsd"#.as_bytes(),
            printed: r#"available:
  arch != "arm32" & arch != "x86_32" & os != "win32" & os != "freebsd" &
  os != "openbsd""#.as_bytes(),
        },
        Case {
            name: "long_groups",
            source: r#"available: (os = "linux" | os = "macos" | os = "freebsd") & (arch = "x86_64" | arch = "arm64")
"#.as_bytes(),
            ast: r#"1;V9:available&(1;||red2:oss5:linuxred2:oss5:macosred2:oss7:freebsd(1;|red4:archs6:x86_64red4:archs5:arm64"#.as_bytes(),
            printed: r#"available:
  (os = "linux" | os = "macos" | os = "freebsd") &
  (arch = "x86_64" | arch = "arm64")"#.as_bytes(),
        },
        Case {
            name: "long_option",
            source: r#"depends: "a-package-name" {>= "1.0.0" & < "2.0.0" & with-test & os != "win32" & arch != "arm"}
"#.as_bytes(),
            ast: r#"1;V7:dependsos14:a-package-name1;&&&&pGs5:1.0.0pls5:2.0.0d9:with-testrnd2:oss5:win32rnd4:archs3:arm"#.as_bytes(),
            printed: r#"depends:
  "a-package-name"
    {>= "1.0.0" & < "2.0.0" & with-test & os != "win32" & arch != "arm"}"#.as_bytes(),
        },
        Case {
            name: "long_relop",
            source: r#"available: ocaml-version >= "4.02.3-and-a-very-long-suffix-that-does-not-fit-in-the-line"
"#.as_bytes(),
            ast: r#"1;V9:availablerGd13:ocaml-versions59:4.02.3-and-a-very-long-suffix-that-does-not-fit-in-the-line"#.as_bytes(),
            printed: r#"available:
  ocaml-version >= "4.02.3-and-a-very-long-suffix-that-does-not-fit-in-the-line""#.as_bytes(),
        },
        Case {
            name: "long_string_field",
            source: r#"synopsis: "A very long synopsis that does not fit on one line of seventy-eight columns at all"
"#.as_bytes(),
            ast: r#"1;V8:synopsiss82:A very long synopsis that does not fit on one line of seventy-eight columns at all"#.as_bytes(),
            printed: r#"synopsis:
  "A very long synopsis that does not fit on one line of seventy-eight columns at all""#.as_bytes(),
        },
        Case {
            name: "lossy_crlf",
            source: r#"description: "line one\r\nline two"
"#.as_bytes(),
            ast: b"1;V11:descriptions18:line one\x0d\nline two",
            printed: b"description: \"\"\"\\\nline one\x0d\nline two\"\"\"",
        },
        Case {
            name: "lossy_leading_blanks",
            source: r#"description: "first\n   indented\n\tand tabbed"
"#.as_bytes(),
            ast: b"1;V11:descriptions29:first\n   indented\n\tand tabbed",
            printed: b"description: \"\"\"\\\nfirst\n   indented\n\tand tabbed\"\"\"",
        },
        Case {
            name: "max_indent_clamping",
            source: r#"x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "aaaaaaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" "cccccccccccccccccccccccc" ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
"#.as_bytes(),
            ast: r#"1;V1:x[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[3;s20:aaaaaaaaaaaaaaaaaaaas30:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbs24:cccccccccccccccccccccccc"#.as_bytes(),
            printed: r#"x: [
  [
    [
      [
        [
          [
            [
              [
                [
                  [
                    [
                      [
                        [
                          [
                            [
                              [
                                [
                                  [
                                    [
                                      [
                                        [
                                          [
                                            [
                                              [
                                                [
                                                  [
                                                    [
                                                      [
                                                        [
                                                          [
                                                            [
                                                              [
                                                                [
                                                                  [
                                                                    [
                                                                    [
                                                                    [
                                                                    [
                                                                    [
                                                                    [
                                                                    "aaaaaaaaaaaaaaaaaaaa"
                                                                    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                                                                    "cccccccccccccccccccccccc"
                                                                    ]
                                                                    ]
                                                                    ]
                                                                    ]
                                                                    ]
                                                                    ]
                                                                  ]
                                                                ]
                                                              ]
                                                            ]
                                                          ]
                                                        ]
                                                      ]
                                                    ]
                                                  ]
                                                ]
                                              ]
                                            ]
                                          ]
                                        ]
                                      ]
                                    ]
                                  ]
                                ]
                              ]
                            ]
                          ]
                        ]
                      ]
                    ]
                  ]
                ]
              ]
            ]
          ]
        ]
      ]
    ]
  ]
]"#.as_bytes(),
        },
        Case {
            name: "multiline_strings",
            source: r#"a: """
starts with a newline
"""
b: "no leading newline\nsecond line"
c: "ends with a quote\n\""
d: "has \"\"\" inside\nand \\ backslash"
e: "two\n\"\" quotes"
"#.as_bytes(),
            ast: r#"5;V1:as23:
starts with a newline
V1:bs30:no leading newline
second lineV1:cs19:ends with a quote
"V1:ds30:has """ inside
and \ backslashV1:es13:two
"" quotes"#.as_bytes(),
            printed: r#"a: """
starts with a newline
"""
b: """\
no leading newline
second line"""
c: """\
ends with a quote
\""""
d: """\
has \""" inside
and \\ backslash"""
e: """\
two
"" quotes""""#.as_bytes(),
        },
        Case {
            name: "nested_command_lists",
            source: r#"build: [
  ["dune" "subst"] {dev}
  ["dune" "build" "-p" name "-j" jobs "@install" "@runtest" {with-test} "@doc" {with-doc}]
]
"#.as_bytes(),
            ast: r#"1;V5:build[2;o[2;s4:dunes5:subst1;d3:dev[9;s4:dunes5:builds2:-pd4:names2:-jd4:jobss8:@installos8:@runtest1;d9:with-testos4:@doc1;d8:with-doc"#.as_bytes(),
            printed: r#"build: [
  ["dune" "subst"] {dev}
  [
    "dune"
    "build"
    "-p"
    name
    "-j"
    jobs
    "@install"
    "@runtest" {with-test}
    "@doc" {with-doc}
  ]
]"#.as_bytes(),
        },
        Case {
            name: "opam_version_2_1_rules",
            source: r#"opam-version: "2.1"
x: 1
"#.as_bytes(),
            ast: r#"2;V12:opam-versions3:2.1V1:xi1;"#.as_bytes(),
            printed: r#"opam-version: "2.1"
x: 1"#.as_bytes(),
        },
        Case {
            name: "operators",
            source: r#"x: !a & ?b | (c = d) & !(e != f)
r: [a >= b c < d e <= f g > h]
p: [>= "1" < "2" = "3" != "4"]
setenv: [PATH += "/bin" X = "1" Y =+ "2" Z =+= "3" W := "4" V =: "5"]
g: (a | b) & (c)
o: "pkg" {(>= "1.0" | = "0.9") & !with-test}
"#.as_bytes(),
            ast: r#"6;V1:x|&!d1:a?d1:b&(1;red1:cd1:d!(1;rnd1:ed1:fV1:r[4;rGd1:ad1:brld1:cd1:drLd1:ed1:frgd1:gd1:hV1:p[4;pGs1:1pls1:2pes1:3pns1:4V6:setenv[6;E1d4:PATHs4:/binred1:Xs1:1E2d1:Ys1:2E3d1:Zs1:3E4d1:Ws1:4E5d1:Vs1:5V1:g&(1;|d1:ad1:b(1;d1:cV1:oos3:pkg1;&(1;|pGs3:1.0pes3:0.9!d9:with-test"#.as_bytes(),
            printed: r#"x: !a & ?b | (c = d) & !(e != f)
r: [a >= b c < d e <= f g > h]
p: [>= "1" < "2" = "3" != "4"]
setenv: [PATH += "/bin" X = "1" Y =+ "2" Z =+= "3" W := "4" V =: "5"]
g: (a | b) & (c)
o: "pkg" {(>= "1.0" | = "0.9") & !with-test}"#.as_bytes(),
        },
        Case {
            name: "options_in_lists",
            source: r#"depends: ["ocaml" {>= "4.08"} "dune" {>= "2.0" & with-test} "fmt"]
flat: ["a" {} "b"]
"#.as_bytes(),
            ast: r#"2;V7:depends[3;os5:ocaml1;pGs4:4.08os4:dune1;&pGs3:2.0d9:with-tests3:fmtV4:flat[2;os1:a0;s1:b"#.as_bytes(),
            printed: r#"depends: [
  "ocaml" {>= "4.08"}
  "dune" {>= "2.0" & with-test}
  "fmt"
]
flat: ["a" {} "b"]"#.as_bytes(),
        },
        Case {
            name: "repeated_2_0",
            source: r#"opam-version: "2.0"
x: 1
opam-version: "2.0"
"#.as_bytes(),
            ast: r#"3;V12:opam-versions3:2.0V1:xi1;V12:opam-versions3:2.0"#.as_bytes(),
            printed: r#"opam-version: "2.0"
x: 1
opam-version: "2.0""#.as_bytes(),
        },
        Case {
            name: "sections",
            source: r#"url {
  src: "https://example.com/a.tar.gz"
  checksum: ["md5=00000000000000000000000000000000" "sha256=0000000000000000000000000000000000000000000000000000000000000000"]
}
extra-source "we\"ird\\name" { src: "x" }
s2 { a: [] b: [] }
outer { inner "n" { x: 1 } }
"#.as_bytes(),
            ast: r#"4;S3:urlN2;V3:srcs28:https://example.com/a.tar.gzV8:checksum[2;s36:md5=00000000000000000000000000000000s71:sha256=0000000000000000000000000000000000000000000000000000000000000000S12:extra-sourceY11:we"ird\name1;V3:srcs1:xS2:s2N2;V1:a[0;V1:b[0;S5:outerN1;S5:innerY1:n1;V1:xi1;"#.as_bytes(),
            printed: r#"url {
  src: "https://example.com/a.tar.gz"
  checksum: [
    "md5=00000000000000000000000000000000"
    "sha256=0000000000000000000000000000000000000000000000000000000000000000"
  ]
}
extra-source "we\"ird\\name" {
  src: "x"
}
s2 {
  
  
}
outer {
  inner "n" {
    x: 1
  }
}"#.as_bytes(),
        },
        Case {
            name: "short_and_long_lists",
            source: r#"a: ["x" "y"]
tags: ["org:mirage" "org:xapi-project" "keyword:networking" "keyword:protocol" "keyword:tcp"]
"#.as_bytes(),
            ast: r#"2;V1:a[2;s1:xs1:yV4:tags[5;s10:org:mirages16:org:xapi-projects18:keyword:networkings16:keyword:protocols11:keyword:tcp"#.as_bytes(),
            printed: r#"a: ["x" "y"]
tags: [
  "org:mirage"
  "org:xapi-project"
  "keyword:networking"
  "keyword:protocol"
  "keyword:tcp"
]"#.as_bytes(),
        },
        Case {
            name: "string_escapes",
            source: b"s: \"quote\\\" backslash\\\\ tab\t cr\\r unicode \xc3\xa9\"\nn: \"\\xff\\x00\"\n",
            ast: b"2;V1:ss37:quote\" backslash\\ tab\t cr\x0d unicode \xc3\xa9V1:ns2:\xff\x00",
            printed: b"s: \"quote\\\" backslash\\\\ tab\t cr\x0d unicode \xc3\xa9\"\nn: \"\xff\x00\"",
        },
        Case {
            name: "token_wider_than_margin",
            source: r#"x: ["short" "a-string-that-is-much-much-longer-than-the-margin-of-seventy-eight-columns-of-text" "z"]
"#.as_bytes(),
            ast: r#"1;V1:x[3;s5:shorts82:a-string-that-is-much-much-longer-than-the-margin-of-seventy-eight-columns-of-texts1:z"#.as_bytes(),
            printed: r#"x: [
  "short"
  "a-string-that-is-much-much-longer-than-the-margin-of-seventy-eight-columns-of-text"
  "z"
]"#.as_bytes(),
        },
        Case {
            name: "utf8_width",
            source: r#"authors: ["Étienne Éléonore" "Zoë Ødegård" "Jürgen Müßig" "Åsa Ñúñez"]
"#.as_bytes(),
            ast: r#"1;V7:authors[4;s19:Étienne Éléonores14:Zoë Ødegårds15:Jürgen Müßigs13:Åsa Ñúñez"#.as_bytes(),
            printed: r#"authors: [
  "Étienne Éléonore" "Zoë Ødegård" "Jürgen Müßig" "Åsa Ñúñez"
]"#.as_bytes(),
        },
    ];
