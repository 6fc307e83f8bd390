// The live stream (Server-Sent Events): `stats` and `sessions` events pushed by the server as sessions change.
import { api, SessionExpired } from './api.js';
import { isAdmin, state } from './state.js';

/** How long to wait before opening a stream again after the browser gave up on it. */
const REOPEN_AFTER_MS = 5000;

let source = null;
let reopenTimer = 0;
let handlers = { stats: () => {}, sessions: () => {}, opened: () => {} };

/**
 * Opens the stream for what is shown (an admin's tenant filter, or the user's own tenant), closing any previous one.
 * @param {{stats: (stats: object) => void, sessions: (sessions: object[]) => void, opened: () => void}} [on] what to
 *   do with the events, and what to read again each time a stream is open: a change made before the server was
 *   following it (the page loading, a new tenant filter, a stream broken meanwhile) was never pushed
 */
export function openStream(on) {
  if (on) {
    handlers = on;
  }
  closeStream();
  const url = isAdmin() && state.tenantFilter
    ? `/api/stream?tenantId=${encodeURIComponent(state.tenantFilter)}` : '/api/stream';
  // Same origin: the browser sends the session cookie along.
  const stream = new EventSource(url);
  source = stream;
  setIndicator('connecting');
  stream.addEventListener('open', () => {
    setIndicator('live');
    handlers.opened();
  });
  stream.addEventListener('stats', (event) => receive(event, handlers.stats));
  stream.addEventListener('sessions', (event) => receive(event, handlers.sessions));
  stream.addEventListener('error', () => {
    if (stream !== source) {
      return;
    }
    if (stream.readyState === EventSource.CONNECTING) {
      setIndicator('connecting'); // The browser reconnects by itself.
      return;
    }
    // The browser gave up: the server answered something else than a stream, e.g. 401 when the login expired.
    setIndicator('offline');
    checkLoginThenReopen();
  });
}

export function closeStream() {
  window.clearTimeout(reopenTimer);
  if (source) {
    source.close();
    source = null;
  }
}

function receive(event, handle) {
  setIndicator('live');
  let data;
  try {
    data = JSON.parse(event.data);
  } catch {
    return; // Not JSON: nothing to show.
  }
  handle(data);
}

/** An EventSource cannot see the status of its failure: /api/me tells (a 401 sends the user to the login page). */
async function checkLoginThenReopen() {
  try {
    await api('/api/me');
  } catch (error) {
    if (error instanceof SessionExpired) {
      return;
    }
  }
  window.clearTimeout(reopenTimer);
  reopenTimer = window.setTimeout(() => openStream(), REOPEN_AFTER_MS);
}

/** The small "Live" indicator in the header. */
function setIndicator(mode) {
  const indicator = document.getElementById('live-indicator');
  indicator.dataset.state = mode;
  indicator.textContent = { live: 'Live', connecting: 'Connecting…', offline: 'Offline, retrying' }[mode];
  indicator.title = {
    live: 'Updates appear as they happen',
    connecting: 'Connecting to live updates',
    offline: 'Live updates are interrupted; retrying',
  }[mode];
}
