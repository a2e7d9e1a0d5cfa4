//! What indexing and matching need from a record, encoded compactly.
//!
//! Every record's summary (ID, origin, withdrawn or not, aliases, and its
//! affected packages with their versions and ranges) is encoded into one
//! byte buffer per database. Matching reads it in place, borrowing strings
//! from the buffer: a database of 10,000 records holds one buffer instead of
//! ~150,000 small strings, so loading a prepared database
//! ([`crate::prepared`]) is one read and matching allocates almost nothing.
//!
//! Encoding: a string is its length (u32, little endian) and its UTF-8
//! bytes; a list is its length (u32) and its items; a flag or kind is a byte.
//! A summary is: withdrawn flag, ID, origin, aliases (list of strings),
//! affected entries (list of: ecosystem, name, versions as a list of
//! strings, ranges as a list of: kind, events as a list of: kind, version).
//! Affected entries without a package (GIT-only ones) match no query and are
//! left out.

use osv::{Event, RangeKind, Vulnerability};

use crate::encoding::{Reader, put_list, put_str};

/// Appends the summary of `record`, loaded from `origin`, to `out`.
pub(crate) fn encode(record: &Vulnerability, origin: &str, out: &mut Vec<u8>) {
    out.push(u8::from(record.is_withdrawn()));
    put_str(out, &record.id);
    put_str(out, origin);
    put_list(out, record.aliases(), |out, alias| put_str(out, alias));
    let affected: Vec<_> = record
        .affected()
        .iter()
        .filter_map(|a| Some((a.package.as_ref()?, a)))
        .collect();
    put_list(out, &affected, |out, (package, affected)| {
        put_str(out, &package.ecosystem);
        put_str(out, &package.name);
        put_list(out, affected.versions(), |out, v| put_str(out, v));
        put_list(out, affected.ranges(), |out, range| {
            out.push(match range.kind {
                RangeKind::Semver => Kind::Semver as u8,
                RangeKind::Ecosystem => Kind::Ecosystem as u8,
                RangeKind::Git => Kind::Git as u8,
            });
            put_list(out, &range.events, |out, event| {
                out.push(match event {
                    Event::Introduced(_) => EventKind::Introduced as u8,
                    Event::Fixed(_) => EventKind::Fixed as u8,
                    Event::LastAffected(_) => EventKind::LastAffected as u8,
                    Event::Limit(_) => EventKind::Limit as u8,
                });
                put_str(out, event.version());
            });
        });
    });
}

/// The kind of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Semver = 0,
    Ecosystem = 1,
    Git = 2,
}

/// The kind of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    Introduced = 0,
    Fixed = 1,
    LastAffected = 2,
    Limit = 3,
}

/// A summary read in place. Every reader returns `None` on bytes that are not
/// a summary (which only a damaged prepared file could hold).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Summary<'a> {
    pub(crate) withdrawn: bool,
    /// UTF-8, checked by [`Summary::read`] (see [`Summary::id`]).
    id: &'a [u8],
    /// UTF-8, checked by [`Summary::read`].
    origin: &'a [u8],
    aliases: Reader<'a>,
    alias_count: u32,
    affected: Reader<'a>,
    affected_count: u32,
}

/// One affected entry, read in place.
#[derive(Debug, Clone)]
pub(crate) struct AffectedSummary<'a> {
    pub(crate) ecosystem: &'a str,
    pub(crate) name: &'a str,
    pub(crate) versions: Vec<&'a str>,
    pub(crate) ranges: Vec<RangeSummary<'a>>,
}

/// One range: its kind and its events in order.
#[derive(Debug, Clone)]
pub(crate) struct RangeSummary<'a> {
    pub(crate) kind: Kind,
    pub(crate) events: Vec<(EventKind, &'a str)>,
}

impl<'a> Summary<'a> {
    /// Reads the summary at the start of `bytes`, stepping over all of it;
    /// returns it and its length.
    pub(crate) fn read(bytes: &'a [u8]) -> Option<(Summary<'a>, usize)> {
        let (summary, mut reader) = Summary::start(bytes)?;
        std::str::from_utf8(summary.id).ok()?;
        std::str::from_utf8(summary.origin).ok()?;
        for _ in 0..summary.affected_count {
            skip_affected(&mut reader, false)?;
        }
        Some((summary, reader.position()))
    }

    /// Reads the summary at the start of `bytes` up to its affected entries,
    /// which are read when asked for: what a query needs of a summary
    /// already read once by [`Summary::read`].
    pub(crate) fn view(bytes: &'a [u8]) -> Option<Summary<'a>> {
        Summary::start(bytes).map(|(summary, _)| summary)
    }

    /// Reads up to the affected entries; returns the reader positioned there.
    fn start(bytes: &'a [u8]) -> Option<(Summary<'a>, Reader<'a>)> {
        let mut reader = Reader::new(bytes);
        let withdrawn = reader.byte()? != 0;
        let id = reader.str_bytes()?;
        let origin = reader.str_bytes()?;
        let alias_count = reader.u32()?;
        let aliases = reader;
        for _ in 0..alias_count {
            reader.skip_str()?;
        }
        let affected_count = reader.u32()?;
        let affected = reader;
        let summary = Summary {
            withdrawn,
            id,
            origin,
            aliases,
            alias_count,
            affected,
            affected_count,
        };
        Some((summary, reader))
    }

    /// The record's ID. Summaries are checked whole by [`Summary::read`]
    /// when a database is built, so this and [`Summary::origin`] are UTF-8;
    /// [`Summary::view`] does not check them again, for speed.
    pub(crate) fn id(&self) -> &'a str {
        std::str::from_utf8(self.id).unwrap_or_default()
    }

