//! The /tci API of the local backend, driven through the router with real
//! Python sessions. Every response is validated against the OpenAPI schema.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tci_api::timestamp;
use tci_testkit::{TestServer, kinds, text_of};

#[tokio::test]
async fn the_documented_session_reuse_example() {
    let server = TestServer::start().await;
    let (session, outputs) = server.run("x = 42", None).await;
    assert!(outputs.is_empty(), "{outputs:?}");
    assert!(
        session.starts_with("ses_") && session.len() == 25,
        "{session}"
    );
    let (same, outputs) = server
        .run("print(f\"The value of x is {x}\")", Some(&session))
        .await;
    assert_eq!(same, session);
    assert_eq!(text_of(&outputs, "stdout"), "The value of x is 42\n");
}

#[tokio::test]
async fn paths_without_v1_work_too() {
    let server = TestServer::start().await;
    let (status, body) = server
        .post_raw(
            "/tci/execute",
            json!({"code": "print(1)", "language": "python"}).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["outputs"][0]["data"], "1\n");
    let (status, _) = server
        .request(Request::get("/tci/sessions").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn streams_keep_their_order_and_adjacent_chunks_merge() {
    let server = TestServer::start().await;
    let code = "import sys, os\nprint('a'); print('b')\nprint('c', file=sys.stderr)\nos.system('echo d')\nprint('e')";
    let (_, outputs) = server.run(code, None).await;
    assert_eq!(
        kinds(&outputs),
        ["stdout", "stderr", "stdout"],
        "{outputs:?}"
    );
    assert_eq!(outputs[0]["data"], "a\nb\n");
    assert_eq!(outputs[1]["data"], "c\n");
    assert_eq!(outputs[2]["data"], "d\ne\n");
}

#[tokio::test]
async fn rich_outputs_carry_the_full_mime_bundle() {
    let server = TestServer::start().await;
    let (session, outputs) = server
        .run("import pandas as pd\npd.DataFrame({'a': [1, 2]})", None)
        .await;
    assert_eq!(kinds(&outputs), ["execute_result"]);
    assert!(
        outputs[0]["data"]["text/html"]
            .as_str()
            .unwrap()
            .contains("<table")
    );
    assert!(
        outputs[0]["data"]["text/plain"]
            .as_str()
            .unwrap()
            .contains('a')
    );

    let (_, outputs) = server
        .run(
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
            Some(&session),
        )
        .await;
    let png = outputs
        .iter()
        .find(|output| output["type"] == "display_data")
        .expect("plt.show() displays the figure");
    assert!(
        png["data"]["image/png"]
            .as_str()
            .unwrap()
            .starts_with("iVBOR")
    );

    // A figure left open at the end of a cell is shown, as in Jupyter.
    let (_, outputs) = server
        .run("plt.figure(); plt.plot([3, 1])", Some(&session))
        .await;
    assert_has_png(&outputs);

    let code = "from IPython.display import display, Markdown, Latex, JSON, SVG\n\
        display(Markdown('# Title'))\ndisplay(Latex(r'$x^2$'))\ndisplay(JSON({'k': [1, 2]}))\n\
        SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"></svg>')";
    let (_, outputs) = server.run(code, Some(&session)).await;
    assert_eq!(
        kinds(&outputs),
        [
            "display_data",
            "display_data",
            "display_data",
            "execute_result"
        ]
    );
    assert_eq!(outputs[0]["data"]["text/markdown"], "# Title");
    assert_eq!(outputs[1]["data"]["text/latex"], "$x^2$");
    assert_eq!(outputs[2]["data"]["application/json"], json!({"k": [1, 2]}));
    assert!(
        outputs[3]["data"]["image/svg+xml"]
            .as_str()
            .unwrap()
            .contains("<svg")
    );
}

/// What JupyterLab draws for a data notebook arrives as the MIME bundles it
/// would get: plotly's and Altair's charts as JSON for the app's renderers
/// (not a browser window, not HTML that loads scripts from a CDN), SymPy as
/// LaTeX, seaborn as an inline PNG.
#[tokio::test]
async fn charts_and_math_come_as_jupyter_mime_bundles() {
    let server = TestServer::start().await;
    let code = "import plotly.express as px\n\
        px.scatter(x=[1, 2, 3], y=[3, 1, 2]).show()\n\
        import altair as alt, pandas as pd\n\
        alt.Chart(pd.DataFrame({'a': [1, 2], 'b': [3, 4]})).mark_point().encode(x='a', y='b')";
    let (session, outputs) = server.run(code, None).await;
    assert_eq!(
        kinds(&outputs),
        ["display_data", "execute_result"],
        "{outputs:?}"
    );
    let plot = &outputs[0]["data"]["application/vnd.plotly.v1+json"];
    assert_eq!(plot["data"][0]["type"], "scatter", "{outputs:?}");
    let chart = &outputs[1]["data"]["application/vnd.vegalite.v5+json"];
    assert_eq!(chart["mark"]["type"], "point", "{outputs:?}");
    assert!(outputs[1]["data"].get("text/html").is_none());

    let (_, outputs) = server
        .run(
            "import sympy as sp\nx = sp.symbols('x')\nsp.Integral(sp.sqrt(1 / x), x)",
            Some(&session),
        )
        .await;
    assert_eq!(
        outputs[0]["data"]["text/latex"],
        r"$\displaystyle \int \sqrt{\frac{1}{x}}\, dx$"
    );

    let (_, outputs) = server
        .run(
            "import seaborn as sns, scipy.stats as st\n\
             sns.histplot(st.norm.rvs(size=50, random_state=1))",
            Some(&session),
        )
        .await;
    assert_has_png(&outputs);
}

/// A figure saved with its own copy of plotly.js (`include_plotlyjs=True`,
/// about 4.8 MB) fits in one execution's output under the default cap.
#[tokio::test]
async fn a_self_contained_plotly_page_fits_the_default_output_cap() {
    let server = TestServer::start().await;
    let code = "import plotly.express as px\nfrom IPython.display import HTML\n\
        HTML(px.scatter(x=[1, 2], y=[2, 1]).to_html(include_plotlyjs=True))";
    let (_, outputs) = server.run(code, None).await;
    assert_eq!(kinds(&outputs), ["execute_result"], "{:?}", kinds(&outputs));
    let html = outputs[0]["data"]["text/html"].as_str().unwrap();
    assert!(html.len() > 4_000_000 && html.trim_end().ends_with("</html>"));
}

#[tokio::test]
async fn exceptions_are_error_outputs_with_ansi_colours() {
    let server = TestServer::start().await;
    let (status, body) = server
        .execute(json!({"code": "print('before')\n1/0"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let outputs = body["data"]["outputs"].as_array().unwrap();
    assert_eq!(kinds(outputs), ["stdout", "error"]);
    let traceback = outputs[1]["data"].as_str().unwrap();
    assert!(traceback.contains("ZeroDivisionError"), "{traceback}");
    assert!(traceback.contains('\u{1b}'), "ANSI colours are kept");
}

#[tokio::test]
async fn ipython_features_work() {
    let server = TestServer::start().await;
    let (session, outputs) = server.run("!echo from-shell", None).await;
    assert!(
        text_of(&outputs, "stdout").contains("from-shell"),
        "{outputs:?}"
    );
    let (_, outputs) = server
        .run(
            "import asyncio\nawait asyncio.sleep(0)\n'awaited'",
            Some(&session),
        )
        .await;
    assert_eq!(outputs[0]["data"]["text/plain"], "'awaited'");
    let (_, outputs) = server.run("%time y = 3\ny", Some(&session)).await;
    assert!(
        text_of(&outputs, "stdout").contains("Wall time"),
        "{outputs:?}"
    );
    let (_, outputs) = server.run("input('name? ')", Some(&session)).await;
    assert!(
        text_of(&outputs, "error").contains("EOFError"),
        "input() fails at once: {outputs:?}"
    );
}

#[tokio::test]
async fn unknown_sessions_are_refused_and_nothing_runs() {
    let server = TestServer::start().await;
    let (status, body) = server
        .execute(json!({"code": "print('ran')", "session_id": "ses_doesNotExist000000000"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["data"], serde_json::Value::Null);
    assert_eq!(body["error"]["code"], "session_not_found");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist or has expired")
    );
    let sessions = server.sessions().await;
    assert_eq!(
        sessions["data"]["sessions"],
        json!([]),
        "no session was created"
    );
}

#[tokio::test]
async fn bad_requests_get_clear_4xx_errors() {
    let server = TestServer::start().await;
    let cases = [
        (
            "{not json".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "not valid JSON",
        ),
        (
            "".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "not valid JSON",
        ),
        (
            json!({"language": "python"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "missing field `code`",
        ),
        (
            json!({"code": 5}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "invalid type",
        ),
        (
            json!({"code": "1", "language": "ruby"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "unknown variant `ruby`",
        ),
        (
            json!({"code": "1", "files": [{"name": "a"}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "missing field",
        ),
        (
            json!({"code": "1", "files": [{"name": "a", "encoding": "base64", "content": "***"}]})
                .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "not valid base64",
        ),
        (
            json!({"code": "x".repeat(70_000)}).to_string(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            "larger than",
        ),
    ];
    for (body, expected, code, message) in cases {
        let (status, response) = server.post_raw("/v1/tci/execute", body.clone()).await;
        assert_eq!(status, expected, "{body:.80}: {response}");
        assert_eq!(response["error"]["code"], code, "{body:.80}: {response}");
        assert_eq!(
            response["errors"][0]["code"], code,
            "{body:.80}: {response}"
        );
        let text = response["error"]["message"].as_str().unwrap();
        assert!(
            text.contains(message),
            "{text:?} should mention {message:?}"
        );
    }
    let (status, response) = server
        .post_raw("/v1/tci/execute", b"{\"code\": \"\xff\"}".to_vec())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not UTF-8: {response}");
    assert_eq!(response["error"]["code"], "invalid_json", "{response}");
    let (status, body) = server
        .request(Request::get("/v1/tci/execute").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    let (status, _) = server
        .request(Request::get("/v1/models").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The README's error table: each situation's status and `code`, with
/// `Retry-After` on a 503 and a 429 and `WWW-Authenticate` on a 401.
#[tokio::test]
async fn every_documented_error_has_its_status_and_code() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn send(
        server: &TestServer,
        request: Request<Body>,
    ) -> (StatusCode, header::HeaderMap, serde_json::Value) {
        let response = server.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = serde_json::from_slice(&body.collect().await.unwrap().to_bytes()).unwrap();
        tci_testkit::schemas().assert_valid("ExecuteResponse", &body);
        (parts.status, parts.headers, body)
    }
    let execute = |body: String| {
        Request::post("/v1/tci/execute")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let file = |name: &str, encoding: &str, content: &str| {
        json!({"code": "1", "files": [{"name": name, "encoding": encoding, "content": content}]})
            .to_string()
    };
    let server = TestServer::with(|config| config.max_sessions = 1, None).await;
    let cases = [
        (
            "{not json".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            json!({"language": "python"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            json!({"code": 5}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            json!({"code": "1", "language": "ruby"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            file("a.bin", "base64", "***"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            file("../escape.txt", "string", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
        ),
        (
            json!({"code": "x".repeat(70_000)}).to_string(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
        ),
        (
            json!({"code": "1", "session_id": "ses_doesNotExist000000000"}).to_string(),
            StatusCode::NOT_FOUND,
            "session_not_found",
        ),
    ];
    for (body, status, code) in cases {
        let (got, _, answer) = send(&server, execute(body.clone())).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{body:.80}: {answer}"
        );
        assert_eq!(answer["errors"][0]["code"], code, "{answer}");
    }

    // The one session is running, so none can be reclaimed.
    let (session, _) = server.run("1", None).await;
    let busy = server.execute(json!({"code": "import time\ntime.sleep(2)", "session_id": session}));
    let refused = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        send(&server, execute(json!({"code": "2"}).to_string())).await
    };
    let ((busy, _), (status, headers, body)) = tokio::join!(busy, refused);
    assert_eq!(busy, StatusCode::OK);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "too_many_sessions");
    assert!(headers.contains_key(header::RETRY_AFTER), "{headers:?}");

    // What an execute arriving while the server stops gets.
    server.backend.shut_down();
    let (status, headers, body) = send(&server, execute(json!({"code": "3"}).to_string())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "shutting_down");
    assert!(headers.contains_key(header::RETRY_AFTER), "{headers:?}");

    let capped = TestServer::with(|config| config.sessions_per_client = 1, None).await;
    capped.run("1", None).await;
    let (status, headers, body) = send(&capped, execute(json!({"code": "2"}).to_string())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_sessions_for_client");
    assert!(headers.contains_key(header::RETRY_AFTER), "{headers:?}");

    let guarded = TestServer::with(|_| {}, Some("s3cret")).await;
    let (status, headers, body) = send(&guarded, execute(json!({"code": "1"}).to_string())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
}

#[tokio::test]
async fn a_token_is_required_when_configured() {
    let server = TestServer::with(|_| {}, Some("s3cret")).await;
    let request = |auth: Option<&str>| {
        let mut builder = Request::post("/v1/tci/execute");
        if let Some(auth) = auth {
            builder = builder.header(header::AUTHORIZATION, auth);
        }
        builder
            .body(Body::from(json!({"code": "1"}).to_string()))
            .unwrap()
    };
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("s3cret"),
        Some("Bearer s3cret2"),
    ] {
        let (status, body) = server.request(request(auth)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
        tci_testkit::schemas().assert_valid("ExecuteResponse", &body);
    }
    let (status, _) = server.request(request(Some("Bearer s3cret"))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn files_are_written_before_the_code_runs() {
    let server = TestServer::start().await;
    let files = json!([
        {"name": "data/numbers.csv", "encoding": "string", "content": "a,b\n1,2\n"},
        {"name": "blob.bin", "encoding": "base64", "content": "AAEC/w=="},
    ]);
    let (status, body) = server
        .execute(json!({"code": "print(open('data/numbers.csv').read().split()[1]); print(list(open('blob.bin','rb').read()))", "files": files}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        text_of(body["data"]["outputs"].as_array().unwrap(), "stdout"),
        "1,2\n[0, 1, 2, 255]\n"
    );

    for name in ["../escape.txt", "/etc/evil", "a/../../b", "nul\u{0}"] {
        let (status, body) = server
            .execute(json!({"code": "print('ran')", "files": [
                {"name": "fine.txt", "encoding": "string", "content": "x"},
                {"name": name, "encoding": "string", "content": "x"}]}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not allowed")
        );
    }
    assert!(!server.work_root.path().join("escape.txt").exists());
}

#[tokio::test]
async fn sessions_list_true_counts_and_times() {
    let server = TestServer::start().await;
    let (first, _) = server.run("a = 1", None).await;
    server.run("a += 1", Some(&first)).await;
    let (second, _) = server.run("b = 1", None).await;
    let list = server.sessions().await;
    let sessions = list["data"]["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let entry = |id: &str| sessions.iter().find(|s| s["id"] == id).unwrap().clone();
    assert_eq!(entry(&first)["execute_count"], 2);
    assert_eq!(entry(&second)["execute_count"], 1);
    let started = timestamp::parse_micros(entry(&first)["started_at"].as_str().unwrap()).unwrap();
    let last = timestamp::parse_micros(entry(&first)["last_execute_at"].as_str().unwrap()).unwrap();
    let expires = timestamp::parse_micros(entry(&first)["expires_at"].as_str().unwrap()).unwrap();
    assert!(started <= last && last < expires);
    // Idle timeout (30 min) comes before the lifetime (60 min) here.
    assert_eq!(expires - last, 30 * 60 * 1_000_000);
}

#[tokio::test]
async fn executions_in_one_session_run_in_arrival_order_and_sessions_in_parallel() {
    let server = TestServer::start().await;
    let (session, _) = server.run("import time\nspans = []", None).await;
    let codes: Vec<String> = (0..5)
        .map(|i| {
            format!(
                "t0 = time.monotonic(); time.sleep(0.05); spans.append(({i}, t0, time.monotonic()))"
            )
        })
        .collect();
    // join_all polls in order, so the requests reach the session in order.
    futures_util::future::join_all(codes.iter().map(|code| server.run(code, Some(&session)))).await;
    let check = "order = [i for i, _, _ in spans]\n\
        overlap = any(a[2] > b[1] for a, b in zip(spans, spans[1:]))\n\
        print(order, overlap)";
    let (_, outputs) = server.run(check, Some(&session)).await;
    assert_eq!(text_of(&outputs, "stdout"), "[0, 1, 2, 3, 4] False\n");

    // Session A waits for a file only session B writes: this finishes only
    // if the two run at the same time.
    let flag = server.work_root.path().join("flag");
    let wait = format!(
        "import os, time\nfor _ in range(1000):\n    if os.path.exists({flag:?}): break\n    time.sleep(0.01)\nprint(os.path.exists({flag:?}))"
    );
    let write = format!("import time; time.sleep(0.2); open({flag:?}, 'w').close()");
    let (a, b) = tokio::join!(server.run(&wait, None), server.run(&write, None));
    assert_eq!(text_of(&a.1, "stdout"), "True\n");
    assert_ne!(a.0, b.0);
}

#[tokio::test]
async fn a_client_that_stops_waiting_does_not_shift_later_answers() {
    let server = TestServer::start().await;
    let (session, _) = server.run("x = 42", None).await;
    let slow = server.execute(
        json!({"code": "import time; time.sleep(1); print('slow')", "session_id": session}),
    );
    // The client gives up: its request future is dropped mid-execution.
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(200), slow)
            .await
            .is_err()
    );
    let (_, outputs) = server.run("print(x)", Some(&session)).await;
    assert_eq!(text_of(&outputs, "stdout"), "42\n");
    let (_, outputs) = server.run("print('third')", Some(&session)).await;
    assert_eq!(text_of(&outputs, "stdout"), "third\n");
}

/// Some output of `outputs` is a PNG figure.
fn assert_has_png(outputs: &[serde_json::Value]) {
    assert!(
        outputs
            .iter()
            .any(|output| output["data"]["image/png"].is_string()),
        "{outputs:?}"
    );
}
