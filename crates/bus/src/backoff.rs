//! Bounded exponential backoff for loops that wait on NATS or the store to
//! come back, and the per-attempt delays of handler retries.

use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            max,
            next: initial,
        }
    }

    /// The delay to wait now; each call doubles the next one, up to `max`.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next.min(self.max);
        self.next = self.next.saturating_mul(2).min(self.max);
        delay
    }

    /// Back to the initial delay, after a success.
    pub fn reset(&mut self) {
        self.next = self.initial;
    }

    /// Sleeps for the next delay; false when `shutdown` fired first.
    pub async fn wait(&mut self, shutdown: &CancellationToken) -> bool {
        let delay = self.next_delay();
        tokio::select! {
            () = shutdown.cancelled() => false,
            () = tokio::time::sleep(delay) => true,
        }
    }
}

/// Delay before attempt `failed_attempts + 1`: the table's entry for this
/// failure, the last entry once past its end, zero for an empty table.
pub fn retry_delay(table: &[Duration], failed_attempts: u32) -> Duration {
    let index = usize::try_from(failed_attempts.saturating_sub(1)).unwrap_or(usize::MAX);
    table
        .get(index)
        .or_else(|| table.last())
        .copied()
        .unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_resets() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_millis(300));
        let delays: Vec<_> = (0..4).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 300, 300]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn retry_delay_follows_the_table_then_repeats_its_last_entry() {
        let table = [Duration::from_secs(1), Duration::from_secs(5)];
        assert_eq!(retry_delay(&table, 1), Duration::from_secs(1));
        assert_eq!(retry_delay(&table, 2), Duration::from_secs(5));
        assert_eq!(retry_delay(&table, 9), Duration::from_secs(5));
        assert_eq!(retry_delay(&[], 1), Duration::ZERO);
    }
}
