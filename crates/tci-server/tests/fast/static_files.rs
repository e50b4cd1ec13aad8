//! The static side of the server: precompressed files chosen by
//! Accept-Encoding, cache headers by content hash, the SPA fallback, and the
//! security headers with a Content-Security-Policy built from `index.html`.
//! Each test serves its own temporary dist folder through `oneshot`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tci_server::app::Site;
use tci_server::site;
use tower::ServiceExt;

const LOADER: &str = "\nimport init from '/app-0123456789abcdef.js';\nawait init({ module_or_path: '/app-0123456789abcdef_bg.wasm' });\n";
const JS: &str = "export default function init() {}";
const WASM: &[u8] = b"\0asm\x01\0\0\0";
const CSS: &str = "body{margin:0}";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn index_html(loader: &str) -> String {
    format!(
        "<!doctype html>\n<html><head><title>t</title>\n<script type=\"module\">{loader}</script>\n\
         <script src=\"/external.js\"></script>\n\
         <link rel=\"stylesheet\" href=\"/main-32da0d8342fb1fe9.css\"/></head>\n<body></body></html>\n"
    )
}

/// A dist folder shaped like trunk's output after the compress hook, with
/// compressed siblings whose bytes say which file was sent.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("index.html", index_html(LOADER).as_bytes());
    write("index.html.br", b"index.html as brotli");
    write("index.html.gz", b"index.html as gzip");
    write("app-0123456789abcdef.js", JS.as_bytes());
    write("app-0123456789abcdef.js.br", b"js as brotli");
    write("app-0123456789abcdef.js.gz", b"js as gzip");
    write("app-0123456789abcdef_bg.wasm", WASM);
    write("main-32da0d8342fb1fe9.css", CSS.as_bytes());
    write("robots.txt", b"User-agent: *\n");
    dir
}

fn site(dist: &Path) -> Site {
    Site {
        frame_ancestors: "'self' https://embed.example".into(),
        ..Site::new(dist)
    }
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map(|value| value.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header"))
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

async fn send(site: &Site, method: Method, path: &str, accept_encoding: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(accepted) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, accepted);
    }
    let response = site::service(site)
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    }
}

async fn get(site: &Site, path: &str, accept_encoding: Option<&str>) -> Answer {
    send(site, Method::GET, path, accept_encoding).await
}

fn sha256_source(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The policy as directive name → its sources, checking no name repeats.
fn directives(policy: &str) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    for directive in policy.split(';') {
        let mut words = directive.split_whitespace().map(str::to_owned);
        let Some(name) = words.next() else { continue };
        assert!(
            map.insert(name.clone(), words.collect()).is_none(),
            "{name} twice in {policy}"
        );
    }
    map
}

#[tokio::test]
async fn brotli_or_gzip_is_sent_when_accepted() {
    let dist = dist();
    let site = site(dist.path());
    let path = "/app-0123456789abcdef.js";
    for (accepted, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "js as brotli"),
        (Some("br"), Some("br"), "js as brotli"),
        (Some("gzip"), Some("gzip"), "js as gzip"),
        (Some("gzip;q=1, br;q=0.5"), Some("gzip"), "js as gzip"),
        (Some("br;q=0, gzip"), Some("gzip"), "js as gzip"),
        (Some("identity"), None, JS),
        (Some("deflate"), None, JS),
        (None, None, JS),
    ] {
        let answer = get(&site, path, accepted).await;
        assert_eq!(answer.status, StatusCode::OK, "{accepted:?}");
        assert_eq!(answer.text(), body, "{accepted:?}");
        assert_eq!(
            answer
                .headers
                .get(header::CONTENT_ENCODING)
                .map(|value| value.to_str().unwrap()),
            encoding,
            "{accepted:?}"
        );
        assert_eq!(
            answer.header(header::CONTENT_LENGTH),
            body.len().to_string()
        );
        assert!(
            answer.header(header::CONTENT_TYPE).contains("javascript"),
            "the original file's type, not the compressed one's: {accepted:?}"
        );
        assert_eq!(answer.header(header::VARY), "accept-encoding");
    }
}

#[tokio::test]
async fn a_file_without_compressed_siblings_is_sent_as_is() {
    let dist = dist();
    let site = site(dist.path());
    let answer = get(&site, "/main-32da0d8342fb1fe9.css", Some("br, gzip")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), CSS);
    assert!(answer.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(answer.header(header::CONTENT_TYPE).starts_with("text/css"));
    assert_eq!(answer.header(header::VARY), "accept-encoding");
}

