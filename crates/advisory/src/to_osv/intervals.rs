//! A version constraint as a set of intervals of opam's version order, and the OSV
//! ECOSYSTEM ranges that describe it.
//!
//! Every operator becomes an interval (`!=` two), `&` intersects and `|` unites; the
//! result is kept sorted, disjoint and merged, so `{< "2" | >= "2" & < "3"}` is one
//! interval. Each interval becomes one range: the lower bound is an `introduced`
//! event (`"0"` when unbounded), the upper bound a `fixed` (excluded) or
//! `last_affected` (included) event. OSV has no excluded lower bound: for `> "v"` the
//! range starts at the first released version after `v` inside the interval, so a
//! range never claims a version the constraint excludes.

use std::cmp::Ordering;

use opam_file::RelOp;
use opam_model::compare_versions;

use crate::model::{Constraint, ConstraintKind};

/// One end of an interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// No limit on this side.
    Unbounded,
    /// The version belongs to the interval.
    Included(String),
    /// The version is the limit but does not belong to the interval.
    Excluded(String),
}

impl Bound {
    fn version(&self) -> Option<&str> {
        match self {
            Bound::Unbounded => None,
            Bound::Included(v) | Bound::Excluded(v) => Some(v),
        }
    }
}

/// The versions between two bounds, in opam's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// Where it starts.
    pub lower: Bound,
    /// Where it ends.
    pub upper: Bound,
}

impl Interval {
    /// Whether `version` lies in the interval.
    pub fn contains(&self, version: &str) -> bool {
        let above = match &self.lower {
            Bound::Unbounded => true,
            Bound::Included(v) => compare_versions(version, v) != Ordering::Less,
            Bound::Excluded(v) => compare_versions(version, v) == Ordering::Greater,
        };
        let below = match &self.upper {
            Bound::Unbounded => true,
            Bound::Included(v) => compare_versions(version, v) != Ordering::Greater,
            Bound::Excluded(v) => compare_versions(version, v) == Ordering::Less,
        };
        above && below
    }

    fn is_empty(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
            (lower, upper) => {
                let (l, u) = (lower.version().unwrap_or(""), upper.version().unwrap_or(""));
                match compare_versions(l, u) {
                    Ordering::Less => false,
                    Ordering::Equal => {
                        !matches!((lower, upper), (Bound::Included(_), Bound::Included(_)))
                    }
                    Ordering::Greater => true,
                }
            }
        }
    }
}

/// Orders lower bounds: unbounded first, then by version, `v` included before `v`
/// excluded.
fn cmp_lower(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Less,
        (_, Bound::Unbounded) => Ordering::Greater,
        _ => compare_versions(a.version().unwrap_or(""), b.version().unwrap_or(""))
            .then_with(|| exclusion_rank(a).cmp(&exclusion_rank(b))),
    }
}

/// Orders upper bounds: by version, `v` excluded before `v` included, unbounded last.
fn cmp_upper(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Greater,
        (_, Bound::Unbounded) => Ordering::Less,
        _ => compare_versions(a.version().unwrap_or(""), b.version().unwrap_or(""))
            .then_with(|| exclusion_rank(b).cmp(&exclusion_rank(a))),
    }
}

fn exclusion_rank(bound: &Bound) -> u8 {
    u8::from(matches!(bound, Bound::Excluded(_)))
}

/// A set of versions: sorted, disjoint, merged intervals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionSet {
    intervals: Vec<Interval>,
}

impl VersionSet {
    /// Every version.
    pub fn all() -> VersionSet {
        VersionSet {
            intervals: vec![Interval {
                lower: Bound::Unbounded,
                upper: Bound::Unbounded,
            }],
        }
    }

    /// The versions a constraint formula accepts.
    pub fn of_constraint(constraint: &Constraint) -> VersionSet {
        match &constraint.kind {
            ConstraintKind::Atom { op, version } => VersionSet::of_atom(op.value, &version.value),
            ConstraintKind::And(all) => {
                let sets: Vec<VersionSet> = all.iter().map(VersionSet::of_constraint).collect();
                VersionSet::intersection_of(&sets)
            }
            ConstraintKind::Or(any) => {
                let sets: Vec<VersionSet> = any.iter().map(VersionSet::of_constraint).collect();
                VersionSet::union_of(&sets)
            }
        }
    }

    /// The versions `op "version"` accepts.
    pub fn of_atom(op: RelOp, version: &str) -> VersionSet {
        let v = || version.to_owned();
        let interval = |lower, upper| Interval { lower, upper };
        let intervals = match op {
            RelOp::Eq => vec![interval(Bound::Included(v()), Bound::Included(v()))],
            RelOp::Neq => vec![
                interval(Bound::Unbounded, Bound::Excluded(v())),
                interval(Bound::Excluded(v()), Bound::Unbounded),
            ],
            RelOp::Lt => vec![interval(Bound::Unbounded, Bound::Excluded(v()))],
            RelOp::Leq => vec![interval(Bound::Unbounded, Bound::Included(v()))],
            RelOp::Gt => vec![interval(Bound::Excluded(v()), Bound::Unbounded)],
            RelOp::Geq => vec![interval(Bound::Included(v()), Bound::Unbounded)],
        };
        VersionSet { intervals }
    }

