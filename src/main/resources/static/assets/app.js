// The dashboard: who is logged in, then the statistics, the sessions, the detail panel and (for admins) the admin
// tools, all kept up to date by the live stream.
import { setUpAdminTools } from './admin.js';
import { api, csrfHeaders } from './api.js';
import {
  applySessionChangesToDetail, closeDetail, openSession, readWholeTimeline, reloadDetail, setUpDetail,
} from './detail.js';
import { el } from './dom.js';
import { refreshRelativeTimes } from './format.js';
import { closeStream, openStream } from './live.js';
import { setUpNotices, showError } from './notices.js';
import { applySessionChanges, clearSessions, loadSessions, setUpSessions } from './sessions.js';
import { isAdmin, state } from './state.js';
import { loadStats, receiveStats, setUpStats } from './stats.js';
import { setUpTimeline } from './timeline.js';

/** Relative hints ("2 min ago") drift; refreshing them this often keeps them honest. */
const RELATIVE_TIMES_EVERY_MS = 15000;
/** How long the page waits for its live stream before it loads what it shows without it (a proxy holding it back). */
const LOAD_WITHOUT_STREAM_AFTER_MS = 2000;

let loadWithoutStream = 0;

async function start() {
  setUpNotices();
  setUpStats();
  setUpSessions(openSession);
  setUpDetail();
  setUpTimeline(readWholeTimeline);
  document.getElementById('logout').addEventListener('click', logOut);
  try {
    state.me = await api('/api/me');
  } catch (error) {
    showError(error, 'Finding out who is logged in');
    return;
  }
  showWhoAmI(state.me);
  setUpFilters();
  if (isAdmin()) {
    setUpAdminTools(reloadAll);
    await loadTenants();
  }
  follow({
    stats: receiveStats,
    sessions: (sessions) => {
      applySessionChanges(sessions);
      applySessionChangesToDetail(sessions);
    },
    opened: () => {
      window.clearTimeout(loadWithoutStream);
      reloadAll();
      reloadDetail();
    },
  });
  window.setInterval(() => refreshRelativeTimes(), RELATIVE_TIMES_EVERY_MS);
}

/**
 * Opens the live stream, and loads what the page shows once it is open: a change made before the stream followed it is
 * in the load, and every later one is pushed. Should the stream be slow to open, the page loads without it meanwhile.
 */
function follow(handlers) {
  window.clearTimeout(loadWithoutStream);
  loadWithoutStream = window.setTimeout(reloadAll, LOAD_WITHOUT_STREAM_AFTER_MS);
  openStream(handlers);
}

function reloadAll() {
  loadStats();
  loadSessions();
}

function showWhoAmI(me) {
  const whoami = document.getElementById('whoami');
  const name = me.name.replace(/^user:/, '');
  const role = me.role.charAt(0) + me.role.slice(1).toLowerCase();
  whoami.replaceChildren(
    el('span', { className: 'whoami-name', text: name }),
    ' ',
    el('span', { className: `role role-${me.role.toLowerCase()}`, text: me.tenantId ? `${role} · ${me.tenantId}` : role }),
  );
  document.body.dataset.role = me.role;
}

/** The filters: the tenant filter is for admins only (others always see their own tenant). */
function setUpFilters() {
  const tenantFilter = document.getElementById('filter-tenant');
  tenantFilter.hidden = !isAdmin();
  document.getElementById('filter-tenant-field').hidden = !isAdmin();
  tenantFilter.addEventListener('change', () => {
    state.tenantFilter = tenantFilter.value;
    state.page = 0;
    // The stream follows the tenant filter: a session of another tenant would no longer be kept up to date.
    if (state.selectedId && state.tenantFilter && !state.selectedId.startsWith(`${state.tenantFilter}.`)) {
      closeDetail({ keepFocus: true });
    }
    clearSessions();
    follow();
  });
  document.getElementById('filter-status').addEventListener('change', () => loadSessions({ page: 0 }));
  document.getElementById('filter-cleanup').addEventListener('change', () => loadSessions({ page: 0 }));
}

async function loadTenants() {
  try {
    const tenants = await api('/api/tenants');
    const select = document.getElementById('filter-tenant');
    const options = tenants
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((tenant) => el('option', {
        text: tenant.name && tenant.name !== tenant.id ? `${tenant.name} (${tenant.id})` : tenant.id,
        attrs: { value: tenant.id },
      }));
    select.append(...options);
  } catch (error) {
    showError(error, 'Loading the tenants');
  }
}

/**
 * Logs out (POST /logout with the CSRF token), then shows the login page. Should the log out fail, the page is still
 * logged in, and follows the sessions again.
 */
async function logOut() {
  closeStream();
  let response;
  try {
    response = await fetch('/logout', { method: 'POST', headers: csrfHeaders(), credentials: 'same-origin' });
  } catch {
    showError(new Error('The service could not be reached.'), 'Logging out');
    follow();
    return;
  }
  // The server answers with a redirect to the login page, which fetch follows.
  if (response.ok) {
    window.location.assign('/login.html?logout');
  } else {
    showError(new Error(`The service answered ${response.status}.`), 'Logging out');
    follow();
  }
}

start();
