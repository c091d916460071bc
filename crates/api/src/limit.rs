//! A small sliding-window rate limiter for sign-in requests, per key (address, IP).
//!
//! Its memory is bounded whatever keys arrive: keys whose window is over are forgotten by age
//! (a sweep every tenth of a window), and above [`MAX_KEYS`] the keys seen longest ago go first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most keys a limiter remembers.
pub const MAX_KEYS: usize = 50_000;

/// Allows `max` events per `window` for each key.
pub struct RateLimiter {
    max: usize,
    window: Duration,
    state: Mutex<State>,
}

struct State {
    seen: HashMap<String, VecDeque<Instant>>,
    swept: Option<Instant>,
}

impl RateLimiter {
    /// A limiter of `max` per `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window, state: Mutex::new(State { seen: HashMap::new(), swept: None }) }
    }

    /// How many keys it remembers now.
    pub fn keys(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).seen.len()
    }

    /// Record an event for `key`; `Err(wait)` when over the limit (nothing recorded then).
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let window = self.window;
        if state.swept.is_none_or(|at| now.saturating_duration_since(at) >= window / 10) {
            state.seen.retain(|_, q| q.back().is_some_and(|t| now.saturating_duration_since(*t) < window));
            state.swept = Some(now);
        }
        if state.seen.len() >= MAX_KEYS && !state.seen.contains_key(key) {
            // Full of live keys (a flood of made-up ones): the tenth seen longest ago goes.
            let mut last: Vec<(Instant, String)> =
                state.seen.iter().map(|(k, q)| (q.back().copied().unwrap_or(now), k.clone())).collect();
            last.sort_unstable();
            for (_, k) in last.into_iter().take(MAX_KEYS / 10) {
                state.seen.remove(&k);
            }
        }
        let q = state.seen.entry(key.to_owned()).or_default();
        while q.front().is_some_and(|t| now.saturating_duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= self.max {
            let oldest = *q.front().unwrap_or(&now);
            return Err(window.saturating_sub(now.saturating_duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_per_window_then_refuses_until_the_window_moves() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let t = Instant::now();
        assert!(l.check("a", t).is_ok() && l.check("a", t).is_ok());
        assert!(l.check("a", t + Duration::from_secs(1)).is_err());
        assert!(l.check("b", t).is_ok(), "keys are separate");
        assert!(l.check("a", t + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn keys_are_forgotten_by_age_and_never_exceed_the_bound() {
        let l = RateLimiter::new(5, Duration::from_secs(60));
        let t = Instant::now();
        for i in 0..1000 {
            l.check(&format!("forged-{i}"), t).unwrap();
        }
        assert_eq!(l.keys(), 1000);
        // A window later, one more request sweeps the old ones away (not only above a bound).
        l.check("real", t + Duration::from_secs(61)).unwrap();
        assert_eq!(l.keys(), 1);
        let later = t + Duration::from_secs(120);
        for i in 0..(MAX_KEYS + 5000) {
            l.check(&format!("flood-{i}"), later).unwrap();
        }
        assert!(l.keys() <= MAX_KEYS, "{} keys", l.keys());
    }
}