    /// The intervals, in opam's order.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    /// Whether `version` is in the set.
    pub fn contains(&self, version: &str) -> bool {
        self.intervals.iter().any(|i| i.contains(version))
    }

    /// The versions in either set.
    pub fn union(&self, other: &VersionSet) -> VersionSet {
        VersionSet::union_of([self, other])
    }

    /// The versions in both sets.
    pub fn intersection(&self, other: &VersionSet) -> VersionSet {
        VersionSet::intersection_of([self, other])
    }

    /// The versions in any of the sets: all their intervals sorted and merged at
    /// once, so that a chain of 50,000 `|` costs one sort, not 50,000 merges of a
    /// growing set.
    pub fn union_of<'a>(sets: impl IntoIterator<Item = &'a VersionSet>) -> VersionSet {
        let mut all: Vec<Interval> = sets
            .into_iter()
            .flat_map(|set| set.intervals.iter().cloned())
            .collect();
        all.sort_by(|a, b| cmp_lower(&a.lower, &b.lower));
        VersionSet {
            intervals: merge(all),
        }
    }

    /// The versions in every set (every version when there is none): the
    /// complement of the union of their complements, which stays one sort however
    /// long the chain of `&` (intersecting pairwise is quadratic on a chain of `!=`).
    pub fn intersection_of<'a>(sets: impl IntoIterator<Item = &'a VersionSet>) -> VersionSet {
        let complements: Vec<VersionSet> = sets.into_iter().map(VersionSet::complement).collect();
        VersionSet::union_of(&complements).complement()
    }

    /// The versions not in the set: the gaps between its intervals, each bound
    /// turned from included to excluded and back.
    fn complement(&self) -> VersionSet {
        let flip = |bound: &Bound| match bound {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Included(v) => Bound::Excluded(v.clone()),
            Bound::Excluded(v) => Bound::Included(v.clone()),
        };
        let mut gaps = Vec::with_capacity(self.intervals.len() + 1);
        // Where the gap before the next interval starts; none after +inf.
        let mut gap_start = Some(Bound::Unbounded);
        for interval in &self.intervals {
            let start = gap_start.take();
            if let Some(start) = start
                && interval.lower != Bound::Unbounded
            {
                gaps.push(Interval {
                    lower: start,
                    upper: flip(&interval.lower),
                });
            }
            gap_start = match &interval.upper {
                Bound::Unbounded => None,
                upper => Some(flip(upper)),
            };
        }
        if let Some(start) = gap_start {
            gaps.push(Interval {
                lower: start,
                upper: Bound::Unbounded,
            });
        }
        gaps.retain(|gap| !gap.is_empty());
        VersionSet { intervals: gaps }
    }
}

/// Merges intervals sorted by lower bound that overlap or touch.
fn merge(sorted: Vec<Interval>) -> Vec<Interval> {
    let mut out: Vec<Interval> = Vec::with_capacity(sorted.len());
    for next in sorted {
        if let Some(last) = out.last_mut()
            && touches(&last.upper, &next.lower)
        {
            if cmp_upper(&next.upper, &last.upper) == Ordering::Greater {
                last.upper = next.upper;
            }
            continue;
        }
        out.push(next);
    }
    out
}

/// Whether an interval ending at `upper` and one starting at `lower` (not before
/// the first's start) leave no version between them.
fn touches(upper: &Bound, lower: &Bound) -> bool {
    match (upper, lower) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        _ => match compare_versions(lower.version().unwrap_or(""), upper.version().unwrap_or("")) {
            Ordering::Less => true,
            Ordering::Equal => !matches!((upper, lower), (Bound::Excluded(_), Bound::Excluded(_))),
            Ordering::Greater => false,
        },
    }
}

/// The OSV events of one interval, or `None` when its lower bound is excluded and no
/// released version lies in it (OSV cannot say "after v" without naming a version).
/// `released` is every released version of the package, in any order.
pub fn events_of(interval: &Interval, released: &[String]) -> Option<Vec<osv::Event>> {
    let introduced = match &interval.lower {
        Bound::Unbounded => "0".to_owned(),
        Bound::Included(v) => v.clone(),
        Bound::Excluded(_) => released
            .iter()
            .filter(|v| interval.contains(v))
            .min_by(|a, b| compare_versions(a, b).then_with(|| a.cmp(b)))?
            .clone(),
    };
    let mut events = vec![osv::Event::Introduced(introduced)];
    match &interval.upper {
        Bound::Unbounded => {}
        Bound::Excluded(v) => events.push(osv::Event::Fixed(v.clone())),
        Bound::Included(v) => events.push(osv::Event::LastAffected(v.clone())),
    }
    Some(events)
}

