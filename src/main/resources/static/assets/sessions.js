// The sessions table: filters, paging, and live updates of its rows.
import { api } from './api.js';
import { badge, el } from './dom.js';
import { closingTimeElement, formatNumber, timeElement } from './format.js';
import { clearErrorOf, errorMark, showError } from './notices.js';
import { PAGE_SIZE, isAdmin, isOlderThanShown, shownTenant, state } from './state.js';

/** The sessions on screen, by id, as last received. */
const shown = new Map();
let loadCounter = 0;
/** Sessions pushed since the page being loaded was asked for: the page may have been read before their change. */
let pushedDuringLoad = null;
let onOpen = () => {};

/**
 * Wires the table.
 * @param {(sessionId: string) => void} openSession called when a row is chosen
 */
export function setUpSessions(openSession) {
  onOpen = openSession;
  const body = document.querySelector('#sessions tbody');
  // A click anywhere on a row opens it; the first cell's button makes it reachable by keyboard (Enter or Space).
  body.addEventListener('click', (event) => {
    const row = event.target.closest('tr[data-session-id]');
    if (row) {
      onOpen(row.dataset.sessionId);
    }
  });
  document.getElementById('page-previous').addEventListener('click', () => goToPage(state.page - 1));
  document.getElementById('page-next').addEventListener('click', () => goToPage(state.page + 1));
}

function goToPage(page) {
  loadSessions({ page: Math.max(0, page) });
}

/**
 * Loads a page of sessions under the status and cleanup filters chosen in their fields; the page shown, and the
 * filters the page is shown under, change once it is read (until then, pushed sessions go by the rows on screen). A
 * page past the last one (its sessions went since it was chosen) gives way to the last one. A page that fails to load
 * leaves the rows as they were, and puts the fields back to the filters they were read under.
 * @param {{catchingUp?: boolean, page?: number}} [options] catchingUp: this read follows one that crossed pushed
 *   changes; page: the page to show, the current one by default
 */
export async function loadSessions({ catchingUp = false, page = state.page } = {}) {
  const load = ++loadCounter;
  pushedDuringLoad = new Map();
  const filters = chosenFilters();
  const params = new URLSearchParams({ page: String(page), size: String(PAGE_SIZE) });
  if (isAdmin() && state.tenantFilter) {
    params.set('tenantId', state.tenantFilter);
  }
  if (filters.statusFilter) {
    params.set('status', filters.statusFilter);
  }
  if (filters.cleanupFilter) {
    params.set('cleanupStatus', filters.cleanupFilter);
  }
  const table = document.getElementById('sessions');
  table.setAttribute('aria-busy', 'true');
  const mark = errorMark();
  try {
    const result = await api(`/api/sessions?${params}`);
    if (load !== loadCounter) {
      return; // A newer request (the filters changed meanwhile) will show its own answer.
    }
    const lastPage = Math.max(0, Math.ceil(result.totalElements / PAGE_SIZE) - 1);
    if (result.sessions.length === 0 && page > lastPage) {
      loadSessions({ catchingUp, page: lastPage });
      return;
    }
    state.page = page;
    Object.assign(state, filters);
    state.totalElements = result.totalElements;
    renderRows(result.sessions);
    clearErrorOf('Loading the sessions', mark);
    const pushed = [...pushedDuringLoad.values()];
    pushedDuringLoad = null;
    applyPushedDuringLoad(pushed, catchingUp);
  } catch (error) {
    if (load === loadCounter) {
      pushedDuringLoad = null;
      document.getElementById('sessions-loading').hidden = true;
      showShownFilters();
      showError(error, 'Loading the sessions');
    }
  } finally {
    if (load === loadCounter) {
      table.setAttribute('aria-busy', 'false');
    }
  }
}

