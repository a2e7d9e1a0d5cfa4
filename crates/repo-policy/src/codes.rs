//! The registry of policy codes (`POLnnn`): every kind of finding, with its name,
//! level and documentation.
//!
//! Codes are stable: a published code is never renumbered or reused; a retired one
//! stays listed. Each documentation text has the headings What it checks / Why /
//! Example / Fix; the one-line summary and help of the SARIF rules and of the text
//! output are taken from it, and `RULES.md` is generated from it (a test keeps the
//! file in step).

use opam_file::Severity;

macro_rules! registry {
    ($($code:literal $variant:ident $name:literal $level:ident $doc:ident,)*) => {
        /// A kind of finding of `osec repo check-immutable`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $(
                #[doc = concat!("`", $code, "` ", $name)]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable code, `POLnnn`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The kebab-case name, such as `checksum-changed`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// Errors are violations of the policy (exit 1); warnings are reported
            /// for review and do not fail the check.
            pub fn level(self) -> Severity {
                match self { $(Rule::$variant => Severity::$level,)* }
            }

            /// The documentation, in Markdown, with the headings What it checks /
            /// Why / Example / Fix.
            pub fn doc(self) -> &'static str {
                match self { $(Rule::$variant => $doc,)* }
            }
        }
    };
}

registry! {
    "POL001" ChecksumChanged "checksum-changed" Error CHECKSUM_CHANGED,
    "POL002" ChecksumRemoved "checksum-removed" Error CHECKSUM_REMOVED,
    "POL003" ChecksumWeakened "checksum-weakened" Error CHECKSUM_WEAKENED,
    "POL004" ChecksumReplaced "checksum-replaced" Warning CHECKSUM_REPLACED,
    "POL005" SrcChanged "src-changed" Error SRC_CHANGED,
    "POL006" SrcMoved "src-moved" Warning SRC_MOVED,
    "POL007" SourceAdded "source-added" Error SOURCE_ADDED,
    "POL008" SourceRemoved "source-removed" Error SOURCE_REMOVED,
    "POL009" ExtraFilesChanged "extra-files-changed" Error EXTRA_FILES_CHANGED,
    "POL010" PatchesChanged "patches-changed" Error PATCHES_CHANGED,
    "POL011" SubstsChanged "substs-changed" Error SUBSTS_CHANGED,
    "POL012" FileAdded "file-added" Error FILE_ADDED,
    "POL013" FileRemoved "file-removed" Error FILE_REMOVED,
    "POL014" FileChanged "file-changed" Error FILE_CHANGED,
    "POL015" SourceModifyingCommand "source-modifying-command" Warning SOURCE_MODIFYING_COMMAND,
    "POL016" VersionRemoved "version-removed" Warning VERSION_REMOVED,
    "POL017" NewVersionWithoutChecksum "new-version-without-checksum" Error NEW_VERSION_WITHOUT_CHECKSUM,
    "POL018" NewVersionWeakChecksum "new-version-weak-checksum" Error NEW_VERSION_WEAK_CHECKSUM,
    "POL019" UnparsableOpamFile "unparsable-opam-file" Error UNPARSABLE_OPAM_FILE,
    "POL020" InvalidSourceField "invalid-source-field" Error INVALID_SOURCE_FIELD,
}

impl Rule {
    /// The osec version that introduced the rule.
    pub fn since(self) -> &'static str {
        "0.1.0"
    }

    /// The rule with this code (`POL001`) or name (`checksum-changed`).
    pub fn find(code_or_name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code() == code_or_name || r.name() == code_or_name)
    }

    /// The first paragraph of "What it checks", on one line.
    pub fn summary(self) -> String {
        first_paragraph(self.doc(), "## What it checks")
    }

    /// The first paragraph of "Fix", on one line: what to do.
    pub fn help(self) -> String {
        first_paragraph(self.doc(), "## Fix")
    }

    /// Where the rule's documentation is published (`RULES.md` on the main branch).
    pub fn help_uri(self) -> String {
        format!(
            "https://github.com/ocaml/osec/blob/main/crates/repo-policy/RULES.md#{}-{}",
            self.code().to_ascii_lowercase(),
            self.name()
        )
    }
}

