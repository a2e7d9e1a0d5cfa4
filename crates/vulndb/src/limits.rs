//! Bounds on what loading a zip archive may cost, so that a hostile or corrupt
//! `all.zip` (a few megabytes that inflate to gigabytes, or millions of tiny
//! entries) is an error naming the archive, never an exhausted memory.

/// How much a zip archive may hold ([`Loader::with_limits`](crate::Loader::with_limits)).
///
/// The defaults are far above any real OSV archive (osv.dev's opam `all.zip`
/// inflates to a few megabytes in a few hundred entries; its largest
/// ecosystems' to a few hundred megabytes) and far below what would exhaust a
/// machine. Directories are not limited here: their records are read one file
/// at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes the archive's records may inflate to, all together
    /// (default [`Limits::DEFAULT_MAX_INFLATED_BYTES`], 1 GiB). Each record is
    /// also at most 16 MiB.
    pub max_inflated_bytes: u64,
    /// The most entries the archive's central directory may list (default
    /// [`Limits::DEFAULT_MAX_ENTRIES`]). The directory is read before its
    /// entries are counted; it costs memory in proportion to the archive's
    /// size, which its reader already holds.
    pub max_entries: u64,
}

impl Limits {
    /// 1 GiB.
    pub const DEFAULT_MAX_INFLATED_BYTES: u64 = 1 << 30;
    /// One million.
    pub const DEFAULT_MAX_ENTRIES: u64 = 1_000_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflated_bytes: Limits::DEFAULT_MAX_INFLATED_BYTES,
            max_entries: Limits::DEFAULT_MAX_ENTRIES,
        }
    }
}
