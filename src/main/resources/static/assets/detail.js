// The detail panel of one session: its fields, the actions the role allows, and its event timeline (the audit).
import { api, segment } from './api.js';
import { badge, el, openDialog } from './dom.js';
import { closingTimeElement, formatDuration, formatNumber, humanize, timeElement } from './format.js';
import { clearErrorOf, errorMark, showError, showStatus } from './notices.js';
import { markSelected, rowOf, updateRow } from './sessions.js';
import { isOlderThanShown, mayControl, state } from './state.js';
import { SHOWN_AT_FIRST, renderTimeline, resetTimeline, shownEvents, showsAll } from './timeline.js';

/** The session shown, as last received. */
let current = null;
/** The session being opened, as pushed while it loads: the read may be older. */
let pushedWhileOpening = null;
/** Whether the session in the panel is being read: if not, and none is shown, its read failed. */
let opening = false;
let loadCounter = 0;
let timelineLoading = false;
let timelineAgain = false;
/** Whether the reload asked for meanwhile reads the whole stream. */
let wholeAgain = false;
/** The session whose events the timeline shows: a reload asks only for the events after them. */
let timelineOf = null;
/** While an action runs, its buttons stay disabled, also when a live update draws them again. */
let actionsBusy = false;

export function setUpDetail() {
  document.getElementById('detail-close').addEventListener('click', () => closeDetail());
  // Escape closes the panel when the focus is in it (a dialog open above it handles its own Escape).
  document.getElementById('session-detail').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !document.querySelector('dialog[open]')) {
      closeDetail();
    }
  });
  document.getElementById('detail-actions').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button && current) {
      runAction(button.dataset.action, current);
    }
  });
  setUpDeleteDialog();
}