/// The first paragraph after `heading`, its lines joined by spaces.
fn first_paragraph(doc: &str, heading: &str) -> String {
    let Some((_, rest)) = doc.split_once(heading) else {
        return String::new();
    };
    rest.lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of `RULES.md`: every rule's code, name, level and documentation.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Policy codes of `osec repo check-immutable`\n\n\
         Generated from `crates/repo-policy/src/codes.rs` (a test keeps this file in step).\n\
         Errors are violations (exit 1); warnings are shown for review.\n\n\
         | code | name | level |\n|---|---|---|\n",
    );
    for rule in Rule::ALL {
        out.push_str(&format!(
            "| [{code}](#{anchor}-{name}) | `{name}` | {level} |\n",
            code = rule.code(),
            anchor = rule.code().to_ascii_lowercase(),
            name = rule.name(),
            level = rule.level().as_str(),
        ));
    }
    for rule in Rule::ALL {
        out.push_str(&format!(
            "\n## {} {}\n\nLevel: {}. Since osec {}.\n\n{}",
            rule.code(),
            rule.name(),
            rule.level().as_str(),
            rule.since(),
            rule.doc().replace("## ", "### ")
        ));
    }
    out
}

const CHECKSUM_CHANGED: &str = "\
## What it checks
A checksum of a released version's source (`url` or an `extra-source`) has a different
value at HEAD than at BASE, for the same algorithm.

## Why
The checksum is what makes a version name one fixed archive. A new value means a new
archive: users who installed the version before got different code from those who
install it now, and a package URL such as `pkg:opam/foo@1.0` in an advisory no longer
says which code is affected. This is how a re-tagged release shows up.

## Example
```
url {
  src: \"https://github.com/o/foo/archive/v1.0.tar.gz\"
  checksum: \"sha256=<a new hash>\"
}
```

## Fix
Publish the new archive as a new version (for example `1.0-1`) and leave the released
version's checksum as it was.
";

const CHECKSUM_REMOVED: &str = "\
## What it checks
A released version's source had checksums at BASE and has none at HEAD.

## Why
Without a checksum opam accepts whatever the URL serves, so the version no longer
names one fixed archive.

## Example
```
url { src: \"https://example.org/foo-1.0.tar.gz\" }
```

## Fix
Put the checksums back; a version whose archive changed needs a new version number.
";

const CHECKSUM_WEAKENED: &str = "\
## What it checks
A released version's source had a sha256 or sha512 checksum at BASE and has only md5
at HEAD.

## Why
md5 collisions can be made on purpose: an md5-only checksum no longer pins the
archive against someone who controls it.

## Example
```
checksum: \"md5=<hash>\"
```

## Fix
Keep the sha256 or sha512 checksum of the released archive.
";

const CHECKSUM_REPLACED: &str = "\
## What it checks
A released version's source has checksums at HEAD, but none of the algorithms it had
at BASE (for example md5 replaced by sha256), so the two cannot be compared.

## Why
Adding a stronger checksum is welcome, but when the old one goes at the same time
nothing shows that the new hash is of the same archive.

## Example
```
checksum: \"sha256=<hash>\"        # was \"md5=<hash>\"
```

## Fix
Keep the old checksum next to the new one, or check by hand that the archive at the
URL still has the old checksum.
";

const SRC_CHANGED: &str = "\
## What it checks
A released version's source URL (`src`) changed and no checksum of BASE was kept
unchanged, so nothing shows that the new URL serves the same archive.

## Why
A new URL with new (or no) checksums is a new source: a different tag, commit or
archive behind a version that users already installed.

## Example
```
src: \"git+https://github.com/o/foo.git#<another commit>\"
```

## Fix
Publish the new source as a new version; if the archive only moved, keep its
checksums unchanged.
";

