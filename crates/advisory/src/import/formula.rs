//! Versions as OSV gives them (ECOSYSTEM ranges, explicit lists) turned into an opam
//! version formula.
//!
//! Ranges are read as OSV evaluates them: events in opam's version order, a version
//! affected from an `introduced` event until the next `fixed` (excluded) or
//! `last_affected` (included). The result is a [`VersionSet`]; [`formula_text`]
//! writes it with one `|` alternative per interval. When the released versions are
//! known (`--repo`), two intervals with exactly one released version between them
//! become one alternative with `!= "that version"`, and an explicit `versions` list
//! becomes runs of consecutive releases (`>= "first" & < "next release"`), so that a
//! list with holes reads `>= "1.0" & < "2.0" & != "1.3"` rather than one `=` per
//! version. Without them every interval is written as it is and a list as `=`
//! alternatives: exact, if longer.

use std::cmp::Ordering;

use opam_file::RelOp;
use opam_model::compare_versions;

use crate::to_osv::intervals::{Bound, Interval, VersionSet};

/// The versions one ECOSYSTEM range admits; `problems` gets what could not be read
/// (a `limit` event, which only GIT ranges have).
pub(crate) fn set_of_range(events: &[osv::Event], problems: &mut Vec<String>) -> VersionSet {
    let mut sorted: Vec<&osv::Event> = events.iter().collect();
    // `introduced: "0"` is the start of time, before every version.
    sorted.sort_by(|a, b| match (is_zero(a), is_zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => compare_versions(a.version(), b.version()),
    });
    let mut set = VersionSet::default();
    let mut start: Option<Option<&str>> = None;
    for event in sorted {
        match event {
            osv::Event::Introduced(v) => {
                if start.is_none() {
                    start = Some((v != "0").then_some(v.as_str()));
                }
            }
            osv::Event::Fixed(v) => {
                if let Some(lower) = start.take() {
                    set = set.union(&between(lower, RelOp::Lt, v));
                }
            }
            osv::Event::LastAffected(v) => {
                if let Some(lower) = start.take() {
                    set = set.union(&between(lower, RelOp::Leq, v));
                }
            }
            osv::Event::Limit(v) => problems.push(format!(
                "a `limit` event ({v}) only bounds GIT ranges; it is left out"
            )),
        }
    }
    if let Some(lower) = start {
        set = set.union(&match lower {
            Some(v) => VersionSet::of_atom(RelOp::Geq, v),
            None => VersionSet::all(),
        });
    }
    set
}

fn is_zero(event: &osv::Event) -> bool {
    matches!(event, osv::Event::Introduced(v) if v == "0")
}

/// `>= lower` (or from the start) and `op upper`.
fn between(lower: Option<&str>, op: RelOp, upper: &str) -> VersionSet {
    let upper = VersionSet::of_atom(op, upper);
    match lower {
        Some(v) => VersionSet::of_atom(RelOp::Geq, v).intersection(&upper),
        None => upper,
    }
}

/// The versions of an explicit list. With the released versions (in opam's order),
/// each run of consecutive listed releases is one interval, from its first version
/// (from the start when that is the first release) to the next release (excluded),
/// or to its last version when no release follows; listed versions that are not
/// released are added one by one.
pub(crate) fn set_of_versions(listed: &[String], released: Option<&[String]>) -> VersionSet {
    let is_listed = |v: &str| {
        listed
            .iter()
            .any(|l| compare_versions(l, v) == Ordering::Equal)
    };
    let mut set = VersionSet::default();
    let Some(released) = released else {
        for v in listed {
            set = set.union(&VersionSet::of_atom(RelOp::Eq, v));
        }
        return set;
    };
    let mut index = 0;
    while index < released.len() {
        let Some(first) = released.get(index).filter(|v| is_listed(v)) else {
            index += 1;
            continue;
        };
        let mut last = index;
        while released.get(last + 1).is_some_and(|v| is_listed(v)) {
            last += 1;
        }
        let upper = match released.get(last + 1) {
            Some(next) => VersionSet::of_atom(RelOp::Lt, next),
            None => VersionSet::of_atom(RelOp::Leq, released.get(last).unwrap_or(first)),
        };
        set = set.union(&if index == 0 {
            upper
        } else {
            VersionSet::of_atom(RelOp::Geq, first).intersection(&upper)
        });
        index = last + 1;
    }
    for v in listed {
        if !released
            .iter()
            .any(|r| compare_versions(r, v) == Ordering::Equal)
        {
            set = set.union(&VersionSet::of_atom(RelOp::Eq, v));
        }
    }
    set
}

