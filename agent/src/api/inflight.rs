//! Which connections are busy: a request counts as in flight from its head until its
//! response body is finished or dropped (a log follow stays in flight while it streams), so
//! the listener closes and evicts only connections that are truly idle.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

use super::server::ConnInfo;
use crate::limits::admission::Activity;

pub async fn track(req: Request, next: Next) -> Response {
    let Some(activity) = req
        .extensions()
        .get::<ConnInfo>()
        .and_then(|c| c.activity.clone())
    else {
        return next.run(req).await;
    };
    activity.begin();
    let guard = InFlight(activity);
    next.run(req).await.map(|inner| {
        Body::new(Tracked {
            inner,
            _guard: guard,
        })
    })
}

struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// A response body that keeps its request in flight until it is done.
struct Tracked {
    inner: Body,
    _guard: InFlight,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
