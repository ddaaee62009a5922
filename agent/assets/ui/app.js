// The dashboard: signs in with the session cookie, then shows one view at a time, each
// fed by the public API and the live event stream. Roles shape what the page offers;
// the server checks them again on every request.

import { get, post, onSessionLost, scoped } from './api.js';
import { EventStream } from './stream.js';
import { refreshTimes } from './dom.js';
import * as login from './views/login.js';
import * as overview from './views/overview.js';
import * as nodes from './views/nodes.js';
import * as node from './views/node.js';
import * as services from './views/services.js';
import * as logs from './views/logs.js';
import * as certs from './views/certs.js';

const ROLES = ['viewer', 'operator', 'admin'];

// What a test or a measurement reads from the page: problems it met, when the overview
// first rendered (ms since navigation), and when live log lines were shown.
const probe = { problems: [], firstRender: null, logArrivals: [] };
window.p2pDashboard = probe;
document.addEventListener('securitypolicyviolation', (e) => probe.problems.push(`csp: ${e.violatedDirective} ${e.blockedURI}`));
window.addEventListener('error', (e) => probe.problems.push(`error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => probe.problems.push(`rejection: ${e.reason}`));

const ROUTES = [
  [/^$/, 'overview', overview],
  [/^nodes$/, 'nodes', nodes],
  [/^nodes\/(.+)$/, 'nodes', node],
  [/^services$/, 'services', services],
  [/^logs$/, 'logs', logs],
  [/^certs$/, 'certs', certs],
];

const main = document.getElementById('main');
const top = document.getElementById('top');
const live = document.getElementById('live');
const whoEl = document.getElementById('who');
let who = null;
let view = null;
let scope = null;

const STATUS = { connecting: 'connecting…', live: '● live', reconnecting: 'reconnecting…' };
const stream = new EventStream({
  onStatus: (s) => {
    live.textContent = STATUS[s] || s;
    live.className = `live ${s}`;
  },
  onSessionEnded: (why) => signedOut(`Your session ended (${why}). Sign in again.`),
});

function can(role) {
  return who !== null && ROLES.indexOf(who.role) >= ROLES.indexOf(role);
}

function leave() {
  stream.close();
  if (scope) scope.abort();
  scope = null;
  if (view && view.dispose) view.dispose();
  view = null;
}

function route() {
  if (!who) return;
  leave();
  const path = decodeURIComponent(window.location.hash.replace(/^#\/?/, ''));
  const found = ROUTES.map(([re, name, mod]) => [path.match(re), name, mod]).find(([m]) => m);
  for (const a of top.querySelectorAll('nav a')) {
    if (found && a.dataset.route === found[1]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  if (!found) {
    window.location.hash = '#/';
    return;
  }
  const [m, , mod] = found;
  scope = new AbortController();
  view = mod.mount(main, { who, can, stream, probe, api: scoped(scope.signal) }, ...m.slice(1));
  main.focus({ preventScroll: true });
}

function signedIn(w) {
  who = w;
  whoEl.textContent = `${w.user} (${w.role})`;
  top.hidden = false;
  route();
}

function signedOut(message) {
  leave();
  who = null;
  top.hidden = true;
  document.title = 'Sign in · p2p-core';
  main.replaceChildren();
  view = login.mount(main, { signedIn }, message);
}

onSessionLost((why) => {
  if (who) signedOut(`Your session ended (${why}). Sign in again.`);
});

document.getElementById('logout').addEventListener('click', async () => {
  leave();
  try {
    await post('/ui/logout');
    signedOut('Signed out.');
  } catch (e) {
    signedOut(`Signed out here; the server said: ${e.message}`);
  }
});

window.addEventListener('hashchange', route);
setInterval(() => refreshTimes(main), 15000);

async function start() {
  try {
    const s = await get('/ui/session');
    if (s.signed_in) signedIn(s.who);
    else signedOut(s.ended ? `Your session ended (${s.ended}). Sign in again.` : null);
  } catch (e) {
    signedOut(`The coordinator did not answer: ${e.message}`);
  }
}

start();