/// The formula of a set, in opam syntax without braces; `None` for every version.
/// An empty set has no formula either: callers check [`VersionSet::intervals`] first.
pub(crate) fn formula_text(set: &VersionSet, released: Option<&[String]>) -> Option<String> {
    let intervals = set.intervals();
    if intervals.is_empty() || *set == VersionSet::all() {
        return None;
    }
    // Groups of intervals, each written as one alternative: consecutive intervals
    // with exactly one released version between them share a group, that version
    // excluded with `!=`.
    let mut alternatives: Vec<String> = Vec::new();
    let mut group: Vec<&Interval> = Vec::new();
    let mut holes: Vec<&str> = Vec::new();
    for interval in intervals {
        if let (Some(previous), Some(released)) = (group.last(), released) {
            let gap: Vec<&String> = released
                .iter()
                .filter(|v| after(&previous.upper, v) && before(&interval.lower, v))
                .collect();
            if let [hole] = gap.as_slice() {
                holes.push(hole);
                group.push(interval);
                continue;
            }
        }
        if !group.is_empty() {
            alternatives.push(alternative(&group, &holes));
        }
        group = vec![interval];
        holes.clear();
    }
    if !group.is_empty() {
        alternatives.push(alternative(&group, &holes));
    }
    Some(alternatives.join(" | "))
}

/// Whether `version` lies after an upper bound.
fn after(upper: &Bound, version: &str) -> bool {
    match upper {
        Bound::Unbounded => false,
        Bound::Included(v) => compare_versions(version, v) == Ordering::Greater,
        Bound::Excluded(v) => compare_versions(version, v) != Ordering::Less,
    }
}

/// Whether `version` lies before a lower bound.
fn before(lower: &Bound, version: &str) -> bool {
    match lower {
        Bound::Unbounded => false,
        Bound::Included(v) => compare_versions(version, v) == Ordering::Less,
        Bound::Excluded(v) => compare_versions(version, v) != Ordering::Greater,
    }
}

/// One alternative: the first interval's lower bound, the last one's upper bound, and
/// a `!=` for each hole.
fn alternative(group: &[&Interval], holes: &[&str]) -> String {
    let (Some(first), Some(last)) = (group.first(), group.last()) else {
        return String::new();
    };
    let mut atoms = Vec::new();
    if holes.is_empty()
        && let (Bound::Included(a), Bound::Included(b)) = (&first.lower, &last.upper)
        && compare_versions(a, b) == Ordering::Equal
    {
        return atom("=", a);
    }
    match &first.lower {
        Bound::Unbounded => {}
        Bound::Included(v) => atoms.push(atom(">=", v)),
        Bound::Excluded(v) => atoms.push(atom(">", v)),
    }
    atoms.extend(holes.iter().map(|h| atom("!=", h)));
    match &last.upper {
        Bound::Unbounded => {}
        Bound::Included(v) => atoms.push(atom("<=", v)),
        Bound::Excluded(v) => atoms.push(atom("<", v)),
    }
    atoms.join(" & ")
}

