//! Which version order applies to which ecosystem.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use osv::VersionOrder;

/// A version order that can be shared between threads.
pub type SharedOrder = Arc<dyn VersionOrder + Send + Sync>;

/// The version orders a database knows, by ecosystem.
///
/// SEMVER ranges always use SemVer precedence. ECOSYSTEM ranges of an
/// ecosystem without an order here are not evaluated: such records match
/// through their explicit `versions` lists only (which is how osv.dev matches
/// opam today).
#[derive(Clone, Default)]
pub struct Orders {
    by_ecosystem: Vec<(String, SharedOrder)>,
}

impl fmt::Debug for Orders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.by_ecosystem.iter().map(|(name, _)| name))
            .finish()
    }
}

impl Orders {
    /// No ecosystem orders (SemVer only).
    pub fn new() -> Self {
        Orders::default()
    }

    /// Uses `order` for the ECOSYSTEM ranges of `ecosystem` (matched without
    /// its `:suffix`), replacing any order given before.
    pub fn set(&mut self, ecosystem: impl Into<String>, order: SharedOrder) {
        let ecosystem = ecosystem.into();
        self.by_ecosystem.retain(|(name, _)| *name != ecosystem);
        self.by_ecosystem.push((ecosystem, order));
    }

    /// The order of `ecosystem`'s ECOSYSTEM ranges, if known.
    pub fn get(&self, ecosystem: &str) -> Option<&(dyn VersionOrder + Send + Sync)> {
        let base = osv::base_ecosystem(ecosystem);
        self.by_ecosystem
            .iter()
            .find(|(name, _)| name == base)
            .map(|(_, order)| order.as_ref())
    }

    /// A validator that checks event order with these orders.
    pub(crate) fn validator(&self) -> osv::Validator<'_> {
        self.by_ecosystem
            .iter()
            .fold(osv::Validator::new(), |validator, (name, order)| {
                validator.with_ecosystem_order(name, order.as_ref())
            })
    }
}

/// Compares two versions with `order`, treating a version the order rejects
/// as incomparable.
pub(crate) fn compare(order: &dyn VersionOrder, a: &str, b: &str) -> Option<Ordering> {
    order.compare(a, b).ok()
}
