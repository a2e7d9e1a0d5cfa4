//! The rules about affected packages: packages and their purls, ranges, events and
//! their order, version lists.

use std::cmp::Ordering;

use super::ids::{KNOWN_ECOSYSTEMS, base_ecosystem};
use super::{Checker, Rule, SemverOrder, VersionOrder};
use crate::{Affected, Event, Package, Range, RangeKind};

impl Checker<'_, '_> {
    pub(super) fn affected(&mut self, path: &str, affected: &Affected) {
        let ecosystem = affected.package.as_ref().map(|p| p.ecosystem.as_str());
        match &affected.package {
            Some(package) => self.package(&format!("{path}.package"), package),
            None => {
                let needs_package = !affected.versions().is_empty()
                    || affected.ranges().iter().any(|r| r.kind != RangeKind::Git);
                if needs_package {
                    self.report(
                        path,
                        Rule::MissingPackage,
                        "an entry without `package` may only have GIT ranges: add the package",
                    );
                }
            }
        }
        self.severities(&format!("{path}.severity"), affected.severity());
        for (index, range) in affected.ranges().iter().enumerate() {
            self.range(&format!("{path}.ranges[{index}]"), range, ecosystem);
        }
        let versions = affected.versions();
        let mut seen = std::collections::HashSet::with_capacity(versions.len());
        for (index, version) in versions.iter().enumerate() {
            let path = || format!("{path}.versions[{index}]");
            if version.is_empty() {
                self.report(path(), Rule::EventVersion, "empty version string");
            }
            if !seen.insert(version.as_str()) {
                self.report(
                    path(),
                    Rule::Duplicate,
                    format!("version `{version}` is listed twice"),
                );
            }
        }
    }

    fn package(&mut self, path: &str, package: &Package) {
        let base = base_ecosystem(&package.ecosystem);
        let suffix_ok = package
            .ecosystem
            .split_once(':')
            .is_none_or(|(_, suffix)| !suffix.is_empty());
        if !KNOWN_ECOSYSTEMS.contains(&base) || !suffix_ok {
            self.report(
                format!("{path}.ecosystem"),
                Rule::Ecosystem,
                format!(
                    "`{}` is not an OSV ecosystem (for OCaml packages it is `opam`)",
                    package.ecosystem
                ),
            );
        }
        if package.name.trim().is_empty() {
            self.report(
                format!("{path}.name"),
                Rule::PackageName,
                "the package name is empty",
            );
        }
        if let Some(purl) = &package.purl
            && let Err(why) = check_purl(purl, package)
        {
            self.report(format!("{path}.purl"), Rule::Purl, why);
        }
    }

    fn range(&mut self, path: &str, range: &Range, ecosystem: Option<&str>) {
        match (range.kind, &range.repo) {
            (RangeKind::Git, None) => self.report(
                path,
                Rule::RangeRepo,
                "a GIT range needs `repo`, the repository its commits belong to",
            ),
            (RangeKind::Ecosystem, Some(repo)) => self.report(
                format!("{path}.repo"),
                Rule::RangeRepo,
                format!(
                    "an ECOSYSTEM range has no `repo` (found `{repo}`): move it to a GIT range"
                ),
            ),
            _ => {}
        }
        let events = &range.events;
        if !events.iter().any(|e| matches!(e, Event::Introduced(_))) {
            self.report(
                format!("{path}.events"),
                Rule::MissingIntroduced,
                "a range needs an `introduced` event (`\"0\"` for \"from the beginning\")",
            );
        }
        let has_fixed = events.iter().any(|e| matches!(e, Event::Fixed(_)));
        let has_last = events.iter().any(|e| matches!(e, Event::LastAffected(_)));
        if has_fixed && has_last {
            self.report(
                format!("{path}.events"),
                Rule::FixedWithLastAffected,
                "a range has `fixed` or `last_affected` events, not both: split it in two ranges",
            );
        }
        let mut versions_ok = true;
        for (index, event) in events.iter().enumerate() {
            let event_path = || format!("{path}.events[{index}]");
            let version = event.version();
            if version.is_empty() {
                self.report(
                    event_path(),
                    Rule::EventVersion,
                    format!("empty `{}` version", event.key()),
                );
                versions_ok = false;
                continue;
            }
            if matches!(
                event,
                Event::Fixed(_) | Event::LastAffected(_) | Event::Limit(_)
            ) && version == "0"
            {
                self.report(
                    event_path(),
                    Rule::EventVersion,
                    format!("`\"0\"` means \"before every version\" and is only meaningful for `introduced`, not `{}`", event.key()),
                );
                versions_ok = false;
            }
            if range.kind == RangeKind::Git && !is_special(event) && !is_full_commit_hash(version) {
                self.report(
                    event_path(),
                    Rule::GitCommit,
                    format!(
                        "`{version}` is not a full-length lowercase commit hash (40 or 64 hex digits)"
                    ),
                );
            }
        }
        if !versions_ok {
            return;
        }
        let order: Option<&dyn VersionOrder> = match range.kind {
            RangeKind::Semver => Some(&SemverOrder),
            RangeKind::Ecosystem => ecosystem.and_then(|e| self.validator.order_for(e)),
            RangeKind::Git => None,
        };
        if let Some(order) = order {
            self.event_order(path, events, order);
        }
    }