/**
 * Applies again, over a page just loaded, the sessions pushed while it loaded: a row of the page keeps the newer view.
 * A pushed session the page does not show either left the filters after its push or came after the page was read:
 * only a new read tells which, so the page is read once more if such a session would be on it. Sessions pushed while
 * that second read loaded, and missing from it too, go in as pushes do: reading again each time a push crossed the
 * read could go on for as long as sessions keep changing.
 */
function applyPushedDuringLoad(pushed, catchingUp) {
  const missing = pushed.filter((session) => !shown.has(session.sessionId) && placeOf(session) !== undefined);
  applySessionChanges(pushed.filter((session) => shown.has(session.sessionId)));
  if (missing.length === 0) {
    return;
  }
  if (catchingUp) {
    applySessionChanges(missing);
  } else {
    loadSessions({ catchingUp: true });
  }
}

/** The status and cleanup filters chosen in their fields. */
function chosenFilters() {
  return {
    statusFilter: document.getElementById('filter-status').value,
    cleanupFilter: document.getElementById('filter-cleanup').value,
  };
}

/** Puts the status and cleanup fields back to the filters of the rows on screen. */
function showShownFilters() {
  document.getElementById('filter-status').value = state.statusFilter;
  document.getElementById('filter-cleanup').value = state.cleanupFilter;
}

/** Drops the rows shown and any page still on its way: other sessions are about to be shown. */
export function clearSessions() {
  loadCounter++;
  pushedDuringLoad = null;
  shown.clear();
  document.querySelector('#sessions tbody').replaceChildren();
  document.getElementById('sessions-loading').hidden = false;
  document.getElementById('sessions-empty').hidden = true;
}

function renderRows(sessions) {
  shown.clear();
  const body = document.querySelector('#sessions tbody');
  body.replaceChildren(...sessions.map((session) => {
    shown.set(session.sessionId, session);
    return buildRow(session);
  }));
  document.getElementById('sessions-loading').hidden = true;
  markSelected();
  updatePaging();
}

/** One table row; each cell has a data-label, shown before it when the table is laid out as cards (phones). */
function buildRow(session) {
  const row = el('tr', { dataset: { sessionId: session.sessionId, status: session.status } });
  fillRow(row, session);
  return row;
}

function fillRow(row, session) {
  row.dataset.status = session.status;
  const closing = session.status === 'ACTIVE' ? closingTimeElement(session.expiresAt) : timeElement(session.closedAt);
  const cells = [
    ['Session', null],
    ['Tenant', session.tenantId],
    ['Status', badge(session.status)],
    ['Cleanup', badge(session.cleanupStatus)],
    ['Created', timeElement(session.createdAt)],
    ['Last activity', timeElement(session.lastActivityAt)],
    [session.status === 'ACTIVE' ? 'Closes' : 'Closed', closing],
    ['Seller messages', formatNumber(session.sellerMessages)],
    ['Client codes', formatNumber(session.clientCodes)],
    ['Auto-cleanup', session.autoCleanup ? 'On' : 'Off'],
  ];
  if (row.cells.length === 0) {
    row.append(openCell(session.sessionId), ...cells.slice(1).map(([label]) => el('td', {
      className: /messages|codes/i.test(label) ? 'numeric' : '',
    })));
  }
  // The first cell (with its button, which may have the focus) stays; the others get their new content.
  cells.forEach(([label, content], index) => {
    row.cells[index].dataset.label = label;
    if (index > 0) {
      row.cells[index].replaceChildren(content);
    }
  });
}

/** The first cell: a button, so that a keyboard user can open the session. */
function openCell(sessionId) {
  const open = el('button', {
    className: 'row-open',
    text: sessionId,
    attrs: { type: 'button', 'aria-label': `Open session ${sessionId}`, 'aria-controls': 'session-detail' },
  });
  return el('th', { attrs: { scope: 'row' } }, open);
}

