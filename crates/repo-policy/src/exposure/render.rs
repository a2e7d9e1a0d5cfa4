//! The exposure as text for people, as the JSON contract `osec-repo-exposure/1`
//! (documented in the crate docs), and as Markdown for an issue or a message to
//! maintainers.

use std::fmt::Write as _;

use opam_model::Version;
use safe_fs::{display_path, escape_control};
use serde_json::{Value, json};

use super::{AdvisoryExposure, Blocking, Exposure, PackageExposure, StuckPackage};

/// At most this many versions are listed one by one in text; more are summarised as
/// `N releases (first … last)`.
const LISTED_VERSIONS: usize = 5;

pub(super) fn human(exposure: &Exposure) -> String {
    let mut out = String::new();
    for advisory in &exposure.advisories {
        for package in &advisory.packages {
            human_package(exposure, advisory, package, &mut out);
        }
    }
    for rejected in &exposure.rejected {
        let _ = writeln!(
            out,
            "error: {} has lint errors: not used",
            display_path(&rejected.path)
        );
    }
    for unreadable in &exposure.unreadable {
        let _ = writeln!(
            out,
            "error: {}: {}: {} could not be read ({}): taken as installable without an affected version",
            escape_control(&unreadable.repository),
            display_path(&unreadable.path),
            unreadable.package,
            escape_control(&unreadable.message)
        );
    }
    let stuck = exposure
        .advisories
        .iter()
        .flat_map(|a| &a.packages)
        .map(|p| p.stuck.len())
        .sum::<usize>();
    let _ = writeln!(
        out,
        "checked {} package versions of {} against {}: {stuck} {} stuck on an affected version",
        exposure.versions,
        count(exposure.repositories.len(), "repository", "repositories"),
        count(exposure.advisories.len(), "advisory", "advisories"),
        if stuck == 1 { "package" } else { "packages" },
    );
    out
}

fn human_package(
    exposure: &Exposure,
    advisory: &AdvisoryExposure,
    package: &PackageExposure,
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "{}: {}",
        escape_control(&advisory.id),
        escape_control(&package.constraint)
    );
    if advisory.withdrawn {
        let _ = writeln!(out, "  withdrawn: affects nothing\n");
        return;
    }
    let _ = writeln!(
        out,
        "  affected releases of {}: {}; not affected: {}",
        package.name,
        version_list(&package.affected),
        version_list(&package.unaffected)
    );
    if package.stuck.is_empty() {
        let _ = writeln!(
            out,
            "  no package's latest release needs an affected version\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "  {} whose latest release can only be installed with an affected {}:",
        count(package.stuck.len(), "package", "packages"),
        package.name
    );
    for stuck in &package.stuck {
        let origin = match exposure.repositories.first() {
            Some(first) if *first != stuck.repository => {
                format!(" (from {})", escape_control(&stuck.repository))
            }
            _ => String::new(),
        };
        let _ = writeln!(out, "  {}{origin}", stuck.package);
        let maintainers = if stuck.maintainers.is_empty() {
            "none given".to_owned()
        } else {
            stuck.maintainers.join("; ")
        };
        let _ = writeln!(out, "    maintainer: {}", escape_control(&maintainers));
        for blocking in &stuck.blocking {
            let _ = writeln!(
                out,
                "    needs {}: {} admits {}, {}",
                blocking.name,
                escape_control(&requirement(blocking)),
                releases(&blocking.admitted),
                if blocking.name == package.name {
                    "all affected".to_owned()
                } else {
                    format!("each needing an affected {}", package.name)
                }
            );
        }
    }
    out.push('\n');
}

