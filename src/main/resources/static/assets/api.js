// Calls to the service's API: same-origin, with the session cookie, and the CSRF token on every change.
// Errors come back as RFC 9457 problems; they are thrown as ApiError so that callers can show their detail.

/** An answer other than 2xx, with the problem's title and detail. */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail || title;
  }
}

/** Thrown when the login session is over; the page is already on its way to the login page. */
export class SessionExpired extends ApiError {
  constructor() {
    super(401, 'Session expired', 'Your session has expired. Please log in again.');
  }
}

/** The value of a cookie, or '' when there is none. */
export function readCookie(name) {
  const prefix = `${name}=`;
  const cookie = document.cookie.split(';').map((part) => part.trim()).find((part) => part.startsWith(prefix));
  return cookie ? decodeURIComponent(cookie.slice(prefix.length)) : '';
}

/** Spring Security reads the token of the XSRF-TOKEN cookie back from this header on every change. */
export function csrfHeaders() {
  return { 'X-XSRF-TOKEN': readCookie('XSRF-TOKEN') };
}

let leaving = false;

/** The login session is over: the login page lets the user start another. */
export function goToLogin() {
  if (!leaving) {
    leaving = true;
    window.location.assign('/login.html');
  }
}

/**
 * Calls the API and answers the JSON body (or null when there is none).
 * @param {string} path e.g. '/api/sessions?page=0'
 * @param {{method?: string, body?: unknown}} options a body is sent as JSON
 */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (method !== 'GET') {
    Object.assign(headers, csrfHeaders());
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Network error', 'The service could not be reached. Check the connection and try again.');
  }
  if (response.status === 401) {
    goToLogin();
    throw new SessionExpired();
  }
  if (!response.ok) {
    throw await problemOf(response);
  }
  const type = response.headers.get('Content-Type') || '';
  return response.status !== 204 && type.includes('json') ? response.json() : null;
}

/** Reads the RFC 9457 problem of a failed answer; anything else becomes a problem too. */
async function problemOf(response) {
  const fallback = `The service answered ${response.status} ${response.statusText}`.trim();
  try {
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      const problem = await response.json();
      return new ApiError(response.status, problem.title || fallback, problem.detail || problem.title || fallback);
    }
  } catch {
    // An unreadable body: the status says enough.
  }
  return new ApiError(response.status, fallback, fallback);
}

/** Encodes a session or tenant id for use in a path. */
export function segment(id) {
  return encodeURIComponent(id);
}
