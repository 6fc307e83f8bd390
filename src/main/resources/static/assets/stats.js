// The statistics cards: loaded once, then kept up to date by the live stream's `stats` events.
import { api, segment } from './api.js';
import { el } from './dom.js';
import { formatDuration, formatNumber, formatPercent } from './format.js';
import { clearErrorOf, errorMark, showError } from './notices.js';
import { shownTenant } from './state.js';

/** The guide recommends an alert above this many cleanup candidates. */
const CANDIDATES_ALERT = 100;

/** Each card: the SessionStats field it shows, its label, how to format it and what it means. */
const CARDS = [
  { field: 'totalSessions', label: 'Sessions', format: formatNumber, hint: 'active and inactive' },
  { field: 'activeSessions', label: 'Active', format: formatNumber, hint: 'live now' },
  { field: 'inactiveSessions', label: 'Inactive', format: formatNumber, hint: 'closed' },
  { field: 'oldSessions', label: 'Old', format: formatNumber, hint: 'idle past the archive delay' },
  { field: 'cleanupCandidates', label: 'Cleanup candidates', format: formatNumber, hint: 'due for cleanup' },
  { field: 'archivedSessions', label: 'Archived', format: formatNumber },
  { field: 'deletedSessions', label: 'Deleted', format: formatNumber },
  { field: 'activityRate', label: 'Activity rate', format: formatPercent, hint: 'active / total' },
  { field: 'cleanupEfficiency', label: 'Cleanup efficiency', format: formatPercent, hint: 'candidates / total' },
  { field: 'averageHoursInactive', label: 'Avg. time inactive', format: hoursInWords, hint: 'of inactive sessions' },
  { field: 'liveMessages', label: 'Live messages', format: formatNumber, hint: 'seller messages and codes' },
  { field: 'averageSessionDuration', label: 'Avg. session duration', format: formatDuration, hint: 'open to close' },
];

let loadCounter = 0;

/** Hours as a duration in words: 0.05 h reads better as "3 min". */
function hoursInWords(hours) {
  return typeof hours === 'number' ? formatDuration(Math.round(hours * 3600)) : '—';
}

/** Builds the empty cards. */
export function setUpStats() {
  const container = document.getElementById('stats');
  container.replaceChildren(...CARDS.map(({ field, label, hint }) => el('div', {
    className: 'stat-card',
    dataset: { stat: field },
  },
  el('span', { className: 'label', text: label }),
  el('span', { className: 'value', text: '…' }),
  hint ? el('span', { className: 'hint', text: hint }) : '')));
}

/** Fetches the statistics of what is shown (a tenant, or every tenant for an admin without a filter). */
export async function loadStats() {
  const tenant = shownTenant();
  const load = ++loadCounter;
  const mark = errorMark();
  try {
    const stats = await api(tenant ? `/api/stats/${segment(tenant)}` : '/api/stats');
    if (load === loadCounter) {
      renderStats(stats);
      clearErrorOf('Loading the statistics', mark);
    }
  } catch (error) {
    if (load === loadCounter) {
      showError(error, 'Loading the statistics');
    }
  }
}

/**
 * Shows statistics the live stream pushed. A load under way is dropped: it may have read them before the change
 * this push carries, and would show them as they were; a change after the push is pushed too.
 */
export function receiveStats(stats) {
  if (stats && (stats.tenantId || null) === shownTenant()) {
    loadCounter += 1;
  }
  renderStats(stats);
}

/** Shows a SessionStats; stats of another tenant than the one shown (a late answer) are ignored. */
export function renderStats(stats) {
  if (!stats || (stats.tenantId || null) !== shownTenant()) {
    return;
  }
  for (const { field, format } of CARDS) {
    const card = document.querySelector(`#stats [data-stat="${field}"]`);
    card.querySelector('.value').textContent = format(stats[field]);
  }
  const candidates = document.querySelector('#stats [data-stat="cleanupCandidates"]');
  candidates.classList.toggle('is-alert', stats.cleanupCandidates > CANDIDATES_ALERT);
  const scope = document.getElementById('stats-scope');
  scope.textContent = stats.tenantId ? `Tenant ${stats.tenantId}` : 'All tenants';
}