    /// Events (limits aside) must ascend strictly, start with `introduced`,
    /// and each `fixed`/`last_affected` must close an open `introduced`.
    fn event_order(&mut self, path: &str, events: &[Event], order: &dyn VersionOrder) {
        let timeline: Vec<(usize, &Event)> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| !matches!(e, Event::Limit(_)))
            .collect();
        // Check every version first: ordering makes no sense otherwise.
        let mut all_valid = true;
        for (index, event) in &timeline {
            if is_special(event) {
                continue;
            }
            if let Err(why) = order.compare(event.version(), event.version()) {
                self.report(format!("{path}.events[{index}]"), Rule::InvalidVersion, why);
                all_valid = false;
            }
        }
        if !all_valid {
            return;
        }
        let mut open = false;
        let mut previous: Option<&Event> = None;
        for (index, event) in timeline {
            let event_path = || format!("{path}.events[{index}]");
            if let Some(prev) = previous {
                match compare_events(order, prev, event) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        self.report(
                            event_path(),
                            Rule::EventOrder,
                            format!(
                                "`{}` and `{}` are both at version `{}`: the range between them is empty",
                                prev.key(),
                                event.key(),
                                event.version()
                            ),
                        );
                    }
                    Ordering::Greater => {
                        self.report(
                            event_path(),
                            Rule::EventOrder,
                            format!(
                                "`{}: {}` comes after `{}: {}` but is an earlier version: list events in ascending version order",
                                event.key(),
                                event.version(),
                                prev.key(),
                                prev.version()
                            ),
                        );
                        // Once out of order, the open/closed walk is meaningless.
                        return;
                    }
                }
            }
            match event {
                Event::Introduced(_) => open = true,
                Event::Fixed(_) | Event::LastAffected(_) => {
                    if !open {
                        self.report(
                            event_path(),
                            Rule::EventOrder,
                            format!(
                                "`{}: {}` closes nothing: no `introduced` event is open before it",
                                event.key(),
                                event.version()
                            ),
                        );
                    }
                    open = false;
                }
                Event::Limit(_) => {}
            }
            previous = Some(event);
        }
    }
}

/// `introduced: "0"` sorts before everything; `limit: "*"` after everything.
fn is_special(event: &Event) -> bool {
    matches!(event, Event::Introduced(v) if v == "0")
        || matches!(event, Event::Limit(v) if v == "*")
}

fn compare_events(order: &dyn VersionOrder, a: &Event, b: &Event) -> Ordering {
    let rank = |e: &Event| match e {
        Event::Introduced(v) if v == "0" => 0,
        Event::Limit(v) if v == "*" => 2,
        _ => 1,
    };
    match (rank(a), rank(b)) {
        (1, 1) => order
            .compare(a.version(), b.version())
            .unwrap_or(Ordering::Equal),
        (ra, rb) => ra.cmp(&rb),
    }
}

fn is_full_commit_hash(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64)
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks that a package URL is valid (ECMA-427 and its type's rules, by
/// crates/purl) and, for opam, names this very package.
fn check_purl(text: &str, package: &Package) -> Result<(), String> {
    let purl = purl::Purl::parse(text).map_err(|error| format!("`{text}`: {error}"))?;
    if base_ecosystem(&package.ecosystem) == "opam"
        && (purl.package_type() != "opam" || purl.name() != package.name)
    {
        return Err(format!(
            "`{text}` names another package than `{}`: write `pkg:opam/{}`",
            package.name, package.name
        ));
    }
    Ok(())
}
