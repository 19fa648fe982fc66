//! Counts that every thread checking claims adds to.
//!
//! A counter that each claim adds to and that the workers share moves its
//! cache line from core to core at every claim. A [`Sharded`] value keeps
//! one shard per thread (threads past [`SHARDS`] share), each on cache
//! lines of its own; a count is the sum of the shards.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Shards per value.
pub const SHARDS: usize = 16;

thread_local! {
    /// This thread's shard in every [`Sharded`] value.
    static SHARD: usize = {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS
    };
}

/// A shard on cache lines of its own (128 bytes: the pair of lines that
/// the processor's prefetcher fetches together).
#[derive(Default)]
#[repr(align(128))]
struct Padded<T>(T);

/// One `T` per thread (see the module docs).
pub struct Sharded<T> {
    shards: Box<[Padded<T>]>,
}

impl<T: Default> Default for Sharded<T> {
    fn default() -> Self {
        Sharded {
            shards: (0..SHARDS).map(|_| Padded::default()).collect(),
        }
    }
}

impl<T> Sharded<T> {
    /// This thread's shard.
    pub fn local(&self) -> &T {
        &self.shards[SHARD.with(|&i| i)].0
    }

    /// The sum over the shards of the counter `count` picks in each.
    pub fn total(&self, count: impl Fn(&T) -> &AtomicU64) -> u64 {
        self.shards
            .iter()
            .map(|s| count(&s.0).load(Ordering::Relaxed))
            .sum()
    }
}

impl<T> std::fmt::Debug for Sharded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sharded({} shards)", self.shards.len())
    }
}

/// A count of claims (or anything) that threads add to.
pub type Count = Sharded<AtomicU64>;

impl Count {
    pub fn add_one(&self) {
        self.local().fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.total(|c| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_many_threads_add_up() {
        let count = Count::default();
        std::thread::scope(|s| {
            for _ in 0..SHARDS + 5 {
                s.spawn(|| {
                    for _ in 0..1000 {
                        count.add_one();
                    }
                });
            }
        });
        assert_eq!(count.get(), (SHARDS as u64 + 5) * 1000);
        assert_eq!(std::mem::align_of::<Padded<AtomicU64>>(), 128);
    }
}