#[tokio::test]
async fn unknown_paths_get_index_html_precompressed_too() {
    let dist = dist();
    let site = site(dist.path());
    for path in ["/settings", "/some/client/route?x=1", "/"] {
        let answer = get(&site, path, Some("gzip, br")).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.text(), "index.html as brotli", "{path}");
        assert_eq!(answer.header(header::CONTENT_ENCODING), "br", "{path}");
        assert!(answer.header(header::CONTENT_TYPE).starts_with("text/html"));
        assert_eq!(answer.header(header::VARY), "accept-encoding");

        let answer = get(&site, path, Some("gzip")).await;
        assert_eq!(answer.text(), "index.html as gzip", "{path}");

        let answer = get(&site, path, None).await;
        assert_eq!(answer.text(), index_html(LOADER), "{path}");
        assert!(answer.headers.get(header::CONTENT_ENCODING).is_none());
    }
}

#[tokio::test]
async fn hashed_names_are_cached_for_a_year_and_the_rest_revalidated() {
    let dist = dist();
    let site = site(dist.path());
    for path in [
        "/app-0123456789abcdef.js",
        "/app-0123456789abcdef_bg.wasm",
        "/main-32da0d8342fb1fe9.css",
    ] {
        for accepted in [None, Some("br"), Some("gzip")] {
            let answer = get(&site, path, accepted).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            assert_eq!(
                answer.header(header::CACHE_CONTROL),
                IMMUTABLE,
                "{path} {accepted:?}"
            );
        }
    }
    for path in [
        "/",
        "/index.html",
        "/robots.txt",
        "/settings",
        // A hashed name a newer build removed: the fallback's index.html
        // must not be kept as if it were that file.
        "/app-fedcba9876543210.js",
    ] {
        let answer = get(&site, path, Some("br")).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header(header::CACHE_CONTROL), "no-cache", "{path}");
    }
    let fallback = get(&site, "/app-fedcba9876543210.js", None).await;
    assert_eq!(fallback.text(), index_html(LOADER));
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let dist = dist();
    let site = site(dist.path());
    let answers = [
        get(&site, "/", None).await,
        get(&site, "/index.html", Some("br")).await,
        get(&site, "/app-0123456789abcdef_bg.wasm", None).await,
        get(&site, "/settings", Some("gzip")).await,
        send(&site, Method::HEAD, "/robots.txt", None).await,
        send(&site, Method::POST, "/app-0123456789abcdef.js", None).await,
    ];
    let policy = answers[0]
        .header(header::CONTENT_SECURITY_POLICY)
        .to_owned();
    assert_eq!(answers[5].status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answers[5].header(header::CACHE_CONTROL), "no-cache");
    for answer in &answers {
        assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(answer.header(header::REFERRER_POLICY), "no-referrer");
        assert_eq!(answer.header(header::CONTENT_SECURITY_POLICY), policy);
    }
}

