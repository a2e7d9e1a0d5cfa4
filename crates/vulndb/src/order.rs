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

    /// The orders osec knows: opam's, for ecosystem `opam`.
    pub fn known() -> Self {
        let mut orders = Orders::new();
        orders.set(osv::OPAM_ECOSYSTEM, Arc::new(OpamOrder));
        orders
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

/// opam's version order (`opam_model::compare_versions`), for the ECOSYSTEM
/// ranges of ecosystem `opam`. A string that is not an opam version (empty,
/// or with a character outside letters, digits and `-_+.~`) is rejected.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpamOrder;

impl VersionOrder for OpamOrder {
    fn compare(&self, a: &str, b: &str) -> Result<Ordering, String> {
        for text in [a, b] {
            // Fast path without allocating: opam's rule, as `Version::parse`
            // checks it; that function gives the message otherwise.
            let plainly_valid = !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_+.~".contains(&b));
            if !plainly_valid {
                opam_model::Version::parse(text).map_err(|e| e.to_string())?;
            }
        }
        Ok(opam_model::compare_versions(a, b))
    }
}

/// Compares two versions with `order`, treating a version the order rejects
/// as incomparable.
pub(crate) fn compare(order: &dyn VersionOrder, a: &str, b: &str) -> Option<Ordering> {
    order.compare(a, b).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opam_order_is_opams() {
        let order = OpamOrder;
        let cmp = |a, b| order.compare(a, b).unwrap();
        assert_eq!(cmp("4.9", "4.10"), Ordering::Less);
        assert_eq!(cmp("6.0.0~alpha0", "6.0.0"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.00"), Ordering::Equal);
        assert_eq!(cmp("2.5.2", "2.5.2-1"), Ordering::Less);
        assert_eq!(cmp("3.07+1", "3.07"), Ordering::Greater);
    }

    #[test]
    fn opam_order_rejects_non_versions() {
        assert!(OpamOrder.compare("1.0", "").is_err());
        assert!(OpamOrder.compare("1 0", "1.0").is_err());
    }

    #[test]
    fn orders_are_found_without_the_ecosystem_suffix() {
        let orders = Orders::known();
        assert!(orders.get("opam").is_some());
        assert!(orders.get("opam:archive").is_some());
        assert!(orders.get("npm").is_none());
        assert!(Orders::new().get("opam").is_none());
    }
}