function updatePaging() {
  const pages = Math.max(1, Math.ceil(state.totalElements / PAGE_SIZE));
  const count = state.totalElements === 1 ? '1 session' : `${formatNumber(state.totalElements)} sessions`;
  document.getElementById('page-info').textContent = `Page ${state.page + 1} of ${pages} · ${count}`;
  document.getElementById('page-previous').disabled = state.page === 0;
  document.getElementById('page-next').disabled = (state.page + 1) * PAGE_SIZE >= state.totalElements;
  document.getElementById('sessions-empty').hidden = shown.size > 0;
}

/** Highlights the row of the session in the detail panel. */
export function markSelected() {
  for (const row of document.querySelectorAll('#sessions tbody tr')) {
    const selected = row.dataset.sessionId === state.selectedId;
    row.classList.toggle('is-selected', selected);
    row.querySelector('.row-open')?.setAttribute('aria-expanded', String(selected));
  }
}

/** Whether a session belongs in the table under the current filters. */
function matchesFilters(session) {
  const tenant = shownTenant();
  if (tenant && session.tenantId !== tenant) {
    return false;
  }
  if (state.cleanupFilter) {
    // As the server filters: a cleanup status covers every status, unless a status is chosen too.
    return session.cleanupStatus === state.cleanupFilter
      && (!state.statusFilter || session.status === state.statusFilter);
  }
  return state.statusFilter
    ? session.status === state.statusFilter
    : session.status === 'ACTIVE' || session.status === 'CLOSED';
}

/** Newest first, as the server sorts them: by creation time, then id. */
function comesBefore(a, b) {
  if (a.createdAt !== b.createdAt) {
    return new Date(a.createdAt) > new Date(b.createdAt);
  }
  return a.sessionId < b.sessionId;
}

/**
 * Applies sessions that changed (from the live stream): rows on screen are updated in place, unless they already show
 * a newer view; on the first page, a matching session that is not shown yet takes its place in the order, and the
 * table keeps at most a page of rows. While a page loads, they are also kept to be applied again over it.
 */
export function applySessionChanges(sessions) {
  const body = document.querySelector('#sessions tbody');
  for (const session of sessions) {
    pushedDuringLoad?.set(session.sessionId, session);
    if (rowOf(session.sessionId)) {
      updateRow(session);
    } else {
      const before = placeOf(session);
      if (before !== undefined) {
        insertRow(body, session, before);
      }
    }
  }
  markSelected();
  updatePaging();
}

/**
 * Where a session not shown yet goes: before the row returned, or at the end (null). Undefined when it is not on the
 * page: outside the filters, on a later page, or the page is not the first (new sessions only appear there).
 */
function placeOf(session) {
  if (state.page !== 0 || !matchesFilters(session)) {
    return undefined;
  }
  const rows = [...document.querySelectorAll('#sessions tbody tr[data-session-id]')];
  const before = rows.find((row) => comesBefore(session, shown.get(row.dataset.sessionId)));
  return before || (rows.length < PAGE_SIZE ? null : undefined);
}

function insertRow(body, session, before) {
  shown.set(session.sessionId, session);
  const row = buildRow(session);
  row.classList.add('is-new');
  body.insertBefore(row, before || null);
  state.totalElements += 1;
  while (body.rows.length > PAGE_SIZE) {
    const last = body.rows[body.rows.length - 1];
    shown.delete(last.dataset.sessionId);
    last.remove();
  }
}

/** Updates one session's row, if it is on screen and not newer already (a push, or after an action on it). */
export function updateRow(session) {
  const row = rowOf(session.sessionId);
  if (row && !isOlderThanShown(session, shown.get(session.sessionId))) {
    shown.set(session.sessionId, session);
    fillRow(row, session);
    // A row that no longer matches the filters stays until the next load, dimmed, so nothing jumps away.
    row.classList.toggle('is-outside-filters', !matchesFilters(session));
  }
}

/** The row of a session, if it is on screen. */
export function rowOf(sessionId) {
  return document.querySelector(`#sessions tbody tr[data-session-id="${CSS.escape(sessionId)}"]`);
}
