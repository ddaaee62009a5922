//! `GET /v1/events`: the live-event WebSocket (HTTP/1.1 upgrade, or HTTP/2 extended
//! CONNECT). The query string is the first subscription; a `subscribe` message replaces
//! it. Each socket reads the node's hub (`crate::events`) at its own pace and closes
//! itself when its credential ends (the token expires, is logged out or its session is
//! ended; the certificate is revoked), when the client stops answering pings, or when the
//! node shuts down.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use p2p_shared::Role;
use p2p_shared::events::{
    ClientMessage, Event, EventBody, EventType, Subscription, close, parse_types,
};
use p2p_shared::logs::LogLevel;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::error::ApiError;
use super::extract::{Caller, still_signed_in};
use super::server::ConnInfo;
use crate::events::filter::Matcher;
use crate::events::liveness::{Liveness, Step};
use crate::events::{MetricsWatch, now_ms};
use crate::limits::rate::{Caller as Budget, StreamSlot};

/// Longest client message (a subscription).
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;
/// A send that cannot go out for this long means the client stopped reading: close.
const SEND_STALL: Duration = Duration::from_secs(30);
/// How often a token's session is checked again (logout, ended sessions).
const RECHECK_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Default, Deserialize)]
pub(super) struct EventsQuery {
    types: Option<String>,
    node: Option<String>,
    service: Option<String>,
    level: Option<LogLevel>,
    grep: Option<String>,
}

impl EventsQuery {
    fn subscription(self) -> Result<Subscription, ApiError> {
        Ok(Subscription {
            types: parse_types(self.types.as_deref().unwrap_or(""))
                .map_err(ApiError::BadRequest)?,
            node: self.node,
            service: self.service,
            level: self.level,
            grep: self.grep,
        })
    }
}

fn matcher(sub: Subscription) -> Result<Matcher, ApiError> {
    Matcher::new(sub).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Checks the handshake: no foreign page, an operator (viewer or more) and not a node
/// certificate, a valid subscription, and a free stream slot.
pub(super) async fn events(
    State(s): State<AppState>,
    _page: super::browser::NotForeign,
    conn: Option<Extension<ConnInfo>>,
    caller: Result<Caller, ApiError>,
    query: Result<Query<EventsQuery>, QueryRejection>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    super::metrics_routes::node_cert_refused(conn.as_deref())?;
    let caller = caller?;
    caller.require(Role::Viewer)?;
    let Query(q) = query.map_err(|r| ApiError::BadRequest(r.body_text()))?;
    let matcher = matcher(q.subscription()?)?;
    let ws = ws.map_err(|r| {
        ApiError::BadRequest(format!(
            "{}: /v1/events is a WebSocket (send an Upgrade, or an extended CONNECT over HTTP/2)",
            r.body_text()
        ))
    })?;
    let slot = s
        .limits
        .streams
        .open(&Budget::User(caller.user.clone()))
        .map_err(|limited| {
            s.limits.report_refusal(&limited);
            ApiError::RateLimited(limited)
        })?;
    let peer_cert = conn.and_then(|c| c.0.peer_cert);
    Ok(ws
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| {
            let session = Session {
                s,
                caller,
                peer_cert,
                matcher,
                watch: None,
                _slot: slot,
            };
            session.run(socket)
        }))
}

struct Session {
    s: AppState,
    caller: Caller,
    peer_cert: Option<rustls_pki_types::CertificateDer<'static>>,
    matcher: Matcher,
    /// Held while subscribed to metrics (see `Hub::watch_metrics`).
    watch: Option<MetricsWatch>,
    _slot: StreamSlot,
}

/// Why a session ends.
enum End {
    /// The client went away or the socket broke: nothing to say.
    Gone,
    Close(u16, String),
}

fn ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

fn text(e: &Event) -> Message {
    Message::Text(serde_json::to_string(e).unwrap_or_default().into())
}

impl Session {
    async fn run(mut self, mut socket: WebSocket) {
        let end = self.serve(&mut socket).await;
        if let End::Close(code, mut reason) = end {
            // A close frame's reason is at most 123 bytes.
            while reason.len() > 120 {
                reason.pop();
            }
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = tokio::time::timeout(
                Duration::from_secs(2),
                socket.send(Message::Close(Some(frame))),
            )
            .await;
        }
    }

    async fn send(&self, socket: &mut WebSocket, msg: Message) -> Result<(), End> {
        match tokio::time::timeout(SEND_STALL, socket.send(msg)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => Err(End::Close(
                close::UNRESPONSIVE,
                "the client did not read for too long".into(),
            )),
        }
    }

