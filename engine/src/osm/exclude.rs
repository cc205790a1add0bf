//! Classes of roads a route can be asked to avoid (OSRM's `exclude=`), and sets of them.
//!
//! Each profile declares the classes it supports ([`Profile::exclude`](super::Profile)):
//! `car` motorway, toll, ferry and unpaved; `bicycle` ferry and unpaved; `foot` ferry. The
//! graph marks the edges of each class (its road class and edge flags, read at import), and
//! a route that excludes a set of classes uses none of their edges.

use std::fmt;

/// A class of roads that a route can exclude.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExcludeClass {
    /// Motorways and their links (`highway=motorway`, `motorway_link`).
    Motorway,
    /// Toll roads (`toll=yes`).
    Toll,
    /// Ferries (`route=ferry`).
    Ferry,
    /// Unpaved roads (`surface=` gravel, dirt, ground, …; `tracktype` grade 2 or worse).
    Unpaved,
}

impl ExcludeClass {
    /// Every class, in the order of their bits in an [`ExcludeSet`].
    pub const ALL: [Self; 4] = [Self::Motorway, Self::Toll, Self::Ferry, Self::Unpaved];

    /// The class's name in OSRM's `exclude=` (`motorway`, `toll`, `ferry`, `unpaved`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Motorway => "motorway",
            Self::Toll => "toll",
            Self::Ferry => "ferry",
            Self::Unpaved => "unpaved",
        }
    }

    /// The class of a name, `None` for an unknown one (names are case-sensitive, as OSRM's).
    ///
    /// # Examples
    /// ```
    /// use engine::osm::ExcludeClass;
    /// assert_eq!(ExcludeClass::from_name("ferry"), Some(ExcludeClass::Ferry));
    /// assert_eq!(ExcludeClass::from_name("Ferry"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for ExcludeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`ExcludeClass`]es (a bit set; the empty set excludes nothing).
///
/// # Examples
/// ```
/// use engine::osm::{ExcludeClass, ExcludeSet};
/// let set = ExcludeSet::EMPTY.with(ExcludeClass::Ferry).with(ExcludeClass::Toll);
/// assert!(set.contains(ExcludeClass::Ferry));
/// assert_eq!(set.to_string(), "toll,ferry");
/// assert!(ExcludeSet::EMPTY.is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExcludeSet(u8);

impl ExcludeSet {
    /// The empty set.
    pub const EMPTY: Self = Self(0);

    /// The set with `class` added.
    #[must_use]
    pub const fn with(self, class: ExcludeClass) -> Self {
        Self(self.0 | class.bit())
    }

    /// Whether `class` is in the set.
    #[must_use]
    pub const fn contains(self, class: ExcludeClass) -> bool {
        self.0 & class.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The classes of the set, in [`ExcludeClass::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = ExcludeClass> {
        ExcludeClass::ALL
            .into_iter()
            .filter(move |&c| self.contains(c))
    }

    /// The set as one byte (bit `i`: `ExcludeClass::ALL[i]`), e.g. as a cache key.
    #[must_use]
    pub const fn bits(self) -> u8 {
        self.0
    }
}

impl FromIterator<ExcludeClass> for ExcludeSet {
    fn from_iter<I: IntoIterator<Item = ExcludeClass>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl fmt::Display for ExcludeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(c.name())?;
        }
        Ok(())
    }
}
