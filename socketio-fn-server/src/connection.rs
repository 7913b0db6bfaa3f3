//! The service of one connection: marks the connection active at its first request, counts its
//! requests in flight and when it was last used, and once shutdown has started asks HTTP/1 clients to
//! close the connection after each response (`Connection: close`), so that no client sends its next
//! request on a connection the server is about to close.

use crate::silent::{Connection, Silent};
use http::{HeaderValue, Response, StatusCode, Version, header};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

/// The server's service for one connection.
#[derive(Clone)]
pub(crate) struct Tracked<S> {
    pub(crate) inner: S,
    pub(crate) connection: Arc<Connection>,
    pub(crate) silent: Arc<Silent>,
}

impl<S, B, ReqBody> hyper::service::Service<http::Request<ReqBody>> for Tracked<S>
where
    S: hyper::service::Service<http::Request<ReqBody>, Response = Response<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = InFlight<S::Future>;

    fn call(&self, request: http::Request<ReqBody>) -> Self::Future {
        self.connection.request_arrived(&self.silent);
        self.connection.in_flight.fetch_add(1, Ordering::AcqRel);
        let http1 = request.version() <= Version::HTTP_11;
        InFlight {
            inner: self.inner.call(request),
            guard: Guard {
                connection: self.connection.clone(),
            },
            http1,
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's response future: counted in flight until it completes or is dropped.
    pub(crate) struct InFlight<F> {
        #[pin]
        inner: F,
        guard: Guard,
        http1: bool,
    }
}

/// Counts a request out of flight and stamps the connection's last use (also when its future is
/// dropped, e.g. an HTTP/2 stream reset). While a request is in flight the connection is busy, so only
/// the end needs a time.
struct Guard {
    connection: Arc<Connection>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.connection.used();
        self.connection.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<F, B, E> Future for InFlight<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut output = std::task::ready!(this.inner.poll(cx));
        if *this.http1
            && this.guard.connection.stopping.load(Ordering::Relaxed)
            && let Ok(response) = &mut output
        {
            ask_to_close(response);
        }
        Poll::Ready(output)
    }
}

/// `Connection: close` on a response that does not switch protocols or set the header itself (hyper
/// then closes the connection once the response is written).
fn ask_to_close<B>(response: &mut Response<B>) {
    if response.status() != StatusCode::SWITCHING_PROTOCOLS
        && !response.headers().contains_key(header::CONNECTION)
    {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
}