    /// Sends the current state of `types`, then `synced`.
    async fn sync(
        &mut self,
        socket: &mut WebSocket,
        types: BTreeSet<EventType>,
    ) -> Result<(), End> {
        self.watch = match (self.matcher.wants(EventType::Metrics), self.watch.take()) {
            (true, Some(w)) => Some(w),
            (true, None) => Some(self.s.events.watch_metrics()),
            (false, _) => None,
        };
        for t in &types {
            for body in self.s.events.current(*t) {
                if self.matcher.matches(&body) {
                    let time = match &body {
                        EventBody::Metrics(m) => m.time,
                        _ => now_ms(),
                    };
                    self.send(socket, text(&Event { time, body })).await?;
                }
            }
        }
        let synced = Event {
            time: now_ms(),
            body: EventBody::Synced { types },
        };
        self.send(socket, text(&synced)).await
    }

    /// The credential still holds (checked again on a timer and when the revocation list
    /// changes).
    fn credential_ended(&self) -> Option<String> {
        if let Some(exp) = self.caller.expires_at
            && time::OffsetDateTime::now_utc().unix_timestamp() >= exp
        {
            return Some("the token expired".into());
        }
        if let Err(e) = still_signed_in(&self.s, &self.caller) {
            return Some(e.to_string());
        }
        if self
            .peer_cert
            .as_ref()
            .is_some_and(|c| self.s.pki.revoked.is_revoked_cert(c))
        {
            return Some("the client certificate was revoked".into());
        }
        None
    }

    async fn serve(&mut self, socket: &mut WebSocket) -> End {
        // Subscribe before sending the current state, so no change falls between.
        let mut events = self.s.events.listen();
        if let Err(end) = self.sync(socket, self.matcher.types().clone()).await {
            return end;
        }
        let started = Instant::now();
        let mut live = Liveness::new(0);
        let mut shutdown = self.s.shutdown.clone();
        let mut revocations = self.s.pki.revoked.subscribe();
        let mut recheck = tokio::time::interval(RECHECK_EVERY);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let wait = match live.step(ms(started)) {
                Step::Close => {
                    return End::Close(close::UNRESPONSIVE, "no answer to pings".into());
                }
                Step::Ping => {
                    if let Err(end) = self.send(socket, Message::Ping(Default::default())).await {
                        return end;
                    }
                    live.pinged(ms(started));
                    continue;
                }
                Step::Wait(d) => d,
            };
            tokio::select! {
                _ = shutdown.changed() => {
                    return End::Close(close::GOING_AWAY, "the node is shutting down".into());
                }
                _ = tokio::time::sleep(wait) => {}
                _ = recheck.tick() => {
                    if let Some(why) = self.credential_ended() {
                        return End::Close(close::CREDENTIAL_ENDED, why);
                    }
                }
                r = revocations.changed() => {
                    if r.is_ok() && let Some(why) = self.credential_ended() {
                        return End::Close(close::CREDENTIAL_ENDED, why);
                    }
                }
                msg = socket.recv() => {
                    live.heard(ms(started));
                    match msg {
                        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return End::Gone,
                        Some(Ok(Message::Text(t))) => {
                            if let Err(end) = self.resubscribe(socket, t.as_str()).await {
                                return end;
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                }
                e = events.rx.recv() => match e {
                    Ok(p) => {
                        if self.matcher.matches(&p.event.body)
                            && let Err(end) = self.send(socket, Message::Text(p.json.clone().into())).await
                        {
                            return end;
                        }
                    }
                    Err(RecvError::Lagged(dropped)) => {
                        let lagged = Event { time: now_ms(), body: EventBody::Lagged { dropped } };
                        if let Err(end) = self.send(socket, text(&lagged)).await {
                            return end;
                        }
                    }
                    Err(RecvError::Closed) => return End::Gone,
                },
            }
        }
    }

    /// A `subscribe` message: the new subscription, then the current state of the types it
    /// adds.
    async fn resubscribe(&mut self, socket: &mut WebSocket, t: &str) -> Result<(), End> {
        let bad = |e: String| End::Close(close::BAD_MESSAGE, e);
        let ClientMessage::Subscribe(sub) =
            serde_json::from_str(t).map_err(|e| bad(format!("not a subscription: {e}")))?;
        let new = Matcher::new(sub).map_err(|e| bad(e.to_string()))?;
        let added: BTreeSet<EventType> = new
            .types()
            .difference(self.matcher.types())
            .copied()
            .collect();
        self.matcher = new;
        self.sync(socket, added).await
    }
}
