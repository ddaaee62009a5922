// The live event stream (`/v1/events`): one WebSocket for the page, opened again for each
// view with that view's filters, so no event of a previous view can reach the next.
// The browser sends the session cookie on the handshake; the server checks the origin.

import { get, query } from './api.js';

const SESSION_ENDED = 1008;

export class EventStream {
  constructor({ onStatus, onSessionEnded }) {
    this.onStatus = onStatus;
    this.onSessionEnded = onSessionEnded;
    this.ws = null;
    this.handler = null;
    this.subscription = null;
    this.retry = null;
    this.backoff = 1000;
  }

  /** Follows `subscription` ({types, node, service, level, grep}); events go to `handler`. */
  open(subscription, handler) {
    this.close();
    this.subscription = subscription;
    this.handler = handler;
    this.connect();
  }

  connect() {
    const s = this.subscription;
    const q = query({ types: (s.types || []).join(','), node: s.node, service: s.service, level: s.level, grep: s.grep });
    const ws = new WebSocket(`wss://${window.location.host}/v1/events${q}`);
    this.ws = ws;
    this.onStatus('connecting');
    ws.onopen = () => {
      this.backoff = 1000;
      this.onStatus('live');
    };
    ws.onmessage = (m) => {
      let event;
      try {
        event = JSON.parse(m.data);
      } catch {
        return;
      }
      if (this.ws === ws && this.handler) this.handler(event);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (e.code === SESSION_ENDED) {
        this.onSessionEnded(e.reason || 'your session ended');
        return;
      }
      this.onStatus('reconnecting');
      this.retry = setTimeout(() => this.recover(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 15000);
    };
  }

  /** After a drop: a refused handshake says nothing of why, so ask whether the session lives. */
  async recover() {
    this.retry = null;
    if (!this.subscription) return;
    try {
      const s = await get('/ui/session');
      if (!s.signed_in) {
        this.onSessionEnded(s.ended || 'your session ended');
        return;
      }
    } catch {
      // The coordinator is away: keep trying.
    }
    if (this.subscription && !this.ws) this.connect();
  }

  close() {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.subscription = null;
    this.handler = null;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onmessage = null;
    ws.onclose = null;
    // Closing a socket still connecting aborts its handshake (and the browser complains):
    // let it open, then close it.
    if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000, 'view changed');
    else ws.close(1000, 'view changed');
  }
}