const SRC_MOVED: &str = "\
## What it checks
A released version's source URL (`src`) changed, and a checksum of BASE is still
there, unchanged.

## Why
The unchanged checksum pins the archive, so this is usually a move (a renamed
repository, a new mirror, http to https). It is shown so that a reviewer can confirm
that the new URL serves the same archive.

## Example
```
src: \"https://github.com/new-owner/foo/archive/v1.0.tar.gz\"   # same sha256
```

## Fix
Nothing, if the archive at the new URL has the same checksum.
";

const SOURCE_ADDED: &str = "\
## What it checks
A released version got a `url` section or an `extra-source` section that it did not
have at BASE.

## Why
An added source changes what is built under a version that users already installed.

## Example
```
extra-source \"fix.patch\" {
  src: \"https://example.org/fix.patch\"
  checksum: \"sha256=<hash>\"
}
```

## Fix
Publish the change as a new version.
";

const SOURCE_REMOVED: &str = "\
## What it checks
A released version lost its `url` section or one of its `extra-source` sections.

## Why
A removed source changes what is built under a version that users already installed.

## Example
```
# the url section of a released version deleted
```

## Fix
Restore the section; publish a changed build as a new version.
";

const EXTRA_FILES_CHANGED: &str = "\
## What it checks
An entry of `extra-files` (a file of `files/` with its checksum) was added, removed
or changed in a released version, or the entries were reordered.

## Why
`extra-files` lists the files of `files/` that go into the build; changing it changes
what is built.

## Example
```
extra-files: [\"fix.patch\" \"md5=<another hash>\"]
```

## Fix
Publish the change as a new version.
";

const PATCHES_CHANGED: &str = "\
## What it checks
A patch was added to or removed from `patches` of a released version, its filter
changed, or the patches were reordered.

## Why
Patches are part of the source that is built: with another list, the same version
number names different code.

## Example
```
patches: [\"fix-build.patch\" \"security-fix.patch\"]   # one more than at BASE
```

## Fix
Publish the patched package as a new version (for example `1.0-1`).
";

const SUBSTS_CHANGED: &str = "\
## What it checks
A file was added to or removed from `substs` of a released version, or the list was
reordered.

## Why
`substs` rewrites files of the source before the build; changing the list changes
the source that is built.

## Example
```
substs: [\"config.ml\"]
```

## Fix
Publish the change as a new version.
";

const FILE_ADDED: &str = "\
## What it checks
A file appeared under `files/` of a released version.

## Why
The files of `files/` are copied into the source before the build (patches, extra
sources): a new one changes what is built.

## Example
```
packages/foo/foo.1.0/files/fix.patch   (new)
```

## Fix
Publish the change as a new version.
";

const FILE_REMOVED: &str = "\
## What it checks
A file under `files/` of a released version was removed.

## Why
The files of `files/` are part of the source that is built.

## Example
```
packages/foo/foo.1.0/files/fix.patch   (deleted)
```

## Fix
Restore the file; publish a changed build as a new version.
";

const FILE_CHANGED: &str = "\
## What it checks
A file under `files/` of a released version has different contents (or mode) at HEAD.

## Why
The files of `files/` are part of the source that is built: a changed patch is a
changed source.

## Example
```
packages/foo/foo.1.0/files/fix.patch   (modified)
```

## Fix
Publish the change as a new version.
";

const SOURCE_MODIFYING_COMMAND: &str = "\
## What it checks
A build or install command of a released version that edits the sources in place
(`sed -i`, `perl -pi`, `patch`, `git apply`, `awk -i inplace`, `ed`, also inside
`sh -c`) is new at HEAD.

## Why
Such a command changes the code that is built without changing the archive, so the
checksum no longer describes what users get. It may be a harmless build fix; a
reviewer should look.

## Example
```
build: [
  [\"sed\" \"-i\" \"s/-Werror//\" \"Makefile\"]
  [make]
]
```

## Fix
If the change alters the built code, publish it as a new version; otherwise note why
it is harmless in the pull request.
";

