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

export async function api(method, path, body, { expect401 = false, signal } = {}) {
  const headers = { Accept: 'application/json' };
  // Every call has an end: a coordinator that stops answering shows as an error.
  const deadline = AbortSignal.timeout(TIMEOUT_MS);
  const init = {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
  };
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
    if (signal && signal.aborted) throw new ApiError(0, 'left', 'the view was left');
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
    if (response.status === 401 && !expect401 && !(signal && signal.aborted)) sessionLost(err.message);
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);

/**
 * `get` and `post` for one view: once it is left (`signal` aborted) its calls in flight
 * are cancelled and later ones (a timer it set) are never sent, so nothing it started can
 * act on the next view or the next session.
 */
export function scoped(signal) {
  const left = () => Promise.reject(new ApiError(0, 'left', 'the view was left'));
  return {
    get: (path) => (signal.aborted ? left() : api('GET', path, undefined, { signal })),
    post: (path, body, options) => (signal.aborted
      ? left()
      : api('POST', path, body === undefined ? {} : body, { ...options, signal })),
  };
}

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
