// The public API, as the signed-in browser calls it: the session cookie goes by itself,
// and every change carries the header another site's page cannot add.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TIMEOUT_MS = 20000;

let sessionLost = () => {};

/** What to do when the server says the session is over (401). */
export function onSessionLost(fn) {
  sessionLost = fn;
}

export async function api(method, path, body, { expect401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  // Every call has an end: a coordinator that stops answering shows as an error.
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (method !== 'GET') {
    headers['X-P2P-CSRF'] = '1';
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', `the coordinator did not answer (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = data && data.error ? data.error : {};
    const err = new ApiError(response.status, detail.code || 'error', detail.message || response.statusText);
    if (response.status === 401 && !expect401) sessionLost(err.message);
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);

/** `?a=1&b=2` of the parameters that are set. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const enc = encodeURIComponent;