#[tokio::test]
async fn the_policy_allows_the_app_and_nothing_more() {
    let dist = dist();
    let site = site(dist.path());
    let answer = get(&site, "/", None).await;
    let policy = directives(answer.header(header::CONTENT_SECURITY_POLICY));
    let expected: BTreeMap<String, Vec<String>> = [
        ("default-src", vec!["'self'".to_owned()]),
        (
            "script-src",
            vec![
                "'self'".to_owned(),
                "'wasm-unsafe-eval'".to_owned(),
                sha256_source(LOADER),
            ],
        ),
        ("style-src", vec!["'self'".into(), "'unsafe-inline'".into()]),
        ("img-src", vec!["'self'".into(), "data:".into()]),
        (
            "connect-src",
            [
                "'self'",
                "https:",
                "http://127.0.0.1:*",
                "http://localhost:*",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ("frame-src", vec!["'self'".into()]),
        ("object-src", vec!["'none'".into()]),
        ("base-uri", vec!["'none'".into()]),
        ("form-action", vec!["'none'".into()]),
        (
            "frame-ancestors",
            vec!["'self'".into(), "https://embed.example".into()],
        ),
    ]
    .into_iter()
    .map(|(name, sources)| (name.to_owned(), sources))
    .collect();
    assert_eq!(policy, expected);
}

#[tokio::test]
async fn the_policy_follows_a_rebuilt_index_html() {
    let dist = dist();
    let site = site(dist.path());
    let service = site::service(&site);
    let policy_of = |service: axum::Router| async move {
        let response = service
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        policy_of(service.clone())
            .await
            .contains(&sha256_source(LOADER))
    );

    // Let the modification time move on even on a coarse clock.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let rebuilt = "\r\nimport init from '/app-00000000000000ff.js';\r\nawait init();\r\n";
    std::fs::write(dist.path().join("index.html"), index_html(rebuilt)).unwrap();
    let policy = policy_of(service.clone()).await;
    // The parser turns CRLF into LF before the browser hashes the text.
    assert!(policy.contains(&sha256_source(&rebuilt.replace("\r\n", "\n"))));
    assert!(!policy.contains(&sha256_source(LOADER)));
}

/// The output frame's document keeps its own `<meta>` policy: the server's
/// header only sandboxes it (an opaque origin however it is loaded) and says
/// who may frame it. Its renderers are readable in CORS mode from that
/// opaque origin (`Origin: null`), which KaTeX's fonts need.
#[tokio::test]
async fn the_output_frame_gets_a_sandbox_not_the_apps_policy() {
    let dist = dist();
    std::fs::create_dir_all(dist.path().join("renderers/fonts")).unwrap();
    std::fs::write(
        dist.path().join("renderers/frame.html"),
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'\">",
    )
    .unwrap();
    std::fs::write(dist.path().join("renderers/katex.js"), "katex").unwrap();
    std::fs::write(
        dist.path().join("renderers/fonts/KaTeX_Main-Regular.woff2"),
        "wOF2",
    )
    .unwrap();
    let site = site(dist.path());

    let frame = get(&site, "/renderers/frame.html", None).await;
    assert_eq!(frame.status, StatusCode::OK);
    let policy = directives(frame.header(header::CONTENT_SECURITY_POLICY));
    let expected: BTreeMap<String, Vec<String>> = [
        ("sandbox", vec!["allow-scripts"]),
        ("frame-ancestors", vec!["'self'", "https://embed.example"]),
    ]
    .into_iter()
    .map(|(name, sources)| {
        (
            name.to_owned(),
            sources.into_iter().map(String::from).collect(),
        )
    })
    .collect();
    assert_eq!(policy, expected);
    assert_eq!(frame.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert_eq!(frame.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");

    for path in [
        "/renderers/katex.js",
        "/renderers/fonts/KaTeX_Main-Regular.woff2",
    ] {
        let answer = get(&site, path, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(
            answer.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            "*",
            "{path}"
        );
    }
    // The app's own files are not shared with other origins, and a missing
    // renderer answered with the app keeps the app's policy.
    let app = get(&site, "/", None).await;
    assert!(
        !app.headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
    let missing = get(&site, "/renderers/missing.js", None).await;
    assert!(
        missing
            .header(header::CONTENT_SECURITY_POLICY)
            .contains("script-src 'self' 'wasm-unsafe-eval'")
    );
}

#[tokio::test]
async fn a_dist_without_index_html_still_gets_a_policy() {
    let dist = tempfile::tempdir().unwrap();
    let site = site(dist.path());
    let answer = get(&site, "/anything", None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let policy = directives(answer.header(header::CONTENT_SECURITY_POLICY));
    assert_eq!(
        policy["script-src"],
        ["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()]
    );
}

#[tokio::test]
async fn the_api_gets_none_of_the_static_headers() {
    let dist = dist();
    let site = site(dist.path());
    let key = tci_server::proxy::ApiKey::new("unused").unwrap();
    // Nothing listens on the discard port; no request reaches it anyway.
    let proxy = tci_server::proxy::Proxy::new("http://127.0.0.1:9/v1", key, Duration::from_secs(1))
        .unwrap();
    let state = tci_server::app::AppState::new(tci_server::app::Backend::Proxy(proxy));
    let app = tci_server::app::app(state, &site);
    for path in ["/v1/tci/no-such-endpoint", "/tci/no-such-endpoint"] {
        let mut request = Request::get(path).body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        for name in [
            header::CONTENT_SECURITY_POLICY,
            header::X_CONTENT_TYPE_OPTIONS,
            header::REFERRER_POLICY,
        ] {
            assert!(response.headers().get(&name).is_none(), "{name} on {path}");
        }
    }
}
