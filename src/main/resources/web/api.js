// Every call goes to the documented REST API (GET /api/openapi.json), same origin, with the token as a
// bearer header. The token lives in sessionStorage only: never in a URL, never in a cookie.

const TOKEN = 'leadline.token';
const AUTHOR = 'leadline.author';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN); },
  get author() { return sessionStorage.getItem(AUTHOR) || ''; },
  signIn(token, author) {
    sessionStorage.setItem(TOKEN, token);
    if (author) sessionStorage.setItem(AUTHOR, author); else sessionStorage.removeItem(AUTHOR);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(AUTHOR);
  },
};

/** An answer that is not 2xx: the API's {"error", "detail"} and the status. */
export class ApiError extends Error {
  constructor(status, body) {
    const detail = (body && (body.detail || body.error)) || `HTTP ${status}`;
    super(detail);
    this.status = status;
    this.error = body && body.error;
    this.body = body || {};
  }
}

let onUnauthorized = () => {};
/** Called once with a handler for 401 (the token was revoked or mistyped). */
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/**
 * fetch with the token; answers {status, data, headers} (data null for 304). A JSON body is sent as application/json.
 * Throws ApiError for an error status, and for a network failure (status 0).
 */
export async function api(path, { method = 'GET', body, headers = {}, token = session.token, signal } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, signal, cache: 'no-store' };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network', detail: 'The service cannot be reached. Check that it is running, then retry.' });
  }
  // 304: the caller sent If-None-Match with the tag it holds, and what it holds is current.
  if (response.status === 304) return { status: 304, data: null, headers: response.headers };
  const text = response.status === 204 ? '' : await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { error: 'unreadable', detail: text.slice(0, 200) }; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && token) onUnauthorized(error);
    throw error;
  }
  return { status: response.status, data, headers: response.headers };
}

/** A query string of the given parameters, skipping empty ones. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
