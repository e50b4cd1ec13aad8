//! Proxy mode against an upstream that breaks off: it reads the request,
//! starts an answer and closes the connection halfway through. The browser
//! gets a 502 in Together's error shape, and its connection to the proxy
//! stays usable.

use std::time::Duration;

use tci_server::app::AppState;
use tci_testkit::raw_http::{RawRequest, send_all};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::proxy::{proxy_backend, serve};

/// Answers each connection with the next of `answers` (raw bytes), after
/// reading the request, then closes it.
async fn broken_upstream(answers: Vec<&'static [u8]>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for answer in answers {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            // The head and the small JSON body arrive together or soon after.
            while !request.windows(4).any(|window| window == b"\r\n\r\n")
                || !request.ends_with(b"}")
            {
                let read = stream.read(&mut buffer).await.unwrap();
                if read == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..read]);
            }
            stream.write_all(answer).await.unwrap();
            stream.flush().await.unwrap();
            // Closed halfway: the rest of the answer never comes.
            drop(stream);
        }
    });
    base
}

#[tokio::test]
async fn an_upstream_that_breaks_off_its_answer_is_a_502_in_togethers_shape() {
    let answers: Vec<&'static [u8]> = vec![
        // A body shorter than its Content-Length.
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"data\": {\"session_id\": \"ses_",
        // A chunked body without its last chunk.
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"data\": {\"outpu\r\n",
        // Half a head.
        b"HTTP/1.1 200 OK\r\nContent-Ty",
    ];
    let count = answers.len();
    let upstream = broken_upstream(answers).await;
    let url = serve(
        AppState::new(proxy_backend(&upstream, Duration::from_secs(10))),
        1 << 20,
    )
    .await;
    let requests = vec![RawRequest::execute(100); count];
    // All on one connection to the proxy.
    let answers = send_all(&url, &requests).await;
    for answer in answers {
        assert_eq!(answer.status, 502);
        assert!(!answer.announces_close());
        let body = answer.json();
        tci_testkit::schemas().assert_valid("ExecuteResponse", &body);
        assert_eq!(body["data"], serde_json::Value::Null);
        assert_eq!(body["error"]["type"], "server_error");
        assert_eq!(body["error"]["code"], "upstream_incomplete");
        assert_eq!(body["errors"][0]["code"], "upstream_incomplete");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("broke off"), "{message}");
    }
}
