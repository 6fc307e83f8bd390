// Admin tools: a cleanup dry-run preview, and the replay of the read models with its progress.
import { api } from './api.js';
import { el, openDialog } from './dom.js';
import { formatDuration, formatNumber, humanize } from './format.js';
import { clearErrorOf, errorMark, showError, showStatus } from './notices.js';
import { state } from './state.js';

const POLL_EVERY_MS = 1000;

/** After starting a replay, how many polls may show no position yet (the processor is resetting) before giving up. */
const POLLS_WITHOUT_POSITION = 30;
/** How many reads of the progress in a row may fail (a node restarting, a network blip) before the page gives up. */
const FAILED_POLLS_AT_MOST = 30;

let pollTimer = 0;
let onReplayDone = () => {};
/** Set when this page started a replay: a small stream replays within a poll, so `replaying` may never be seen. */
let startedHere = false;
let pollsWithoutPosition = 0;
/** Whether the reset of the replay was seen (replaying, or no position); until then, the old position shows. */
let sawReset = false;
let pollsSinceStart = 0;
const POLLS_TO_SEE_RESET = 5;
/** The stream's head when this page started a replay: the replay is over once the read models are past it. */
let replayTarget = 0;
let failedPolls = 0;

/** @param {() => void} replayDone called when a replay ends, to load the rebuilt statistics and sessions */
export function setUpAdminTools(replayDone) {
  onReplayDone = replayDone;
  document.getElementById('admin-tools').hidden = false;
  document.getElementById('cleanup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    previewCleanup();
  });
  const dialog = document.getElementById('confirm-replay');
  document.getElementById('replay-start').addEventListener('click', () => {
    openDialog(dialog, document.getElementById('confirm-replay-cancel'));
  });
  document.getElementById('confirm-replay-cancel').addEventListener('click', () => dialog.close());
  document.getElementById('confirm-replay-button').addEventListener('click', () => {
    dialog.close();
    startReplay();
  });
  // A replay may already be running (started from another tab, or before a reload).
  pollProgress();
}

/** Asks the server what a cleanup run would do, without doing it (dryRun: true). */
async function previewCleanup() {
  const form = document.getElementById('cleanup-form');
  if (!form.reportValidity()) {
    return;
  }
  const button = document.getElementById('cleanup-preview');
  const result = document.getElementById('cleanup-result');
  button.disabled = true;
  result.setAttribute('aria-busy', 'true');
  result.replaceChildren(el('p', { className: 'muted', text: 'Looking for sessions to clean up…' }));
  try {
    const run = await api('/api/cleanup-runs', {
      method: 'POST',
      body: {
        tenantId: state.tenantFilter || null,
        // An empty field is left out: the run then takes the configured hours and each tenant's own archive delay,
        // as a scheduled run does.
        inactiveHours: numberIn('cleanup-inactive-hours'),
        deleteDays: numberIn('cleanup-delete-days'),
        dryRun: true,
      },
    });
    renderCleanupRun(run);
  } catch (error) {
    result.replaceChildren();
    showError(error, 'Cleanup preview');
  } finally {
    button.disabled = false;
    result.setAttribute('aria-busy', 'false');
  }
}

/** The number typed in a field, or null when it is empty. */
function numberIn(id) {
  const value = document.getElementById(id).value.trim();
  return value === '' ? null : Number(value);
}

function renderCleanupRun(run) {
  const scope = run.tenantId ? `tenant ${run.tenantId}` : 'all tenants';
  // Sessions that turned out to need nothing (UNCHANGED) or could not be checked (FAILED) are not counted.
  const todo = run.items.filter((item) => item.outcome === 'WOULD_DO' || item.outcome === 'DONE');
  const wouldClose = todo.filter((item) => item.action === 'CLOSE').length;
  const wouldArchive = todo.filter((item) => item.action === 'ARCHIVE').length;
  const unchanged = run.items.length - todo.length - run.failed;
  const summary = run.total === 0
    ? `Nothing to clean up in ${scope}.`
    : `In ${scope}, a cleanup would close ${formatNumber(wouldClose)} and archive ${formatNumber(wouldArchive)}`
      + ` of ${formatNumber(run.total)} session${run.total === 1 ? '' : 's'} found`
      + (unchanged > 0 ? `; ${formatNumber(unchanged)} need${unchanged === 1 ? 's' : ''} nothing` : '')
      + (run.failed ? `; ${formatNumber(run.failed)} could not be checked.` : '.');
  const children = [
    el('p', { className: 'dry-run-note', text: 'Dry run: nothing was changed.' }),
    el('p', { className: 'cleanup-summary', text: summary }),
    el('p', {
      className: 'muted',
      text: `Active sessions idle for ${run.inactiveHours} h would close; sessions with auto-cleanup idle for `
        + `${run.deleteDays} days${run.tenantsOwnDelays ? ' (or their tenant\'s own archive delay)' : ''} would be `
        + 'archived.',
    }),
  ];
  if (run.failure) {
    children.push(el('p', { className: 'problem', text: run.failure }));
  }
  if (run.items.length > 0) {
    children.push(el('ul', { className: 'cleanup-items' }, ...run.items.map((item) => el('li', {
      dataset: { sessionId: item.sessionId, action: item.action },
    },
    el('span', { className: 'cleanup-session', text: item.sessionId }),
    el('span', { className: `badge badge-${item.action.toLowerCase()}`, text: humanize(item.action) }),
    el('span', { className: 'muted', text: outcomeText(item.outcome) }),
    item.detail ? el('span', { className: 'cleanup-detail', text: item.detail }) : ''))));
  }
  document.getElementById('cleanup-result').replaceChildren(...children);
}

