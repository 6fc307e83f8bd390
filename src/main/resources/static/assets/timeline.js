// A session's events, oldest first, in words: what happened, when, and who or what caused it.
import { el } from './dom.js';
import { formatDuration, formatNumber, humanize, timeElement } from './format.js';

/**
 * A hot live has hundreds of thousands of events: the panel reads and keeps the latest ones only, and the whole stream
 * when asked for it.
 */
export const SHOWN_AT_FIRST = 200;

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

/** The events the timeline holds: the latest ones, or the whole stream once asked for. */
export function shownEvents() {
  return lastEvents;
}

/** Whether the timeline was asked for the whole stream. */
export function showsAll() {
  return showAll;
}

/**
 * Renders the events, the latest of the session's stream or all of it, into the ordered list #timeline. Unless all
 * were asked for, only the latest are kept: the pushes of a hot live would otherwise pile them up.
 */
export function renderTimeline(events) {
  const before = lastEvents;
  lastEvents = showAll ? (events || []) : (events || []).slice(-SHOWN_AT_FIRST);
  const list = document.getElementById('timeline');
  // Sequence numbers count a session's events from 0: the first one shown says how many are left out.
  const first = lastEvents.length === 0 ? 0 : lastEvents[0].sequence;
  const total = lastEvents.length === 0 ? 0 : lastEvents[lastEvents.length - 1].sequence + 1;
  // The list keeps the event's place in the stream even when the oldest are left out.
  list.start = first + 1;
  const kept = continues(before, lastEvents, list) ? before.length : 0;
  const items = document.createDocumentFragment();
  lastEvents.slice(kept).forEach((event) => items.append(eventItem(event)));
  if (kept > 0) {
    list.append(items);
  } else {
    list.replaceChildren(items);
  }
  document.getElementById('timeline-more').hidden = first === 0;
  document.getElementById('timeline-count').textContent = total === 0 ? 'No events'
    : `${formatNumber(total)} event${total === 1 ? '' : 's'}`
      + (first > 0 ? `, the latest ${formatNumber(lastEvents.length)} shown` : '');
}

/**
 * Whether the events to show begin with the very ones the list shows: the new ones are then added after them, rather
 * than every item drawn again, which the whole stream of a hot live, pushed several times a second, cannot afford.
 */
function continues(shown, events, list) {
  return shown.length > 0 && events.length >= shown.length && list.children.length === shown.length
    && events[0].eventId === shown[0].eventId
    && events[shown.length - 1].eventId === shown[shown.length - 1].eventId;
}

/** The button that shows every event: readAll reads the whole stream and renders it. */
export function setUpTimeline(readAll) {
  document.getElementById('timeline-more').addEventListener('click', () => {
    showAll = true;
    readAll();
  });
}

/** A new session starts with the latest events again. */
export function resetTimeline() {
  showAll = false;
}
