// The monitoring API (docs/monitoring.md). Relative to the page (/dashboard/), so the same URLs work in the
// embedded host, on the Monitor service itself and behind the gateway.

const BASE = '../api/v1/monitoring/';

/** An API answer that was not 2xx. */
export class ApiError extends Error {
  constructor(path, status, detail) {
    super(`${path}: ${status}${detail ? ` ${detail}` : ''}`);
    this.status = status;
  }
}

/** GET a monitoring path (e.g. 'models') as JSON; throws ApiError on any other status than 2xx. */
export async function getJson(path, signal) {
  const response = await fetch(BASE + path, { headers: { Accept: 'application/json' }, signal, cache: 'no-store' });
  if (!response.ok) {
    // Problem details carry the reason in 'detail'.
    let detail = '';
    try { detail = (await response.json()).detail ?? ''; } catch { /* not JSON */ }
    throw new ApiError(path, response.status, detail);
  }
  return response.json();
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