function outcomeText(outcome) {
  return { WOULD_DO: 'would be done', DONE: 'done', UNCHANGED: 'nothing to do', FAILED: 'failed' }[outcome]
    || humanize(outcome);
}

async function startReplay() {
  const button = document.getElementById('replay-start');
  button.disabled = true;
  try {
    const started = await api('/api/replays', { method: 'POST' });
    // Events keep coming while it replays: the head the progress reports moves on, this one does not.
    replayTarget = started.head;
    showStatus('Replay started: the read models are being rebuilt from the event stream.');
    startedHere = true;
    pollsWithoutPosition = 0;
    pollsSinceStart = 0;
    sawReset = false;
    pollProgress();
  } catch (error) {
    button.disabled = false;
    showError(error, 'Starting the replay');
  }
}

/** Shows the replay's progress, and asks again every second while it replays. */
async function pollProgress() {
  window.clearTimeout(pollTimer);
  let progress;
  const mark = errorMark();
  try {
    progress = await api('/api/replays/progress');
  } catch (error) {
    failedPolls += 1;
    if (failedPolls === 1) {
      showError(error, 'Replay progress');
    }
    // The replay goes on on the server: one failed read says nothing of it.
    if (failedPolls < FAILED_POLLS_AT_MOST) {
      pollTimer = window.setTimeout(pollProgress, POLL_EVERY_MS);
      return;
    }
    failedPolls = 0;
    startedHere = false;
    document.getElementById('replay-start').disabled = false;
    return;
  }
  failedPolls = 0;
  clearErrorOf('Replay progress', mark);
  renderProgress(progress);
  if (stillReplaying(progress)) {
    pollTimer = window.setTimeout(pollProgress, POLL_EVERY_MS);
  } else if (startedHere) {
    startedHere = false;
    renderProgress(progress);
    showStatus('Replay finished: the read models are up to date.');
    onReplayDone();
  }
}

/**
 * A replay goes on while the server says so, and (for one started here) until the read models are past the head the
 * stream had when it started.
 */
function stillReplaying(progress) {
  if (progress.replaying) {
    sawReset = true;
    return true;
  }
  if (!startedHere) {
    return false;
  }
  pollsSinceStart += 1;
  if (progress.position === null || progress.position === undefined) {
    sawReset = true;
    pollsWithoutPosition += 1;
    return pollsWithoutPosition < POLLS_WITHOUT_POSITION;
  }
  return progress.position < replayTarget || (!sawReset && pollsSinceStart < POLLS_TO_SEE_RESET);
}

function renderProgress(progress) {
  const bar = document.getElementById('replay-progress');
  const status = document.getElementById('replay-status');
  const head = Math.max(progress.head || 0, 0);
  const known = typeof progress.position === 'number';
  const position = known ? Math.min(Math.max(progress.position, 0), head) : 0;
  bar.max = Math.max(head, 1);
  bar.value = head === 0 ? 1 : position;
  const replaying = progress.replaying || startedHere;
  document.getElementById('replay-start').disabled = replaying;
  const parked = progress.deadLetters ? ` ${formatNumber(progress.deadLetters)} events are parked (dead letters).` : '';
  if (!known) {
    status.textContent = replaying ? 'Replay starting…' : 'The read models have no position yet.';
    return;
  }
  const where = `${formatNumber(position)} of ${formatNumber(head)} events`;
  if (replaying) {
    const rate = typeof progress.eventsPerSecond === 'number'
      ? `${formatNumber(Math.round(progress.eventsPerSecond))} events/s` : 'measuring speed';
    const eta = progress.secondsToGo > 0 ? `about ${formatDuration(progress.secondsToGo)} to go` : 'almost done';
    status.textContent = `Replaying: ${where}, ${rate}, ${eta}.${parked}`;
  } else {
    const running = progress.running === false ? ' The read models processor is not running.' : '';
    status.textContent = `The read models are at ${where}.${running}${parked}`;
  }
}
