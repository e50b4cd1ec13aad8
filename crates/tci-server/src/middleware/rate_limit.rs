//! Per-client limits on the API: requests per minute (a token bucket) and
//! requests in flight at once, both refused with 429 and `Retry-After`.
//!
//! Hand-written rather than `governor`: governor limits arrivals only (its
//! GCRA is this token bucket), not requests in flight, and tower's
//! `ConcurrencyLimit` is one limit for everyone that makes requests wait
//! instead of refusing them. With governor the per-client in-flight map,
//! its permits and its clean-up would all stay, beside a second map per
//! client that had to agree with it (a request refused for concurrency must
//! not spend a token); what it would replace is the ten lines of the bucket.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiGuard;
use crate::api::ApiFailure;

/// The middleware: inside the CORS layer, so a 429 carries CORS headers
/// and a preflight is never counted.
pub async fn limit(
    State(guard): State<Arc<ApiGuard>>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = guard.client(&request);
    request
        .extensions_mut()
        .insert(crate::api::ClientId(client.as_str().into()));
    let Some(limits) = &guard.limits else {
        return next.run(request).await;
    };
    match limits.admit(&client) {
        Ok(permit) => {
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(wait) => ApiFailure::RateLimited(wait.as_secs().max(1)).into_response(),
    }
}

impl ApiGuard {
    fn client(&self, request: &Request) -> String {
        if self.trust_forwarded_for
            && let Some(first) = request
                .headers()
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(',').next())
        {
            return first.trim().to_owned();
        }
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
    }
}

/// Per-client limits: a token bucket of `per_minute` requests and at most
/// `concurrent` requests in flight. Zero turns a limit off.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    concurrent: u32,
    clients: Arc<Mutex<HashMap<String, Client>>>,
}

#[derive(Debug)]
struct Client {
    tokens: f64,
    refreshed: Instant,
    in_flight: u32,
}

/// Counts a request as in flight until dropped.
#[derive(Debug)]
pub struct Permit {
    clients: Arc<Mutex<HashMap<String, Client>>>,
    client: String,
}

const FORGET_AFTER: Duration = Duration::from_secs(600);

impl RateLimiter {
    pub fn new(per_minute: u32, concurrent: u32) -> Option<Self> {
        (per_minute > 0 || concurrent > 0).then(|| RateLimiter {
            per_minute,
            concurrent,
            clients: Arc::default(),
        })
    }

    /// Requests per minute per client (0: no limit).
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Requests in flight per client (0: no limit).
    pub fn concurrent(&self) -> u32 {
        self.concurrent
    }

    /// A permit, or how long to wait before asking again.
    pub fn admit(&self, client: &str) -> Result<Permit, Duration> {
        let now = Instant::now();
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if clients.len() > 10_000 {
            clients.retain(|_, state| state.in_flight > 0 || now - state.refreshed < FORGET_AFTER);
        }
        let capacity = f64::from(self.per_minute);
        let state = clients.entry(client.to_owned()).or_insert(Client {
            tokens: capacity,
            refreshed: now,
            in_flight: 0,
        });
        if self.per_minute > 0 {
            let per_second = capacity / 60.0;
            let elapsed = now.duration_since(state.refreshed).as_secs_f64();
            state.tokens = (state.tokens + elapsed * per_second).min(capacity);
            state.refreshed = now;
            if state.tokens < 1.0 {
                return Err(Duration::from_secs_f64(
                    ((1.0 - state.tokens) / per_second).ceil(),
                ));
            }
        }
        if self.concurrent > 0 && state.in_flight >= self.concurrent {
            return Err(Duration::from_secs(1));
        }
        state.tokens -= 1.0;
        state.in_flight += 1;
        Ok(Permit {
            clients: self.clients.clone(),
            client: client.to_owned(),
        })
    }
}

/// What the start-up line says: `120 requests a minute and 4 at once`.
impl std::fmt::Display for RateLimiter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.per_minute, self.concurrent) {
            (0, concurrent) => write!(formatter, "{concurrent} at once"),
            (per_minute, 0) => write!(formatter, "{per_minute} requests a minute"),
            (per_minute, concurrent) => {
                write!(
                    formatter,
                    "{per_minute} requests a minute and {concurrent} at once"
                )
            }
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(state) = clients.get_mut(&self.client) {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_refuses_past_its_rate_and_says_how_long_to_wait() {
        let limiter = RateLimiter::new(3, 0).unwrap();
        let permits: Vec<_> = (0..3).map(|_| limiter.admit("a").unwrap()).collect();
        let wait = limiter.admit("a").unwrap_err();
        assert!(
            wait >= Duration::from_secs(1) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.admit("b").is_ok(), "clients are counted apart");
        drop(permits);
    }

    #[test]
    fn concurrency_is_counted_until_the_permit_drops() {
        let limiter = RateLimiter::new(0, 2).unwrap();
        let first = limiter.admit("a").unwrap();
        let _second = limiter.admit("a").unwrap();
        assert!(limiter.admit("a").is_err());
        drop(first);
        assert!(limiter.admit("a").is_ok());
    }

    #[test]
    fn the_start_up_line_names_the_limits_in_force() {
        let text = |per_minute, concurrent| {
            RateLimiter::new(per_minute, concurrent)
                .unwrap()
                .to_string()
        };
        assert_eq!(text(120, 4), "120 requests a minute and 4 at once");
        assert_eq!(text(500, 0), "500 requests a minute");
        assert_eq!(text(0, 2), "2 at once");
    }

    #[test]
    fn zero_turns_limits_off() {
        assert!(RateLimiter::new(0, 0).is_none());
    }
}
