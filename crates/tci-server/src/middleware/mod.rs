//! What stands before the `/tci` API: the bearer token, which web origins
//! may call it, how much one client may ask for, and the path clean-up that
//! runs before routing.

pub mod auth;
pub mod origin;
pub mod paths;
pub mod rate_limit;

pub use origin::ApiGuard;
pub use rate_limit::RateLimiter;