pub(super) fn json(exposure: &Exposure) -> String {
    let document = json!({
        "schema": "osec-repo-exposure/1",
        "tool_version": env!("CARGO_PKG_VERSION"),
        "repositories": exposure.repositories,
        "versions": exposure.versions,
        "advisories": exposure.advisories.iter().map(json_advisory).collect::<Vec<_>>(),
        "rejected": exposure.rejected.iter().map(|report| json!({
            "path": report.path.display().to_string(),
            "errors": report.count(advisory::lint::Level::Error),
        })).collect::<Vec<_>>(),
        "unreadable": exposure.unreadable.iter().map(|u| json!({
            "package": u.package.to_string(),
            "repository": u.repository,
            "path": u.path.display().to_string(),
            "message": u.message,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn json_advisory(advisory: &AdvisoryExposure) -> Value {
    json!({
        "id": advisory.id,
        "path": advisory.path.display().to_string(),
        "withdrawn": advisory.withdrawn,
        "packages": advisory.packages.iter().map(|package| json!({
            "name": package.name.as_str(),
            "constraint": package.constraint,
            "affected": versions(&package.affected),
            "unaffected": versions(&package.unaffected),
            "stuck": package.stuck.iter().map(|stuck| json_stuck(package, stuck)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn json_stuck(package: &PackageExposure, stuck: &StuckPackage) -> Value {
    json!({
        "name": stuck.package.name.as_str(),
        "version": stuck.package.version.as_str(),
        "repository": stuck.repository,
        "maintainers": stuck.maintainers,
        "direct": stuck.is_direct(&package.name),
        "blocking": stuck.blocking.iter().map(|blocking| json!({
            "name": blocking.name.as_str(),
            "requirement": blocking.requirement,
            "admitted": versions(&blocking.admitted),
        })).collect::<Vec<_>>(),
    })
}

fn versions(versions: &[Version]) -> Vec<&str> {
    versions.iter().map(Version::as_str).collect()
}

pub(super) fn markdown(exposure: &Exposure) -> String {
    let mut out = String::from("# Packages stuck on affected versions\n\n");
    let repositories: Vec<String> = exposure.repositories.iter().map(|r| code(r)).collect();
    let _ = writeln!(
        out,
        "Repositories: {} ({} package versions). A package is listed when its latest release can \
         only be installed with an affected version, directly or through its dependencies.\n",
        repositories.join(", "),
        exposure.versions
    );
    for advisory in &exposure.advisories {
        for package in &advisory.packages {
            let _ = writeln!(
                out,
                "## {}: {}\n",
                cell(&advisory.id),
                code(&package.constraint)
            );
            if advisory.withdrawn {
                out.push_str("Withdrawn: affects nothing.\n\n");
                continue;
            }
            let _ = writeln!(
                out,
                "Affected releases of {}: {}; not affected: {}.\n",
                code(package.name.as_str()),
                version_list_code(&package.affected),
                version_list_code(&package.unaffected)
            );
            if package.stuck.is_empty() {
                out.push_str("No package's latest release needs an affected version.\n\n");
                continue;
            }
            out.push_str("| package | latest release | maintainers | needs |\n");
            out.push_str("|---|---|---|---|\n");
            for stuck in &package.stuck {
                let needs: Vec<String> = stuck
                    .blocking
                    .iter()
                    .map(|blocking| {
                        format!(
                            "{}: {}",
                            code(&requirement(blocking)),
                            releases_code(&blocking.admitted)
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    code(stuck.package.name.as_str()),
                    code(stuck.package.version.as_str()),
                    cell(&stuck.maintainers.join(", ")),
                    needs.join("<br>")
                );
            }
            out.push('\n');
        }
    }
    if !exposure.rejected.is_empty() || !exposure.unreadable.is_empty() {
        let _ = writeln!(
            out,
            "**Incomplete:** {} with lint errors not used, {} not read.\n",
            count(exposure.rejected.len(), "advisory", "advisories"),
            count(
                exposure.unreadable.len(),
                "package version",
                "package versions"
            )
        );
    }
    out
}

/// The elements of `depends` that name the dependency, or its name alone.
fn requirement(blocking: &Blocking) -> String {
    if blocking.requirement.is_empty() {
        format!("\"{}\"", blocking.name)
    } else {
        blocking.requirement.join(" ")
    }
}

/// `58 releases (0.9.0 … 6.2.2)`, `1 release (1.0)`, `no release`.
fn releases(versions: &[Version]) -> String {
    match versions.len() {
        0 => "no release".to_owned(),
        1 => format!("1 release ({})", versions_text(versions)),
        n => format!("{n} releases ({})", versions_text(versions)),
    }
}

/// `58 (0.9.0 … 6.2.2)`, `2 (1.0, 1.1)`, `none`.
fn version_list(versions: &[Version]) -> String {
    match versions.len() {
        0 => "none".to_owned(),
        n => format!("{n} ({})", versions_text(versions)),
    }
}

/// `0.9.0 … 6.2.2` for many versions, `1.0, 1.1` for a few.
fn versions_text(versions: &[Version]) -> String {
    match versions {
        [first, .., last] if versions.len() > LISTED_VERSIONS => format!("{first} … {last}"),
        _ => versions
            .iter()
            .map(Version::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// [`releases`] with the versions as inline code.
fn releases_code(versions: &[Version]) -> String {
    match versions.len() {
        0 => "no release".to_owned(),
        1 => format!("1 release ({})", versions_code(versions)),
        n => format!("{n} releases ({})", versions_code(versions)),
    }
}

/// [`version_list`] with the versions as inline code.
fn version_list_code(versions: &[Version]) -> String {
    match versions.len() {
        0 => "none".to_owned(),
        n => format!("{n} ({})", versions_code(versions)),
    }
}

/// [`versions_text`] with the versions as inline code.
fn versions_code(versions: &[Version]) -> String {
    match versions {
        [first, .., last] if versions.len() > LISTED_VERSIONS => {
            format!("{} … {}", code(first.as_str()), code(last.as_str()))
        }
        _ => versions
            .iter()
            .map(|v| code(v.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text for a table cell: pipes escaped, angle brackets as entities (a maintainer's
/// `<address>` is not HTML), line breaks as spaces, control characters escaped.
fn cell(text: &str) -> String {
    escape_control(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// Inline code in a cell.
fn code(text: &str) -> String {
    let text = escape_control(text)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ");
    let fence = if text.contains('`') { "``" } else { "`" };
    format!("{fence}{text}{fence}")
}
