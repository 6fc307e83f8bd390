// A session's events, oldest first, in words: what happened, when, and who or what caused it.
import { el } from './dom.js';
import { formatDuration, formatNumber, humanize, timeElement } from './format.js';

/** A hot live has thousands of events; the list shows the latest ones unless asked for all. */
const SHOWN_AT_FIRST = 200;

let showAll = false;
let lastEvents = [];

/** How each event type reads; unknown (newer) types fall back to their name split into words. */
const TITLES = {
  LiveSessionCreated: () => 'Session opened',
  ActivityRecorded: (payload) => (payload.source === 'CLIENT' ? `Client code ${payload.code || ''}`.trim()
    : 'Seller message'),
  LiveSessionClosed: () => 'Session closed',
  ArchiveScheduled: () => 'Archive scheduled',
  ArchiveNoticeIssued: () => 'Archive notice given',
  ArchiveNoticeWithdrawn: () => 'Archive notice withdrawn: the archive will not happen',
  ArchiveCancelled: () => 'Archive cancelled: automatic archiving is off',
  SessionArchived: () => 'Session archived',
  SessionDeleted: () => 'Session deleted',
  SessionRestored: () => 'Session restored',
  AutoCleanupChanged: (payload) => `Auto-cleanup turned ${payload.enabled ? 'on' : 'off'}`,
};

function titleOf(event) {
  const payload = event.payload || {};
  const title = TITLES[event.type];
  return title ? title(payload) : event.type.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** The payload fields worth reading, in words. */
function detailsOf(event) {
  const payload = event.payload || {};
  const details = [];
  const add = (label, value) => details.push([label, value]);
  if (payload.source) add('Source', humanize(payload.source));
  if (payload.code) add('Code', payload.code);
  if (payload.messageId) add('Message', payload.messageId);
  if (payload.reason) add('Reason', humanize(payload.reason));
  if (payload.trigger) add('By', humanize(payload.trigger));
  if (payload.inactivityWindow) add('Inactivity window', formatDuration(payload.inactivityWindow));
  if (payload.maxLifespan) add('Max lifespan', formatDuration(payload.maxLifespan));
  if (typeof payload.autoCleanup === 'boolean') add('Auto-cleanup', payload.autoCleanup ? 'On' : 'Off');
  if (payload.closedAt) add('Closed at', timeElement(payload.closedAt));
  if (payload.archiveAt) add('Archive at', timeElement(payload.archiveAt));
  if (payload.archivedAt) add('Archived at', timeElement(payload.archivedAt));
  if (payload.deletedAt) add('Deleted at', timeElement(payload.deletedAt));
  if (payload.restoredAt) add('Restored at', timeElement(payload.restoredAt));
  return details;
}

/** Who or what caused the event: the person or token that acted, the session's own deadline, or a message. */
function causeOf(event) {
  const metadata = event.metadata || {};
  if (metadata.actor) {
    return metadata.actor === 'system' ? 'the session\'s own deadline (system)' : metadata.actor;
  }
  if (metadata.providerMessageId) {
    return `message ${metadata.providerMessageId}`;
  }
  return null;
}

function eventItem(event) {
  const cause = causeOf(event);
  const metadata = event.metadata || {};
  const item = el('li', { className: 'event', dataset: { type: event.type } },
    el('div', { className: 'event-head' },
      el('span', { className: 'event-title', text: titleOf(event) }),
      // Events are stored with the time they happened; the payload's own times are shown in the details.
      timeElement(event.timestamp)));
  const details = detailsOf(event);
  if (details.length > 0) {
    item.append(el('dl', { className: 'event-details' }, ...details.flatMap(([label, value]) => [
      el('dt', { text: label }), el('dd', {}, value)])));
  }
  if (cause) {
    const by = el('p', { className: 'event-cause' }, 'Caused by ', el('strong', { text: cause }));
    if (metadata.correlationId) {
      by.title = `Correlation id ${metadata.correlationId}`;
    }
    item.append(by);
  }
  return item;
}

/** The events the timeline holds (all of them, also those left out of the list). */
export function shownEvents() {
  return lastEvents;
}

/** Renders the events into the ordered list #timeline. */
export function renderTimeline(events) {
  lastEvents = events || [];
  const list = document.getElementById('timeline');
  const shown = showAll ? lastEvents : lastEvents.slice(-SHOWN_AT_FIRST);
  const first = lastEvents.length - shown.length;
  // The list keeps the event's place in the stream even when the oldest are left out.
  list.start = first + 1;
  list.replaceChildren(...shown.map(eventItem));
  const more = document.getElementById('timeline-more');
  more.hidden = first === 0;
  document.getElementById('timeline-count').textContent = lastEvents.length === 0 ? 'No events'
    : `${formatNumber(lastEvents.length)} event${lastEvents.length === 1 ? '' : 's'}`
      + (first > 0 ? `, the latest ${formatNumber(shown.length)} shown` : '');
}

export function setUpTimeline() {
  document.getElementById('timeline-more').addEventListener('click', () => {
    showAll = true;
    renderTimeline(lastEvents);
    document.getElementById('timeline').focus();
  });
}

/** A new session starts with the latest events again. */
export function resetTimeline() {
  showAll = false;
}