/// Whether `version` is in an ECOSYSTEM range written by [`events_of`]: at or after
/// `introduced` (`"0"` is the start of time), before `fixed`, at or before
/// `last_affected`.
pub fn range_contains(events: &[osv::Event], version: &str) -> bool {
    let mut affected = false;
    for event in events {
        match event {
            osv::Event::Introduced(v) => {
                affected = v == "0" || compare_versions(version, v) != Ordering::Less;
            }
            osv::Event::Fixed(v) | osv::Event::Limit(v) => {
                affected = affected && compare_versions(version, v) == Ordering::Less;
            }
            osv::Event::LastAffected(v) => {
                affected = affected && compare_versions(version, v) != Ordering::Greater;
            }
        }
    }
    affected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(op: RelOp, v: &str) -> VersionSet {
        VersionSet::of_atom(op, v)
    }

    fn shown(set: &VersionSet) -> String {
        let bound = |b: &Bound, open: char, close: char, lower: bool| match b {
            Bound::Unbounded => {
                if lower {
                    "(-inf".to_owned()
                } else {
                    "+inf)".to_owned()
                }
            }
            Bound::Included(v) => {
                if lower {
                    format!("[{v}")
                } else {
                    format!("{v}]")
                }
            }
            Bound::Excluded(v) => {
                if lower {
                    format!("{open}{v}")
                } else {
                    format!("{v}{close}")
                }
            }
        };
        set.intervals()
            .iter()
            .map(|i| {
                format!(
                    "{},{}",
                    bound(&i.lower, '(', ')', true),
                    bound(&i.upper, '(', ')', false)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn each_operator_is_an_interval() {
        assert_eq!(shown(&set(RelOp::Eq, "1")), "[1,1]");
        assert_eq!(shown(&set(RelOp::Neq, "1")), "(-inf,1) (1,+inf)");
        assert_eq!(shown(&set(RelOp::Lt, "1")), "(-inf,1)");
        assert_eq!(shown(&set(RelOp::Leq, "1")), "(-inf,1]");
        assert_eq!(shown(&set(RelOp::Gt, "1")), "(1,+inf)");
        assert_eq!(shown(&set(RelOp::Geq, "1")), "[1,+inf)");
    }

    #[test]
    fn union_merges_touching_intervals_in_opam_order() {
        let u = set(RelOp::Lt, "2").union(&set(RelOp::Geq, "2").intersection(&set(RelOp::Lt, "3")));
        assert_eq!(shown(&u), "(-inf,3)");
        // 1.10 is after 1.9 in opam's order, not before (as in string order).
        let u = set(RelOp::Geq, "1.10").union(&set(RelOp::Lt, "1.9"));
        assert_eq!(shown(&u), "(-inf,1.9) [1.10,+inf)");
        // `< v | > v` leaves exactly `v` out.
        assert_eq!(
            shown(&set(RelOp::Lt, "1").union(&set(RelOp::Gt, "1"))),
            "(-inf,1) (1,+inf)"
        );
        assert_eq!(
            shown(&set(RelOp::Leq, "1").union(&set(RelOp::Gt, "1"))),
            "(-inf,+inf)"
        );
    }

    #[test]
    fn intersection_can_be_empty_or_a_point() {
        assert_eq!(
            shown(&set(RelOp::Lt, "1").intersection(&set(RelOp::Gt, "2"))),
            ""
        );
        assert_eq!(
            shown(&set(RelOp::Lt, "1").intersection(&set(RelOp::Geq, "1"))),
            ""
        );
        // "1" is before "1.0" in opam's order, but "1.0" and "1.00" are equal.
        assert_eq!(
            shown(&set(RelOp::Leq, "1").intersection(&set(RelOp::Geq, "1.0"))),
            ""
        );
        assert_eq!(
            shown(&set(RelOp::Leq, "1.0").intersection(&set(RelOp::Geq, "1.00"))),
            "[1.00,1.0]"
        );
        assert_eq!(
            shown(
                &set(RelOp::Neq, "1.5")
                    .intersection(&set(RelOp::Geq, "1").intersection(&set(RelOp::Lt, "2")))
            ),
            "[1,1.5) (1.5,2)"
        );
    }

    #[test]
    fn excluded_lower_bound_starts_at_the_next_release() {
        let released: Vec<String> = ["1.0", "1.0.1", "1.1", "2.0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let gt = set(RelOp::Gt, "1.0");
        let events = events_of(&gt.intervals()[0], &released).unwrap();
        assert_eq!(events, vec![osv::Event::Introduced("1.0.1".into())]);
        assert!(!range_contains(&events, "1.0"));
        // Nothing released after 2.0: the interval cannot be written.
        assert_eq!(
            events_of(&set(RelOp::Gt, "2.0").intervals()[0], &released),
            None
        );
    }

    #[test]
    fn upper_bounds_become_fixed_or_last_affected() {
        let none: Vec<String> = Vec::new();
        let leq = events_of(&set(RelOp::Leq, "3").intervals()[0], &none).unwrap();
        assert_eq!(
            leq,
            vec![
                osv::Event::Introduced("0".into()),
                osv::Event::LastAffected("3".into())
            ]
        );
        assert!(range_contains(&leq, "3") && !range_contains(&leq, "3.0.1"));
        let eq = events_of(&set(RelOp::Eq, "3").intervals()[0], &none).unwrap();
        assert_eq!(
            eq,
            vec![
                osv::Event::Introduced("3".into()),
                osv::Event::LastAffected("3".into())
            ]
        );
        let lt = events_of(&set(RelOp::Lt, "3").intervals()[0], &none).unwrap();
        assert!(range_contains(&lt, "2.9") && !range_contains(&lt, "3"));
    }

    mod properties {
        use super::super::*;
        use opam_file::{Span, Spanned};
        use proptest::prelude::*;

        const POOL: &[&str] = &[
            "~a", "0", "0.9", "1", "1.0", "1.00", "1.0.1", "1.1~rc", "1.1", "1.10", "2", "2.0+x",
        ];

        fn atom() -> impl Strategy<Value = Constraint> {
            let ops = prop_oneof![
                Just(RelOp::Eq),
                Just(RelOp::Neq),
                Just(RelOp::Lt),
                Just(RelOp::Leq),
                Just(RelOp::Gt),
                Just(RelOp::Geq)
            ];
            (ops, 0..POOL.len()).prop_map(|(op, i)| Constraint {
                kind: ConstraintKind::Atom {
                    op: Spanned::new(op, Span::default()),
                    version: Spanned::new(POOL[i].to_owned(), Span::default()),
                },
                span: Span::default(),
            })
        }

        fn formula() -> impl Strategy<Value = Constraint> {
            atom().prop_recursive(4, 16, 2, |inner| {
                (prop::collection::vec(inner, 2..4), any::<bool>()).prop_map(|(operands, and)| {
                    let kind = if and {
                        ConstraintKind::And(operands)
                    } else {
                        ConstraintKind::Or(operands)
                    };
                    Constraint {
                        kind,
                        span: Span::default(),
                    }
                })
            })
        }

        proptest! {
            /// The intervals accept exactly what the formula accepts, and the ranges
            /// written from them claim exactly the released versions it accepts.
            #[test]
            fn intervals_and_ranges_agree_with_the_formula(
                c in formula(),
                released_mask in proptest::collection::vec(any::<bool>(), POOL.len()),
                drawn in proptest::collection::vec("[0-9a-z~+.]{1,6}", 0..8),
                released_drawn in any::<bool>(),
            ) {
                let set = VersionSet::of_constraint(&c);
                let compare = |a: &str, b: &str| compare_versions(a, b);
                // The bounds are pool versions; a bound off by a little shows on the
                // versions just around them and on versions drawn at random.
                let probes: Vec<String> = POOL
                    .iter()
                    .flat_map(|v| {
                        [(*v).to_owned(), format!("{v}~"), format!("{v}~~"), format!("{v}.0"), format!("{v}a")]
                    })
                    .chain(drawn)
                    .collect();
                for v in &probes {
                    prop_assert_eq!(set.contains(v), c.matches(v, &compare), "version {}", v);
                }
                let mut released: Vec<String> = POOL
                    .iter()
                    .zip(&released_mask)
                    .filter(|(v, keep)| **keep && **v != "~a")
                    .map(|(v, _)| (*v).to_owned())
                    .collect();
                if released_drawn {
                    // Versions below "0" are never released (an OSV range starts there).
                    released.extend(
                        probes.iter().filter(|v| compare_versions(v, "0") != std::cmp::Ordering::Less).cloned(),
                    );
                    released.sort_by(|a, b| compare_versions(a, b));
                    released.dedup_by(|a, b| compare_versions(a, b) == std::cmp::Ordering::Equal);
                }
                let ranges: Vec<Vec<osv::Event>> =
                    set.intervals().iter().filter_map(|i| events_of(i, &released)).collect();
                for v in &released {
                    let claimed = ranges.iter().any(|r| range_contains(r, v));
                    prop_assert_eq!(claimed, set.contains(v), "released version {}", v);
                }
                for pair in set.intervals().windows(2) {
                    prop_assert!(!touches(&pair[0].upper, &pair[1].lower), "intervals are merged");
                }
            }
        }
    }
}