/** Shows a session in the panel and brings the panel into view; closing it gives the focus back to its row. */
export async function openSession(sessionId) {
  state.selectedId = sessionId;
  markSelected();
  const panel = document.getElementById('session-detail');
  panel.hidden = false;
  document.getElementById('detail-title').textContent = `Session ${sessionId}`;
  const load = ++loadCounter;
  pushedWhileOpening = null;
  opening = true;
  if (current?.sessionId !== sessionId) {
    current = null;
    resetTimeline();
    document.getElementById('detail-fields').replaceChildren(el('p', { className: 'muted', text: 'Loading…' }));
    document.getElementById('detail-actions').replaceChildren();
    document.getElementById('timeline').replaceChildren();
    // The previous session's: a click on it now would read this session's whole stream before its latest events.
    document.getElementById('timeline-more').hidden = true;
    document.getElementById('timeline-count').textContent = '';
  }
  panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
  document.getElementById('detail-title').focus({ preventScroll: true });
  const mark = errorMark();
  try {
    const session = await api(`/api/sessions/${segment(sessionId)}`);
    const events = await api(`/api/sessions/${segment(sessionId)}/events?afterSequence=${readFrom(session)}`);
    if (load === loadCounter) {
      renderSession(session);
      showTimeline(sessionId, events);
      clearErrorOf(`Loading session ${sessionId}`, mark);
      if (pushedWhileOpening) {
        renderSession(pushedWhileOpening);
        reloadTimeline();
        pushedWhileOpening = null;
      }
      // Again now that the panel has its full height (near the page's end, it could not scroll up far enough).
      panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
  } catch (error) {
    if (load === loadCounter) {
      document.getElementById('detail-fields').replaceChildren(el('p', {
        className: 'muted',
        text: 'This session could not be loaded.',
      }));
      showError(error, `Loading session ${sessionId}`);
    }
  } finally {
    if (load === loadCounter) {
      opening = false;
    }
  }
}

/** Closes the panel; the focus goes back to the session's row, unless the user is working elsewhere (keepFocus). */
export function closeDetail({ keepFocus = false } = {}) {
  const closedId = state.selectedId;
  state.selectedId = null;
  current = null;
  opening = false;
  loadCounter++;
  document.getElementById('session-detail').hidden = true;
  markSelected();
  if (keepFocus) {
    return;
  }
  // The focus goes back to the session's row (looked up again: a reload of the table replaces the rows).
  const row = closedId ? rowOf(closedId) : null;
  (row?.querySelector('.row-open') || document.getElementById('sessions-heading')).focus();
}

/**
 * Reads the session in the panel and its new events again, when a live stream opens: it did not follow them before.
 * A session whose read failed is read again too.
 */
export function reloadDetail() {
  const sessionId = state.selectedId;
  if (sessionId && (current || !opening)) {
    const mark = errorMark();
    refreshSession(sessionId, () => true)
      .then(() => clearErrorOf(`Loading session ${sessionId}`, mark))
      .catch((error) => showError(error, `Loading session ${sessionId}`));
  }
}

/**
 * Sessions that changed (live stream): the one in the panel gets its new fields and its timeline again; while it is
 * being opened, it gets them once its read is shown; if its read failed, the change shows it after all.
 */
export function applySessionChangesToDetail(sessions) {
  const changed = sessions.find((session) => session.sessionId === state.selectedId);
  if (changed && opening && !current) {
    pushedWhileOpening = changed;
  } else if (changed) {
    renderSession(changed);
    reloadTimeline();
  }
}

/** Reads the session's whole stream into the timeline, when the user asks for every event. */
export async function readWholeTimeline() {
  await reloadTimeline(true);
  document.getElementById('timeline').focus();
}

/**
 * Adds the session's new events to the timeline, or reads its whole stream again (whole). During a hot live
 * changes come several times a second: a reload asked for while one runs waits for it and runs once, and each reads
 * only the events after those shown.
 */
async function reloadTimeline(whole = false) {
  if (!state.selectedId) {
    return;
  }
  if (timelineLoading) {
    timelineAgain = true;
    wholeAgain = wholeAgain || whole;
    return;
  }
  const sessionId = state.selectedId;
  const shown = timelineOf === sessionId && !whole ? shownEvents() : null;
  let after = shown && shown.length > 0 ? shown[shown.length - 1].sequence : -1;
  if (!whole && current?.sessionId === sessionId) {
    // After a gap (a laptop asleep, the stream lost) no more than the latest events are read again.
    after = Math.max(after, readFrom(current));
  }
  timelineLoading = true;
  const mark = errorMark();
  try {
    const events = await api(`/api/sessions/${segment(sessionId)}/events?afterSequence=${after}`);
    // Unless the panel changed session, or loaded the whole timeline again, meanwhile.
    if (sessionId === state.selectedId && (shown === null || shownEvents() === shown)) {
      showTimeline(sessionId, shown ? shown.concat(events) : events);
    }
    clearErrorOf(`Loading the events of ${sessionId}`, mark);
  } catch (error) {
    showError(error, `Loading the events of ${sessionId}`);
  } finally {
    timelineLoading = false;
    if (timelineAgain) {
      const again = wholeAgain;
      timelineAgain = false;
      wholeAgain = false;
      reloadTimeline(again);
    }
  }
}

/**
 * The sequence after which the timeline reads a session's events: only the latest, as far as its view knows them (the
 * stream may have more, which come too), unless every event was asked for.
 */
function readFrom(session) {
  return showsAll() ? -1 : Math.max(-1, session.lastEventSequence - SHOWN_AT_FIRST);
}

function showTimeline(sessionId, events) {
  timelineOf = sessionId;
  renderTimeline(events);
}

/** Shows a session's fields and actions, unless the panel already shows a newer view of it. */
function renderSession(session) {
  if (isOlderThanShown(session, current)) {
    return;
  }
  current = session;
  // For scripts and tests: the panel says which session it shows and in what state.
  document.getElementById('session-detail').dataset.status = session.status;
  const fields = [
    ['Session', session.sessionId],
    ['Tenant', session.tenantId],
    ['Number', formatNumber(session.number)],
    ['Status', badge(session.status)],
    ['Cleanup status', badge(session.cleanupStatus)],
    ['Created', timeElement(session.createdAt)],
    ['Last activity', timeElement(session.lastActivityAt)],
  ];
  if (session.status === 'ACTIVE') {
    fields.push(['Closes if quiet', closingTimeElement(session.expiresAt)]);
  }
  if (session.closedAt) {
    fields.push(['Closed', timeElement(session.closedAt)], ['Close reason', humanize(session.closeReason)]);
  }
  fields.push(
    ['Inactivity window', formatDuration(session.inactivityWindow)],
    ['Seller messages', formatNumber(session.sellerMessages)],
    ['Client codes', formatNumber(session.clientCodes)],
    ['Auto-cleanup', session.autoCleanup ? 'On' : 'Off'],
  );
  // Retention times only matter once they are set.
  for (const [label, value] of [['Archive due', session.archiveAt], ['Archive notice given', session.archiveNoticeAt],
    ['Archived', session.archivedAt], ['Deleted', session.deletedAt]]) {
    if (value) {
      fields.push([label, timeElement(value)]);
    }
  }
  document.getElementById('detail-fields').replaceChildren(el('dl', { className: 'fields' },
    ...fields.map(([label, value]) => el('div', { className: 'field' }, el('dt', { text: label }), el('dd', {}, value)))));
  renderActions(session);
}

/** The buttons the role and the session's status allow. */
function renderActions(session) {
  const actions = document.getElementById('detail-actions');
  const note = document.getElementById('detail-viewer-note');
  note.hidden = mayControl();
  if (!mayControl()) {
    actions.replaceChildren();
    return;
  }
  const focused = actions.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  const buttons = [];
  if (session.status === 'ACTIVE') {
    buttons.push(actionButton('deactivate', 'Deactivate now', 'button'));
  }
  if (session.status === 'ARCHIVED' || session.status === 'DELETED') {
    buttons.push(actionButton('restore', 'Restore', 'button'));
  }
  const toggle = actionButton('auto-cleanup', `Auto-cleanup: ${session.autoCleanup ? 'on' : 'off'}`, 'button switch');
  toggle.setAttribute('role', 'switch');
  toggle.setAttribute('aria-checked', String(session.autoCleanup));
  toggle.title = session.autoCleanup ? 'Turn automatic archiving off' : 'Turn automatic archiving on';
  buttons.push(toggle);
  if (session.status !== 'DELETED') {
    buttons.push(actionButton('delete', 'Delete…', 'button button-danger'));
  }
  actions.replaceChildren(...buttons);
  // Replacing the buttons must not lose the focus of a keyboard user who is on one of them.
  if (focused) {
    focusAction(focused);
  }
}

/**
 * Puts the focus back on the action's button, or on the panel's title when the session no longer offers it: on another
 * button, a second Enter would do something else (turn auto-cleanup off after a deactivate, restore after a delete).
 */
function focusAction(action) {
  const button = document.getElementById('detail-actions').querySelector(`[data-action="${action}"]`);
  (button || document.getElementById('detail-title')).focus();
}

function actionButton(action, text, className) {
  const button = el('button', { className, text, attrs: { type: 'button' }, dataset: { action } });
  button.disabled = actionsBusy;
  return button;
}

/**
 * What each action does, what to tell the user after it, and how its effect shows in the session's view (the read
 * model lags a few milliseconds behind the action, so a read right after it may not show it yet).
 */
const ACTIONS = {
  deactivate: {
    request: (id) => api(`/api/sessions/${segment(id)}/deactivate`, { method: 'POST' }),
    done: (id) => `Session ${id} is closed.`,
    same: (id) => `Session ${id} was already closed.`,
    shows: (after) => after.status !== 'ACTIVE',
  },
  restore: {
    request: (id) => api(`/api/sessions/${segment(id)}/restore`, { method: 'POST' }),
    done: (id) => `Session ${id} is restored (closed).`,
    same: (id) => `Session ${id} had nothing to restore.`,
    shows: (after) => after.status !== 'ARCHIVED' && after.status !== 'DELETED',
  },
  'auto-cleanup': {
    request: (id, session) => api(`/api/sessions/${segment(id)}/auto-cleanup`, {
      method: 'PUT',
      body: { enabled: !session.autoCleanup },
    }),
    done: (id, session) => `Auto-cleanup of ${id} is ${session.autoCleanup ? 'off' : 'on'}.`,
    same: (id) => `Auto-cleanup of ${id} was already so.`,
    shows: (after, before) => after.autoCleanup !== before.autoCleanup,
  },
  delete: {
    request: (id) => api(`/api/sessions/${segment(id)}?confirm=${encodeURIComponent(id)}`, { method: 'DELETE' }),
    done: (id) => `Session ${id} is deleted. It can be restored.`,
    same: (id) => `Session ${id} was already deleted.`,
    shows: (after) => after.status === 'DELETED',
  },
};

/** How often, and how many times, to read a session again until its view shows an action's effect. */
const CATCH_UP_EVERY_MS = 150;
const CATCH_UP_TRIES = 15;

function runAction(action, session) {
  if (action === 'delete') {
    askToDelete(session);
  } else {
    perform(action, session);
  }
}

/** Sends the action, then shows the session as it is now. */
async function perform(action, session) {
  const { request, done, same, shows } = ACTIONS[action];
  const id = session.sessionId;
  setActionsBusy(true);
  let step = `${humanize(action.replace('-', '_'))} of ${id}`;
  try {
    const answer = await request(id, session);
    const changed = answer?.changed !== false;
    showStatus(changed ? done(id, session) : same(id, session));
    // Done: a read that fails now is not the action failing, and the live stream brings the change anyway.
    step = `Reading ${id} again`;
    await refreshSession(id, changed ? (after) => shows(after, session) : () => true);
  } catch (error) {
    showError(error, step);
  } finally {
    setActionsBusy(false);
    if (state.selectedId === id) {
      focusAction(action);
    }
  }
}

function setActionsBusy(busy) {
  actionsBusy = busy;
  for (const button of document.querySelectorAll('#detail-actions button')) {
    button.disabled = busy;
  }
  document.getElementById('detail-actions').setAttribute('aria-busy', String(busy));
}

/**
 * Reads the session and its timeline again, and updates its row in the table. The read is repeated (briefly) until
 * the view is up to date; should it still lag, the live stream brings the change a moment later.
 */
async function refreshSession(id, upToDate) {
  let session = await api(`/api/sessions/${segment(id)}`);
  for (let tries = 1; !upToDate(session) && tries < CATCH_UP_TRIES; tries++) {
    await new Promise((resolve) => window.setTimeout(resolve, CATCH_UP_EVERY_MS));
    session = await api(`/api/sessions/${segment(id)}`);
  }
  updateRow(session);
  if (state.selectedId === id) {
    renderSession(session);
    await reloadTimeline();
  }
}

// Deleting asks for the session id to be typed, as the API does (?confirm=<id>).

let toDelete = null;

function setUpDeleteDialog() {
  const dialog = document.getElementById('confirm-delete');
  const input = document.getElementById('confirm-delete-input');
  const confirm = document.getElementById('confirm-delete-button');
  input.addEventListener('input', () => {
    confirm.disabled = input.value.trim() !== toDelete?.sessionId;
  });
  document.getElementById('confirm-delete-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (toDelete && input.value.trim() === toDelete.sessionId) {
      const session = toDelete;
      dialog.close();
      perform('delete', session);
    }
  });
  document.getElementById('confirm-delete-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    toDelete = null;
  });
}

function askToDelete(session) {
  toDelete = session;
  const input = document.getElementById('confirm-delete-input');
  input.value = '';
  document.getElementById('confirm-delete-button').disabled = true;
  document.getElementById('confirm-delete-id').textContent = session.sessionId;
  openDialog(document.getElementById('confirm-delete'), input);
}