    /// Where the record was loaded from.
    pub(crate) fn origin(&self) -> &'a str {
        std::str::from_utf8(self.origin).unwrap_or_default()
    }

    /// The aliases.
    pub(crate) fn aliases(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let mut reader = self.aliases;
        (0..self.alias_count).map_while(move |_| reader.str())
    }

    /// The affected entries that name this package.
    pub(crate) fn affected(&self) -> impl Iterator<Item = AffectedSummary<'a>> + use<'a> {
        let mut reader = self.affected;
        (0..self.affected_count).map_while(move |_| read_affected(&mut reader))
    }

    /// The (ecosystem, name) of each affected entry, without reading the rest.
    pub(crate) fn packages(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        let mut reader = self.affected;
        (0..self.affected_count).map_while(move |_| skip_affected(&mut reader, true)?)
    }
}

/// Steps over one affected entry without collecting it; with `names`,
/// returns its ecosystem and name (else `Some(None)`).
fn skip_affected<'a>(reader: &mut Reader<'a>, names: bool) -> Option<Option<(&'a str, &'a str)>> {
    let package = if names {
        Some((reader.str()?, reader.str()?))
    } else {
        reader.skip_str()?;
        reader.skip_str()?;
        None
    };
    for _ in 0..reader.u32()? {
        reader.skip_str()?;
    }
    for _ in 0..reader.u32()? {
        if reader.byte()? > 2 {
            return None;
        }
        for _ in 0..reader.u32()? {
            if reader.byte()? > 3 {
                return None;
            }
            reader.skip_str()?;
        }
    }
    Some(package)
}

fn read_affected<'a>(reader: &mut Reader<'a>) -> Option<AffectedSummary<'a>> {
    let ecosystem = reader.str()?;
    let name = reader.str()?;
    let count = reader.u32()?;
    let mut versions = Vec::with_capacity(count.min(1024) as usize);
    for _ in 0..count {
        versions.push(reader.str()?);
    }
    let count = reader.u32()?;
    let mut ranges = Vec::with_capacity(count.min(64) as usize);
    for _ in 0..count {
        let kind = match reader.byte()? {
            0 => Kind::Semver,
            1 => Kind::Ecosystem,
            2 => Kind::Git,
            _ => return None,
        };
        let count = reader.u32()?;
        let mut events = Vec::with_capacity(count.min(64) as usize);
        for _ in 0..count {
            let kind = match reader.byte()? {
                0 => EventKind::Introduced,
                1 => EventKind::Fixed,
                2 => EventKind::LastAffected,
                3 => EventKind::Limit,
                _ => return None,
            };
            events.push((kind, reader.str()?));
        }
        ranges.push(RangeSummary { kind, events });
    }
    Some(AffectedSummary {
        ecosystem,
        name,
        versions,
        ranges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_reads_back_what_was_encoded() {
        let record = osv::from_str(
            r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z",
                "withdrawn": "2026-02-01T00:00:00Z", "aliases": ["CVE-2026-1", "GHSA-x"],
                "affected": [
                  {"package": {"ecosystem": "opam", "name": "a"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
                   "versions": ["1.0", "1.1"]},
                  {"ranges": [{"type": "GIT", "repo": "https://example.com/r",
                    "events": [{"introduced": "0"}]}]},
                  {"package": {"ecosystem": "opam", "name": "b"},
                   "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"last_affected": "1.2.0"}, {"limit": "*"}]}]}
                ]}"#,
        )
        .unwrap();
        let mut bytes = Vec::new();
        encode(&record, "x.json", &mut bytes);
        bytes.extend_from_slice(b"next");
        let (summary, len) = Summary::read(&bytes).unwrap();
        assert_eq!(bytes.get(len..), Some(&b"next"[..]));
        assert!(summary.withdrawn);
        assert_eq!((summary.id(), summary.origin()), ("OSEC-2026-01", "x.json"));
        assert_eq!(
            summary.aliases().collect::<Vec<_>>(),
            ["CVE-2026-1", "GHSA-x"]
        );
        let affected: Vec<_> = summary.affected().collect();
        assert_eq!(affected.len(), 2, "the package-less entry is left out");
        assert_eq!((affected[0].ecosystem, affected[0].name), ("opam", "a"));
        assert_eq!(affected[0].versions, ["1.0", "1.1"]);
        assert_eq!(affected[0].ranges[0].kind, Kind::Ecosystem);
        assert_eq!(
            affected[0].ranges[0].events,
            [(EventKind::Introduced, "0"), (EventKind::Fixed, "2.0")]
        );
        assert_eq!(affected[1].ranges[0].kind, Kind::Semver);
        assert_eq!(
            affected[1].ranges[0].events,
            [
                (EventKind::Introduced, "1.0.0"),
                (EventKind::LastAffected, "1.2.0"),
                (EventKind::Limit, "*")
            ]
        );
    }

    #[test]
    fn truncated_or_damaged_bytes_read_as_none() {
        let record = osv::from_str(
            r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z",
                "affected": [{"package": {"ecosystem": "opam", "name": "a"}, "versions": ["1.0"]}]}"#,
        )
        .unwrap();
        let mut bytes = Vec::new();
        encode(&record, "x.json", &mut bytes);
        for cut in 0..bytes.len() {
            assert!(Summary::read(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut damaged = bytes.clone();
        damaged[1] = 0xff; // the ID's length
        assert!(Summary::read(&damaged).is_none());
    }
}
