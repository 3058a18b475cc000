//! Request budgets: per API key (`X-API-Key`), else per client address.
//!
//! Budgets refill continuously (GCRA, from the `governor` crate): a budget
//! of 600 a minute allows a burst of 600, then one request every 100 ms.
//! Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` (seconds until the budget is full again); a refusal is
//! 429 with `Retry-After`. GraphQL answers repeat the numbers in
//! `extensions.rateLimit`.

use super::answer::RateInfo;
use crate::api::ApiError;
use crate::config::{ApiKey, RateLimits};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

type Direct = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    DefaultClock,
    StateInformationMiddleware,
>;
type Keyed = RateLimiter<
    IpAddr,
    governor::state::keyed::DefaultKeyedStateStore<IpAddr>,
    DefaultClock,
    StateInformationMiddleware,
>;

/// Whose budget a request is charged to: its API key, else its address.
#[derive(Debug, Clone)]
pub(super) struct Caller {
    pub key: Option<String>,
    pub addr: IpAddr,
}

/// Every budget the server keeps.
pub(super) struct Budgets {
    /// Limit and budget by key.
    keys: HashMap<String, (u32, Direct)>,
    anonymous: Option<(u32, Keyed)>,
    clock: DefaultClock,
}

impl Budgets {
    /// Budgets for `keys` and for anonymous clients.
    pub fn new(limits: &RateLimits, keys: &[ApiKey]) -> Budgets {
        let keys = keys
            .iter()
            .map(|k| {
                let n = k.per_minute.unwrap_or(limits.key_per_minute).max(1);
                let limiter = RateLimiter::direct(per_minute(n))
                    .with_middleware::<StateInformationMiddleware>();
                (k.key.clone(), (n, limiter))
            })
            .collect();
        let anonymous = (limits.anonymous_per_minute > 0).then(|| {
            let n = limits.anonymous_per_minute;
            let limiter: Keyed =
                RateLimiter::dashmap(per_minute(n)).with_middleware::<StateInformationMiddleware>();
            (n, limiter)
        });
        Budgets {
            keys,
            anonymous,
            clock: DefaultClock::default(),
        }
    }

    /// Takes one more operation from `caller`'s budget (the second and
    /// later operations of a batch, each operation over graphql-ws).
    pub fn charge(&self, caller: &Caller) -> Result<Option<RateInfo>, ApiError> {
        self.take(caller.key.as_deref(), caller.addr)
    }

    /// Takes one request from the caller's budget.
    fn take(&self, key: Option<&str>, addr: IpAddr) -> Result<Option<RateInfo>, ApiError> {
        let (limit, checked) = match key {
            Some(key) => {
                let Some((limit, limiter)) = self.keys.get(key) else {
                    return Err(ApiError::UnknownApiKey);
                };
                (*limit, limiter.check())
            }
            None => match &self.anonymous {
                None => return Ok(None),
                Some((limit, limiter)) => {
                    // Forget idle addresses now and then, so a flood from
                    // many addresses cannot grow the table without bound.
                    if limiter.len() > 100_000 {
                        limiter.retain_recent();
                    }
                    (*limit, limiter.check_key(&addr))
                }
            },
        };
        let per_request = 60.0 / f64::from(limit);
        match checked {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Ok(Some(RateInfo {
                    limit,
                    remaining,
                    reset: (f64::from(limit - remaining) * per_request).ceil() as u64,
                }))
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Err(ApiError::RateLimited {
                    limit,
                    retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
                })
            }
        }
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap())
}

/// Charges each request to its budget, refusing it when the budget is spent.
pub(super) async fn middleware(
    State(budgets): State<Arc<Budgets>>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let key = req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .map(str::to_string);
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let graphql = req.uri().path().starts_with("/graphql");
    match budgets.take(key.as_deref(), addr) {
        Ok(info) => {
            req.extensions_mut().insert(Caller { key, addr });
            if let Some(i) = info {
                req.extensions_mut().insert(i);
            }
            let mut resp = next.run(req).await;
            if let Some(i) = info {
                i.headers(resp.headers_mut());
            }
            resp
        }
        Err(e) => {
            let limit = match &e {
                ApiError::RateLimited { limit, .. } => Some(*limit),
                _ => None,
            };
            let mut resp = if graphql {
                super::answer::refusal(e, None, super::request::Media::Json)
            } else {
                super::answer::plain_refusal(&e)
            };
            if let Some(limit) = limit {
                let h = resp.headers_mut();
                h.insert("ratelimit-limit", HeaderValue::from(limit));
                h.insert("ratelimit-remaining", HeaderValue::from(0));
            }
            resp
        }
    }
}