const VERSION_REMOVED: &str = "\
## What it checks
A package version present at BASE is gone at HEAD.

## Why
The policy is to avoid removals: lock files and advisories name released versions,
and a removed version breaks them. Moving versions to opam-repository-archive is
the sanctioned exception.

## Example
```
packages/foo/foo.1.0/opam   (deleted)
```

## Fix
Keep the version and mark it `available: false` (or `flags: avoid-version`) instead;
or make sure that it was moved to opam-repository-archive.
";

const NEW_VERSION_WITHOUT_CHECKSUM: &str = "\
## What it checks
A version new at HEAD has a `url` or `extra-source` without any checksum.

## Why
Without a checksum the version names whatever the URL serves, now and later.

## Example
```
url { src: \"https://example.org/foo-1.0.tar.gz\" }
```

## Fix
Add the sha256 (or sha512) checksum of the archive: `checksum: \"sha256=…\"`.
";

const NEW_VERSION_WEAK_CHECKSUM: &str = "\
## What it checks
A version new at HEAD has a `url` or `extra-source` whose only checksum is md5.

## Why
md5 collisions can be made on purpose; new versions need sha256 or sha512.

## Example
```
url {
  src: \"https://example.org/foo-1.0.tar.gz\"
  checksum: \"md5=<hash>\"
}
```

## Fix
Add the sha256 (or sha512) checksum of the archive.
";

const UNPARSABLE_OPAM_FILE: &str = "\
## What it checks
An opam file (or an opam 1.2 `url` file) of a changed or new version does not parse
at BASE or at HEAD, so its source cannot be checked.

## Why
The check never passes what it could not read.

## Example
```
url { src: \"https://example.org/foo-1.0.tar.gz\"
```

## Fix
Fix the syntax at the position shown (`osec opam check FILE` gives details).
";

const INVALID_SOURCE_FIELD: &str = "\
## What it checks
A `url` or `extra-source` section of a changed or new version has a field that
cannot be read: no `src`, a `src` that is not a string, or a checksum that is not
`md5=`, `sha256=` or `sha512=` followed by a hash of the right length.

## Why
A source that cannot be read cannot be compared or checked.

## Example
```
checksum: \"sha1=0123456789abcdef0123456789abcdef01234567\"
```

## Fix
Write the field as opam expects: `src: \"URL\"`, `checksum: [\"sha256=…\"]`.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sequential_and_names_unique() {
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(rule.code(), format!("POL{:03}", i + 1));
        }
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }

    #[test]
    fn every_doc_has_the_four_headings_a_summary_and_a_help() {
        for rule in Rule::ALL {
            for heading in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(
                    rule.doc().contains(heading),
                    "{} lacks {heading}",
                    rule.code()
                );
            }
            assert!(!rule.summary().is_empty(), "{}", rule.code());
            assert!(!rule.help().is_empty(), "{}", rule.code());
        }
    }

    #[test]
    fn summary_and_help_are_the_first_paragraphs_on_one_line() {
        assert_eq!(
            Rule::ChecksumRemoved.summary(),
            "A released version's source had checksums at BASE and has none at HEAD."
        );
        assert_eq!(
            Rule::PatchesChanged.help(),
            "Publish the patched package as a new version (for example `1.0-1`)."
        );
    }

    #[test]
    fn finds_rules_by_code_or_name() {
        assert_eq!(Rule::find("POL010"), Some(Rule::PatchesChanged));
        assert_eq!(Rule::find("patches-changed"), Some(Rule::PatchesChanged));
        assert_eq!(Rule::find("POL999"), None);
    }

    #[test]
    fn rules_md_is_generated_from_the_registry() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/RULES.md");
        let expected = rules_markdown();
        if std::env::var_os("OSEC_BLESS").is_some() {
            std::fs::write(path, &expected).expect("write RULES.md");
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "RULES.md is out of date: run `OSEC_BLESS=1 cargo test -p repo-policy rules_md`"
        );
    }
}
