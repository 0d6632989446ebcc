//! A small bounded cache of unwrapped data keys, so that opening many values
//! of the same people (a query page, a projection rebuild) does not read and
//! unwrap the key row each time.
//!
//! Contract:
//! - an entry lives at most `ttl` after it was read from the key store, so an
//!   erasure done by another process stops this process from opening the
//!   subject's data within `ttl` ([`KeyCacheConfig::DEFAULT_TTL`] = 30 s);
//! - an erasure through this process evicts the entry at once, and a key read
//!   from the store before that erasure but inserted after it is discarded
//!   (an erasure epoch is checked on insert);
//! - at most `capacity` entries; when full, expired entries go first, then the
//!   one closest to expiry;
//! - `ttl` or `capacity` zero disables the cache.
//!
//! Only [`crate::Vault::open`] reads from the cache. `seal` always asks the
//! key store, so a subject erased by any process is refused at once.

use crate::master_key::KeyBytes;
use crate::subject::SubjectId;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCacheConfig {
    pub ttl: Duration,
    pub capacity: usize,
}

impl KeyCacheConfig {
    pub const DEFAULT_TTL: Duration = Duration::from_secs(30);
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// No caching: every open reads the key store.
    pub const fn disabled() -> Self {
        Self {
            ttl: Duration::ZERO,
            capacity: 0,
        }
    }

    fn is_enabled(&self) -> bool {
        !self.ttl.is_zero() && self.capacity > 0
    }
}

impl Default for KeyCacheConfig {
    fn default() -> Self {
        Self {
            ttl: Self::DEFAULT_TTL,
            capacity: Self::DEFAULT_CAPACITY,
        }
    }
}

pub(crate) struct KeyCache {
    config: KeyCacheConfig,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<SubjectId, Entry>,
    /// Bumped by every eviction for erasure.
    erasure_epoch: u64,
}

struct Entry {
    key: KeyBytes,
    expires_at: Instant,
}

impl KeyCache {
    pub(crate) fn new(config: KeyCacheConfig) -> Self {
        Self {
            config,
            state: Mutex::new(State::default()),
        }
    }

    /// Read before fetching a key from the store; pass to [`Self::insert`].
    pub(crate) fn erasure_epoch(&self) -> u64 {
        self.lock().erasure_epoch
    }

    pub(crate) fn get(&self, subject: &SubjectId, now: Instant) -> Option<KeyBytes> {
        if !self.config.is_enabled() {
            return None;
        }
        let mut state = self.lock();
        match state.entries.get(subject) {
            Some(entry) if entry.expires_at > now => Some(entry.key.clone()),
            Some(_) => {
                state.entries.remove(subject);
                None
            }
            None => None,
        }
    }

    /// Caches `key`, read from the store at `now`, unless an erasure happened
    /// since `epoch_before_read`.
    pub(crate) fn insert(
        &self,
        subject: &SubjectId,
        key: &KeyBytes,
        epoch_before_read: u64,
        now: Instant,
    ) {
        if !self.config.is_enabled() {
            return;
        }
        let mut state = self.lock();
        if state.erasure_epoch != epoch_before_read {
            return;
        }
        if !state.entries.contains_key(subject) && state.entries.len() >= self.config.capacity {
            state.entries.retain(|_, entry| entry.expires_at > now);
            if state.entries.len() >= self.config.capacity {
                let soonest = state
                    .entries
                    .iter()
                    .min_by_key(|(_, entry)| entry.expires_at)
                    .map(|(subject, _)| subject.clone());
                if let Some(soonest) = soonest {
                    state.entries.remove(&soonest);
                }
            }
        }
        let entry = Entry {
            key: key.clone(),
            expires_at: now + self.config.ttl,
        };
        state.entries.insert(subject.clone(), entry);
    }

    pub(crate) fn evict_erased(&self, subject: &SubjectId) {
        let mut state = self.lock();
        state.erasure_epoch += 1;
        state.entries.remove(subject);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is only a cache and every update leaves it consistent, so
        // a panic elsewhere while holding the lock cannot corrupt it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn subject(raw: &str) -> SubjectId {
        SubjectId::parse(raw).unwrap_or_else(|_| unreachable!("test ids are valid"))
    }

    fn cache(ttl_secs: u64, capacity: usize) -> KeyCache {
        KeyCache::new(KeyCacheConfig {
            ttl: Duration::from_secs(ttl_secs),
            capacity,
        })
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let cache = cache(30, 10);
        let start = Instant::now();
        let epoch = cache.erasure_epoch();
        cache.insert(&subject("a"), &Zeroizing::new([1; 32]), epoch, start);
        assert!(
            cache
                .get(&subject("a"), start + Duration::from_secs(29))
                .is_some()
        );
        assert!(
            cache
                .get(&subject("a"), start + Duration::from_secs(30))
                .is_none()
        );
    }

    #[test]
    fn erasure_evicts_and_discards_keys_read_before_it() {
        let cache = cache(30, 10);
        let now = Instant::now();
        let epoch = cache.erasure_epoch();
        cache.insert(&subject("a"), &Zeroizing::new([1; 32]), epoch, now);
        let read_before_erasure = cache.erasure_epoch();
        cache.evict_erased(&subject("a"));
        assert!(cache.get(&subject("a"), now).is_none());
        cache.insert(
            &subject("a"),
            &Zeroizing::new([1; 32]),
            read_before_erasure,
            now,
        );
        assert!(cache.get(&subject("a"), now).is_none());
    }

    #[test]
    fn stays_within_capacity_dropping_the_soonest_to_expire() {
        let cache = cache(30, 2);
        let now = Instant::now();
        let epoch = cache.erasure_epoch();
        cache.insert(&subject("a"), &Zeroizing::new([1; 32]), epoch, now);
        let later = now + Duration::from_secs(1);
        cache.insert(&subject("b"), &Zeroizing::new([2; 32]), epoch, later);
        cache.insert(&subject("c"), &Zeroizing::new([3; 32]), epoch, later);
        assert!(cache.get(&subject("a"), later).is_none());
        assert!(cache.get(&subject("b"), later).is_some());
        assert!(cache.get(&subject("c"), later).is_some());
    }

    #[test]
    fn disabled_cache_keeps_nothing() {
        let cache = KeyCache::new(KeyCacheConfig::disabled());
        let now = Instant::now();
        cache.insert(&subject("a"), &Zeroizing::new([1; 32]), 0, now);
        assert!(cache.get(&subject("a"), now).is_none());
    }
}
