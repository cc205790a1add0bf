//! Hash maps keyed by volunteer id with a cheap hash: a ranking looks every volunteer up
//! once or twice, and SipHash was a tenth of its time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The SplitMix64 finaliser of an `i64` (Steele, Lea, Flood 2014): a bijection that spreads
/// structured ids (consecutive, multiples of a power of two) over every bit.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.0 = self.0.rotate_left(32) ^ u64::from_ne_bytes(n.to_ne_bytes());
    }
}

/// A hash map keyed by volunteer id.
pub(crate) type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// An empty [`IdMap`] with room for `n` entries.
pub(crate) fn id_map<V>(n: usize) -> IdMap<V> {
    IdMap::with_capacity_and_hasher(n, BuildHasherDefault::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_as_with_any_hasher() {
        let mut m = id_map(4);
        for id in [0, -1, 1 << 40, i64::MIN, i64::MAX, 7] {
            assert!(m.insert(id, id.wrapping_mul(3)).is_none());
        }
        assert!(m.insert(7, 0).is_some());
        assert_eq!(m.get(&(1 << 40)), Some(&(3 << 40)));
        assert_eq!(m.get(&i64::MIN), Some(&i64::MIN.wrapping_mul(3)));
        assert_eq!(m.get(&5), None);
    }
}
