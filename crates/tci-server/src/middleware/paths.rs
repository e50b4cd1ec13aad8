//! Request paths as Together's own server reads them, before routing.

use axum::extract::Request;

/// `/v1//tci/execute` (what Together's 1.x SDK sends for a base URL with a
/// trailing slash) is `/v1/tci/execute`, as Together's own server treats it.
pub fn collapse_slashes(mut request: Request) -> Request {
    let uri = request.uri();
    if uri.path().contains("//") {
        let mut path: String = uri
            .path()
            .split('/')
            .filter(|part| !part.is_empty())
            .flat_map(|part| ["/", part])
            .collect();
        if path.is_empty() {
            path.push('/');
        }
        if let Some(query) = uri.query() {
            path.push('?');
            path.push_str(query);
        }
        if let Ok(rewritten) = path.parse() {
            *request.uri_mut() = rewritten;
        }
    }
    request
}
