// The admin JSON API (SPEC §5). The browser authenticates with the HttpOnly session cookie that signIn sets;
// the admin token itself is never kept by the page.

// Cookie-authenticated writes must carry this header (docs/admin-api.md): a cross-site form cannot send it.
const CSRF_HEADER = 'x-keyrelay-csrf';
const JSON_TYPE = 'application/json';

/** An answer other than 2xx; status 0 means the request never got an answer. */
export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

let unauthorizedListener = () => {};
let staleListener = () => {};

/** Called after every read the database serves: (stale, asOf) — stale when it was answered from memory instead. */
export function onStaleRead(listener) {
  staleListener = listener;
}

// reads served by the database (the others, alerts and session, never are)
const DATABASE_READS = /^\/admin\/(ohmygpt|client-keys)\b/;

/** Called when the session is missing or expired (any 401 outside sign-in). */
export function onUnauthorized(listener) {
  unauthorizedListener = listener;
}

/**
 * reportUnauthorized: whether a 401 means the session ended. Not for sign-in and sign-out, and not for the alert
 * banner, whose fetch runs beside the page's own: the page reports an ended session, once.
 */
async function request(method, path, body, { reportUnauthorized = true } = {}) {
  const headers = { accept: JSON_TYPE };
  if (body !== undefined) headers['content-type'] = JSON_TYPE;
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, null);
  }
  const data = await readJson(response);
  if (response.status === 401 && reportUnauthorized) unauthorizedListener();
  if (!response.ok) throw new ApiError(response.status, data);
  if (method === 'GET' && DATABASE_READS.test(path)) {
    staleListener(response.headers.get('x-keyrelay-stale') === 'true', data && data.staleAsOf);
  }
  return data;
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

const id = (value) => encodeURIComponent(value);

/** ?name=value&… of the parameters that are set (not undefined, null or ''). */
function queryString(params) {
  const set = Object.entries(params || {}).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return set.length ? `?${new URLSearchParams(set.map(([name, value]) => [name, String(value)]))}` : '';
}

export const api = {
  signIn: (token) => request('POST', '/admin/sign-in', { token }, { reportUnauthorized: false }),
  signOut: () => request('POST', '/admin/sign-out', undefined, { reportUnauthorized: false }),

  /** { alerts: [{ condition, message, availableBackups, watermark, keyId, since }], availableBackups, watermark } */
  alerts: () => request('GET', '/admin/alerts', undefined, { reportUnauthorized: false }),

  /** query: { search, status, limit, offset }, each optional; a paged answer adds { total, offset, limit }. */
  keys: (query) => request('GET', `/admin/ohmygpt/keys${queryString(query)}`),
  addKey: (key) => request('POST', '/admin/ohmygpt/keys', key),
  /** entries: API-key strings or { id, apiKey }; enableFailover applies to every entry. */
  importKeys: (entries, enableFailover) =>
    request('POST', `/admin/ohmygpt/keys/import?enableFailover=${enableFailover}`, entries),
  /** { results: [{ endpoint, status, class, ms, message }], verdict, action, decidedBy } */
  testKey: (keyId) => request('POST', `/admin/ohmygpt/keys/${id(keyId)}/test`),
  /** A key typed into an add dialog, not saved: { apiKey, enableFailover }. */
  testApiKey: (key) => request('POST', '/admin/ohmygpt/test', key),
  setKeyFailover: (keyId, enableFailover) => request('PATCH', `/admin/ohmygpt/keys/${id(keyId)}`, { enableFailover }),
  resetKey: (keyId) => request('POST', `/admin/ohmygpt/keys/${id(keyId)}/reset`),
  deleteKey: (keyId) => request('DELETE', `/admin/ohmygpt/keys/${id(keyId)}`),

  /** query as for keys, status 'available' or 'used'; a paged answer adds { matching, offset, limit }. */
  backupKeys: (query) => request('GET', `/admin/ohmygpt/backup-keys${queryString(query)}`),
  testBackupKey: (keyId) => request('POST', `/admin/ohmygpt/backup-keys/${id(keyId)}/test`),
  addBackupKey: (key) => request('POST', '/admin/ohmygpt/backup-keys', key),
  /** entries: API-key strings or { id, apiKey }; enableFailover applies to every entry. */
  importBackupKeys: (entries, enableFailover) =>
    request('POST', `/admin/ohmygpt/backup-keys/import?enableFailover=${enableFailover}`, entries),
  setBackupFailover: (keyId, enableFailover) =>
    request('PATCH', `/admin/ohmygpt/backup-keys/${id(keyId)}`, { enableFailover }),
  restoreBackupKey: (keyId) => request('POST', `/admin/ohmygpt/backup-keys/${id(keyId)}/restore`),
  deleteBackupKey: (keyId) => request('DELETE', `/admin/ohmygpt/backup-keys/${id(keyId)}`),

  events: (offset, limit, keyId) => request('GET', `/admin/ohmygpt/events${queryString({ offset, limit, keyId })}`),

  /** The request log: { requests, nextCursor }; filters: clientKeyId, keyId, status, model, from, to, cursor, limit. */
  requests: (filters) => request('GET', `/admin/requests${queryString(filters)}`),
  /** Usage over time: { series: [{ name, total, points }] }; params: by, bucket, from, to, top. */
  usage: (params) => request('GET', `/admin/usage${queryString(params)}`),

  clientKeys: () => request('GET', '/admin/client-keys'),
  createClientKey: (clientKey) => request('POST', '/admin/client-keys', clientKey),
  updateClientKey: (keyId, change) => request('PATCH', `/admin/client-keys/${id(keyId)}`, change),
  deleteClientKey: (keyId) => request('DELETE', `/admin/client-keys/${id(keyId)}`),
};
