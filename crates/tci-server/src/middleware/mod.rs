//! What stands before the `/tci` API: the bearer token, which web origins
//! may call it (an Origin check, then CORS), how much one client may ask
//! for; and around every route, the path clean-up that runs before routing
//! and the keep-alive after answers given without reading the body.

pub mod auth;
pub mod origin;
pub mod paths;
pub mod rate_limit;
pub mod unread_body;

pub use rate_limit::RateLimiter;

/// The guards' settings, shared by the origin check and the rate limit.
#[derive(Debug, Default)]
pub struct ApiGuard {
    /// Origins besides the server's own; `*` allows any.
    pub allowed_origins: Vec<String>,
    pub limits: Option<RateLimiter>,
    /// Behind a reverse proxy the peer is the proxy: use the first address
    /// of X-Forwarded-For instead.
    pub trust_forwarded_for: bool,
}
