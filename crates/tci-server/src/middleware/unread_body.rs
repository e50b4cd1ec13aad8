//! Keep-alive after an answer given before the request's body was read.
//!
//! The guards (rate limit, token, Origin check), the body limit and the
//! 404 for an unknown path all answer without reading the body. hyper then
//! drops the rest of the body by closing the connection, and when that is
//! decided after the answer's head was written nothing tells the client: its
//! next request on the same connection meets a broken pipe. So this layer,
//! outside every route, keeps hold of a body the service dropped unread and
//! reads past the rest of it before the answer leaves, which keeps the
//! connection usable; when the rest is too large or too slow to be worth
//! reading, the answer says `Connection: close` instead, and hyper closes
//! after it.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;

/// The most of an unread body read past to keep its connection; beyond it
/// a new connection is cheaper for both sides.
const DRAIN_BYTES: u64 = 1 << 20;
/// How long the rest of a body may take to arrive.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// The layer's function, for `axum::middleware::from_fn`.
pub async fn read_past_unread_body(request: Request, next: Next) -> Response {
    let expects_continue = request
        .headers()
        .get(header::EXPECT)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let (parts, body) = request.into_parts();
    let left = Arc::new(Mutex::new(None));
    let body = Body::new(Watched {
        body: Some(body),
        read: 0,
        left: left.clone(),
    });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let unread = left
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(Unread { body, read }) = unread {
        // A client that waits for 100 Continue has not sent its body, and
        // reading it now would ask for all of it.
        let worth_reading = !expects_continue
            && declared.is_none_or(|length| length - read.min(length) <= DRAIN_BYTES);
        if !(worth_reading && read_past(body).await) {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
    }
    response
}

/// Reads and drops the rest of `body`; whether it ended within the limits.
async fn read_past(body: Body) -> bool {
    let mut stream = body.into_data_stream();
    let drained = async {
        let mut total = 0u64;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(data) => {
                    total += data.len() as u64;
                    if total > DRAIN_BYTES {
                        return false;
                    }
                }
                Err(_) => return false,
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIME, drained)
        .await
        .unwrap_or(false)
}

/// A body dropped before its end, with how many bytes had been read.
struct Unread {
    body: Body,
    read: u64,
}

/// The request's body as the service sees it: when dropped before its end,
/// it hands the rest back through `left` instead of dropping it.
struct Watched {
    body: Option<Body>,
    read: u64,
    left: Arc<Mutex<Option<Unread>>>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(body).poll_frame(context);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.read += data.len() as u64;
                }
            }
            // Ended or failed: nothing is left to read past.
            Poll::Ready(None | Some(Err(_))) => self.body = None,
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body
            .as_ref()
            .map_or_else(|| http_body::SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(body) = self.body.take()
            && !body.is_end_stream()
        {
            *self
                .left
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Unread {
                body,
                read: self.read,
            });
        }
    }
}
