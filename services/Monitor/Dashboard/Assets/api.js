// The monitoring API (docs/monitoring.md). Relative to the page (/dashboard/), so the same URLs work in the
// embedded host, on the Monitor service itself and behind the gateway.

const BASE = '../api/v1/monitoring/';
// Signing in and out (docs/dashboard.md): the only calls that are not GETs, and the only ones a key is sent with.
const SESSION = '../api/v1/session';

/** An API answer that was not 2xx; `detail` is its problem details' reason, when it has one. */
export class ApiError extends Error {
  constructor(path, status, detail) {
    super(`${path}: ${status}${detail ? ` ${detail}` : ''}`);
    this.status = status;
    this.detail = detail;
  }
}

// Problem details carry the reason in 'detail'.
async function failure(path, response) {
  let detail = '';
  try { detail = (await response.json()).detail ?? ''; } catch { /* not JSON */ }
  return new ApiError(path, response.status, detail);
}

/** GET a monitoring path (e.g. 'models') as JSON; throws ApiError on any other status than 2xx (401: not signed in). */
export async function getJson(path, signal) {
  const response = await fetch(BASE + path, { headers: { Accept: 'application/json' }, signal, cache: 'no-store' });
  if (!response.ok) throw await failure(path, response);
  return response.json();
}

/**
 * Signs this browser in with an API key: POST {"key": …} as JSON; Monitor answers with an HttpOnly, SameSite=Strict
 * cookie that lets the page's GETs read. Throws ApiError (401 a bad key, 403 a key without the read scope).
 */
export async function signIn(key) {
  const response = await fetch(SESSION, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ key }),
    cache: 'no-store',
  });
  if (!response.ok) throw await failure('session', response);
}

/** Signs this browser out: Monitor clears the cookie. */
export async function signOut() {
  const response = await fetch(SESSION, { method: 'DELETE', cache: 'no-store' });
  if (!response.ok) throw await failure('session', response);
}

/** Like getJson, but null when the endpoint answers 404 (an optional part of the API). */
export async function getOptionalJson(path, signal) {
  try {
    return await getJson(path, signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** A model version's path segment: models/{model}/versions/{version}. */
export function versionPath(selection) {
  return `models/${encodeURIComponent(selection.model)}/versions/${encodeURIComponent(selection.version)}`;
}
