//! IDs and ecosystems: the shapes and names the OSV schema defines.

/// The database prefixes the OSV schema defines (schema 1.7, `$defs.prefix`).
const KNOWN_PREFIXES: &[&str] = &[
    "ASB-A",
    "PUB-A",
    "ALPINE",
    "ALSA",
    "ALBA",
    "ALEA",
    "AZL",
    "BELL",
    "BIT",
    "CGA",
    "CLEANSTART",
    "CLSA",
    "CURL",
    "CVE",
    "DEBIAN",
    "DHI",
    "DRUPAL",
    "DSA",
    "DLA",
    "ELA",
    "DTSA",
    "ECHO",
    "EEF",
    "FreeBSD",
    "GHSA",
    "GO",
    "GSD",
    "HSEC",
    "JLSEC",
    "KUBE",
    "LBSEC",
    "LSN",
    "MAL",
    "MINI",
    "MGASA",
    "OESA",
    "OSEC",
    "OSV",
    "openSUSE-SU",
    "PHSA",
    "PSF",
    "PYSEC",
    "RHBA",
    "RHEA",
    "RHSA",
    "RLSA",
    "RXSA",
    "RSEC",
    "ROOT",
    "RUSTSEC",
    "SUSE-SU",
    "SUSE-RU",
    "SUSE-FU",
    "SUSE-OU",
    "UBUNTU",
    "USN",
    "V8",
];

/// The ecosystems the OSV schema defines (schema 1.7, `$defs.ecosystemName`,
/// plus `GIT`, which `ecosystemWithSuffix` allows).
pub const KNOWN_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "TuxCare",
    "Ubuntu",
    "VSCode",
    "Wolfi",
    "GIT",
];

/// The ecosystem without its `:suffix` (`Debian:12` → `Debian`).
pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem
        .split_once(':')
        .map_or(ecosystem, |(base, _)| base)
}

/// The shape every ID must have: `<DB>-<ENTRYID>`, no whitespace or slashes.
pub(super) fn check_id_shape(id: &str) -> Result<(), String> {
    let well_formed = id
        .split_once('-')
        .is_some_and(|(db, entry)| !db.is_empty() && !entry.is_empty())
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c.is_control());
    if !well_formed {
        return Err(format!(
            "`{id}` is not an ID of the form `<DB>-<ENTRYID>` (like `CVE-2024-1234`)"
        ));
    }
    if let Some(rest) = id.strip_prefix("CVE-")
        && !is_year_and_number(rest, 4)
    {
        return Err(format!("`{id}` is not a CVE ID (`CVE-YYYY-NNNN`)"));
    }
    if let Some(rest) = id.strip_prefix("OSEC-")
        && !is_year_and_number(rest, 2)
    {
        return Err(format!(
            "`{id}` is not an OCaml advisory ID (`OSEC-YYYY-NN`)"
        ));
    }
    Ok(())
}

/// The record's own ID must also use a prefix the schema defines (or `x_`).
pub(super) fn check_record_id(id: &str) -> Result<(), String> {
    check_id_shape(id)?;
    let known = id.starts_with("x_")
        || KNOWN_PREFIXES.iter().any(|prefix| {
            id.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('-'))
        });
    if known {
        Ok(())
    } else {
        Err(format!(
            "`{id}` does not start with a database prefix the OSV schema defines (`OSEC-` for the OCaml database, `x_` for a local one)"
        ))
    }
}

/// `YYYY-N…` with a four-digit year and at least `min_digits` digits after.
fn is_year_and_number(text: &str, min_digits: usize) -> bool {
    text.split_once('-').is_some_and(|(year, number)| {
        year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && number.len() >= min_digits
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}