fn atom(op: &str, version: &str) -> String {
    format!("{op} {}", crate::draft::quote(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(spec: &[(&str, &str)]) -> Vec<osv::Event> {
        spec.iter()
            .map(|(kind, v)| match *kind {
                "i" => osv::Event::Introduced((*v).into()),
                "f" => osv::Event::Fixed((*v).into()),
                "l" => osv::Event::LastAffected((*v).into()),
                _ => osv::Event::Limit((*v).into()),
            })
            .collect()
    }

    fn of_ranges(ranges: &[&[(&str, &str)]]) -> VersionSet {
        let mut problems = Vec::new();
        let set = ranges.iter().fold(VersionSet::default(), |set, r| {
            set.union(&set_of_range(&events(r), &mut problems))
        });
        assert!(problems.is_empty());
        set
    }

    fn owned(versions: &[&str]) -> Vec<String> {
        versions.iter().map(|v| (*v).to_owned()).collect()
    }

    const RELEASED: &[&str] = &["0.9", "1.0", "1.1", "1.2", "1.3", "2.0", "2.1"];

    #[test]
    fn ranges_become_alternatives_in_opam_order() {
        let set = of_ranges(&[&[("i", "2.0"), ("f", "2.1")], &[("i", "0"), ("f", "1.1")]]);
        assert_eq!(
            formula_text(&set, None).unwrap(),
            "< \"1.1\" | >= \"2.0\" & < \"2.1\""
        );
        // Several pairs in one range, unsorted, and last_affected.
        let set = of_ranges(&[&[("l", "1.3"), ("i", "1.2"), ("f", "1.0"), ("i", "0")]]);
        assert_eq!(
            formula_text(&set, None).unwrap(),
            "< \"1.0\" | >= \"1.2\" & <= \"1.3\""
        );
        assert_eq!(formula_text(&of_ranges(&[&[("i", "0")]]), None), None);
        assert_eq!(
            formula_text(&of_ranges(&[&[("i", "1.0")]]), None).unwrap(),
            ">= \"1.0\""
        );
    }

    #[test]
    fn one_released_version_between_two_ranges_is_a_not_equal() {
        // What the export writes for `!= "1.2"` with these releases.
        let set = of_ranges(&[&[("i", "0"), ("f", "1.2")], &[("i", "1.3")]]);
        let released = owned(RELEASED);
        assert_eq!(formula_text(&set, Some(&released)).unwrap(), "!= \"1.2\"");
        assert_eq!(
            formula_text(&set, None).unwrap(),
            "< \"1.2\" | >= \"1.3\"",
            "exact without the releases"
        );
        // Two releases between: no `!=`.
        let set = of_ranges(&[&[("i", "0"), ("f", "1.1")], &[("i", "1.3")]]);
        assert_eq!(
            formula_text(&set, Some(&released)).unwrap(),
            "< \"1.1\" | >= \"1.3\""
        );
    }

    #[test]
    fn version_lists_become_runs_with_holes() {
        let released = owned(RELEASED);
        let listed = owned(&["1.0", "1.1", "1.3", "2.0"]);
        let set = set_of_versions(&listed, Some(&released));
        assert_eq!(
            formula_text(&set, Some(&released)).unwrap(),
            ">= \"1.0\" & != \"1.2\" & < \"2.1\""
        );
        for v in RELEASED {
            assert_eq!(set.contains(v), listed.contains(&(*v).to_owned()), "{v}");
        }
        // From the first release, up to the last, with a version no repository has.
        let listed = owned(&["0.9", "1.0", "2.1", "2.2~dev"]);
        let set = set_of_versions(&listed, Some(&released));
        assert_eq!(
            formula_text(&set, Some(&released)).unwrap(),
            "< \"1.1\" | = \"2.1\" | = \"2.2~dev\""
        );
        // Without the releases, one `=` each, in opam's order.
        let set = set_of_versions(&owned(&["1.10", "1.9", "1.1"]), None);
        assert_eq!(
            formula_text(&set, None).unwrap(),
            "= \"1.1\" | = \"1.9\" | = \"1.10\""
        );
    }

    #[test]
    fn limit_events_are_reported() {
        let mut problems = Vec::new();
        let set = set_of_range(&events(&[("i", "0"), ("x", "2.0")]), &mut problems);
        assert_eq!(set, VersionSet::all());
        assert_eq!(problems.len(), 1);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        const POOL: [&str; 10] = [
            "0.1", "0.9", "1.0", "1.0.1", "1.1", "1.2~rc", "1.2", "2.0", "2.0+a", "3",
        ];

        fn event() -> impl Strategy<Value = osv::Event> {
            (0..3u8, 0..POOL.len()).prop_map(|(kind, i)| {
                let v = POOL.get(i).copied().unwrap_or("1.0").to_owned();
                match kind {
                    0 => osv::Event::Introduced(v),
                    1 => osv::Event::Fixed(v),
                    _ => osv::Event::LastAffected(v),
                }
            })
        }

        proptest! {
            /// The formula written for ranges admits exactly the versions they admit:
            /// every version without the releases, every release with them (`!=`
            /// is exact on releases only).
            #[test]
            fn the_formula_admits_what_the_ranges_admit(
                ranges in prop::collection::vec(prop::collection::vec(event(), 1..5), 1..4),
                released_mask in prop::collection::vec(any::<bool>(), POOL.len()),
            ) {
                let mut problems = Vec::new();
                let set = ranges.iter().fold(VersionSet::default(), |set, r| {
                    set.union(&set_of_range(r, &mut problems))
                });
                let released: Vec<String> = POOL
                    .iter()
                    .zip(&released_mask)
                    .filter(|(_, keep)| **keep)
                    .map(|(v, _)| (*v).to_owned())
                    .collect();
                let compare = |a: &str, b: &str| compare_versions(a, b);
                for (releases, checked) in [(None, POOL.to_vec()), (Some(released.as_slice()), released.iter().map(String::as_str).collect())] {
                    let Some(text) = formula_text(&set, releases) else {
                        prop_assert!(set.intervals().is_empty() || set == VersionSet::all());
                        continue;
                    };
                    let constraint = crate::draft::parse_formula("p", &text)
                        .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?
                        .ok_or_else(|| TestCaseError::fail(format!("{text}: no constraint")))?;
                    for v in checked {
                        prop_assert_eq!(constraint.matches(v, &compare), set.contains(v), "{} in {}", v, text);
                    }
                }
            }
        }
    }
}
