//! A keep-alive HTTP/1.1 client written by hand on a `TcpStream`, for tests
//! of what happens to the connection itself: every request goes on the same
//! socket, and an answer is read exactly as the bytes arrive, so a server
//! that closes without saying so is seen as what it is (a broken pipe, a
//! reset, or an end of stream where an answer should be).

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One answer as it came off the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the server announced that it closes the connection.
    pub fn announces_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.to_ascii_lowercase().contains("close"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "{}: body is not JSON: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A request to write by hand.
#[derive(Clone, Debug)]
pub struct RawRequest {
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn post(path: &str, body: impl Into<Vec<u8>>) -> Self {
        RawRequest {
            method: "POST",
            path: path.to_owned(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn get(path: &str) -> Self {
        RawRequest {
            method: "GET",
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// An execute of `x = 1` whose body is padded to about `size` bytes
    /// with a comment.
    pub fn execute(size: usize) -> Self {
        let code = format!("x = 1  # {}", "p".repeat(size.saturating_sub(30)));
        Self::post(
            "/v1/tci/execute",
            serde_json::json!({ "code": code }).to_string(),
        )
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Why an answer did not come.
#[derive(Debug, thiserror::Error)]
pub enum RawError {
    #[error("writing the request failed: {0}")]
    Write(std::io::Error),
    #[error("reading the answer failed: {0}")]
    Read(std::io::Error),
    #[error("the server closed the connection without answering")]
    Closed,
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    #[error("unreadable answer: {0}")]
    Malformed(String),
}

/// One connection, kept open across requests.
#[derive(Debug)]
pub struct KeepAliveClient {
    stream: BufReader<TcpStream>,
    host: String,
}

const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

impl KeepAliveClient {
    /// Connects to `url` (`http://host:port/…`).
    pub async fn connect(url: &str) -> Self {
        let host = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let stream = TcpStream::connect(&host).await.unwrap();
        stream.set_nodelay(true).unwrap();
        KeepAliveClient {
            stream: BufReader::new(stream),
            host,
        }
    }

    /// Writes the request head and then its body in a second write, as
    /// clients with larger bodies do, so that a server that answers from
    /// the head alone has not read the body yet when it answers.
    pub async fn send(&mut self, request: &RawRequest) -> Result<RawResponse, RawError> {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        self.write_head(request.method, &request.path, &headers, request.body.len())
            .await?;
        self.stream
            .get_mut()
            .flush()
            .await
            .map_err(RawError::Write)?;
        if !request.body.is_empty() {
            // Let the head arrive on its own, as it would over a network.
            tokio::time::sleep(Duration::from_millis(5)).await;
            let stream = self.stream.get_mut();
            stream
                .write_all(&request.body)
                .await
                .map_err(RawError::Write)?;
            stream.flush().await.map_err(RawError::Write)?;
        }
        self.answer().await
    }

    /// Announces a JSON body of `length` bytes (with `headers` besides) but
    /// sends only its first `sent` bytes, then reads the answer.
    pub async fn send_head_and_part(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        length: usize,
        sent: usize,
    ) -> Result<RawResponse, RawError> {
        let headers = [&[("Content-Type", "application/json")], headers].concat();
        self.write_head("POST", path, &headers, length).await?;
        self.stream
            .get_mut()
            .write_all(&vec![b' '; sent.min(length)])
            .await
            .map_err(RawError::Write)?;
        self.answer().await
    }

    async fn write_head(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        length: usize,
    ) -> Result<(), RawError> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {length}\r\n",
            self.host
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        self.stream
            .get_mut()
            .write_all(head.as_bytes())
            .await
            .map_err(RawError::Write)
    }

    async fn answer(&mut self) -> Result<RawResponse, RawError> {
        tokio::time::timeout(ANSWER_TIMEOUT, self.read_response())
            .await
            .map_err(|_| RawError::TimedOut(ANSWER_TIMEOUT))?
    }

    /// Whether the server has closed its side: an end of stream (or a reset)
    /// within `wait`, with no bytes before it.
    pub async fn closed_by_server(&mut self, wait: Duration) -> bool {
        let mut byte = [0u8; 1];
        match tokio::time::timeout(wait, self.stream.read(&mut byte)).await {
            Ok(Ok(0)) | Ok(Err(_)) => true,
            Ok(Ok(_)) => panic!("the server sent bytes nobody asked for"),
            Err(_) => false,
        }
    }

    async fn read_response(&mut self) -> Result<RawResponse, RawError> {
        let status_line = self.line().await?.ok_or(RawError::Closed)?;
        let status = status_line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| RawError::Malformed(status_line.clone()))?;
        let mut headers = Vec::new();
        loop {
            let line = self
                .line()
                .await?
                .ok_or_else(|| RawError::Malformed("the head was cut off".into()))?;
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| RawError::Malformed(line.clone()))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let mut response = RawResponse {
            status,
            headers,
            body: Vec::new(),
        };
        if let Some(length) = response.header("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| RawError::Malformed(format!("content-length {length}")))?;
            response.body = vec![0; length];
            self.stream
                .read_exact(&mut response.body)
                .await
                .map_err(RawError::Read)?;
        } else if response
            .header("transfer-encoding")
            .is_some_and(|value| value.contains("chunked"))
        {
            response.body = self.chunked_body().await?;
        }
        Ok(response)
    }

    async fn chunked_body(&mut self) -> Result<Vec<u8>, RawError> {
        let mut body = Vec::new();
        loop {
            let size_line = self.line().await?.ok_or(RawError::Closed)?;
            let size = usize::from_str_radix(size_line.split(';').next().unwrap().trim(), 16)
                .map_err(|_| RawError::Malformed(format!("chunk size {size_line}")))?;
            if size == 0 {
                // Trailers, then the blank line.
                while !self.line().await?.ok_or(RawError::Closed)?.is_empty() {}
                return Ok(body);
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.stream
                .read_exact(&mut body[start..])
                .await
                .map_err(RawError::Read)?;
            self.line().await?;
        }
    }

    /// One line without its CRLF; `None` at the end of the stream.
    async fn line(&mut self) -> Result<Option<String>, RawError> {
        let mut line = String::new();
        let read = self
            .stream
            .read_line(&mut line)
            .await
            .map_err(RawError::Read)?;
        if read == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
    }
}

/// Sends every request in turn and reads every answer, on one connection
/// for as long as the server keeps it: an answer that announces
/// `Connection: close` must be followed by the server closing, and the
/// next request then goes on a new connection. Anything else (a broken
/// pipe, a reset, an end of stream instead of an answer) fails the test.
pub async fn send_all(url: &str, requests: &[RawRequest]) -> Vec<RawResponse> {
    let mut client = KeepAliveClient::connect(url).await;
    let mut answers = Vec::new();
    for (index, request) in requests.iter().enumerate() {
        let answer = client.send(request).await.unwrap_or_else(|error| {
            panic!(
                "request {} of {} ({} {}), after answers {:?} on this connection: {error}",
                index + 1,
                requests.len(),
                request.method,
                request.path,
                answers
                    .iter()
                    .map(|a: &RawResponse| a.status)
                    .collect::<Vec<_>>()
            )
        });
        if answer.announces_close() {
            assert!(
                client.closed_by_server(Duration::from_secs(5)).await,
                "the server announced Connection: close after request {} but kept the connection",
                index + 1
            );
            client = KeepAliveClient::connect(url).await;
        }
        answers.push(answer);
    }
    answers
}
