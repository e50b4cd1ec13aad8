//! The built app: its files, with `index.html` for any other path so that
//! client-side routes load the app.

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::routes::Site;

pub fn service(site: &Site) -> Router {
    let index = ServeFile::new(site.dist.join("index.html"));
    Router::new().fallback_service(ServeDir::new(&site.dist).fallback(index))
}
