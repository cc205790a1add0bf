//! Valid tokens remembered for [`TOKEN_CACHE_TTL`], so a busy client (an app reporting
//! positions, a dispatch page asking "who can go now?") is not looked up in the store on
//! every call.
//!
//! Revocation: tokens are revoked in the store (`vmeste token revoke`, possibly from another
//! process), so a cached token is trusted for at most [`TOKEN_CACHE_TTL`] after the store
//! last said it was valid; the next call after that reads the store again and is refused.
//! Unknown and revoked tokens are never cached (each such call reads the store), and only
//! the token's SHA-256 is kept, never the token. The cache holds at most
//! [`TOKEN_CACHE_CAPACITY`] tokens: when full it is emptied, so a flood of distinct valid
//! tokens costs store reads, not memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use engine::board::Principal;

/// Longest time a token is trusted without reading the store: a revocation takes effect
/// within this on every server.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(1);

/// Most tokens remembered.
pub const TOKEN_CACHE_CAPACITY: usize = 4_096;

/// Tokens the store said were valid, by hash, with when it said so.
#[derive(Debug, Default)]
pub struct TokenCache {
    valid: Mutex<HashMap<String, (Principal, Instant)>>,
}

impl TokenCache {
    /// The principal of the token with this hash, if the store said it was valid less than
    /// [`TOKEN_CACHE_TTL`] ago.
    #[must_use]
    pub fn get(&self, hash: &str) -> Option<Principal> {
        let valid = self.valid.lock().ok()?;
        let (who, at) = valid.get(hash)?;
        (at.elapsed() < TOKEN_CACHE_TTL).then(|| who.clone())
    }

    /// Remembers that the store said just now that the token with this hash is valid.
    pub fn put(&self, hash: String, who: Principal) {
        if let Ok(mut valid) = self.valid.lock() {
            if valid.len() >= TOKEN_CACHE_CAPACITY && !valid.contains_key(&hash) {
                valid.retain(|_, (_, at)| at.elapsed() < TOKEN_CACHE_TTL);
                if valid.len() >= TOKEN_CACHE_CAPACITY {
                    valid.clear();
                }
            }
            valid.insert(hash, (who, Instant::now()));
        }
    }

    /// Forgets the token with this hash (the store called it unknown or revoked).
    pub fn forget(&self, hash: &str) {
        if let Ok(mut valid) = self.valid.lock() {
            valid.remove(hash);
        }
    }

    /// How many tokens are remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.valid.lock().map_or(0, |v| v.len())
    }

    /// `true` when none is.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::board::Role;

    fn admin(id: i64) -> Principal {
        Principal {
            token_id: id,
            role: Role::Admin,
            hqs: Vec::new(),
            volunteer: None,
        }
    }

    #[test]
    fn remembers_for_the_ttl_then_forgets() {
        let c = TokenCache::default();
        assert_eq!(c.get("h"), None);
        c.put("h".into(), admin(1));
        assert_eq!(c.get("h"), Some(admin(1)));
        c.forget("h");
        assert_eq!(c.get("h"), None);
        c.put("h".into(), admin(1));
        std::thread::sleep(TOKEN_CACHE_TTL + Duration::from_millis(50));
        assert_eq!(
            c.get("h"),
            None,
            "an entry older than the TTL is not trusted"
        );
    }

    #[test]
    fn a_flood_of_tokens_stays_within_capacity() {
        let c = TokenCache::default();
        for i in 0..(3 * TOKEN_CACHE_CAPACITY) {
            c.put(format!("h{i}"), admin(1));
            assert!(c.len() <= TOKEN_CACHE_CAPACITY);
        }
        assert!(!c.is_empty());
    }
}
