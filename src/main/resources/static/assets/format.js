// Formatting of numbers, rates, durations and times for display.
// Times use the browser's locale; relative hints ("2 min ago") are kept fresh by refreshRelativeTimes().

const numberFormat = new Intl.NumberFormat();
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fullDateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

export function formatNumber(value) {
  return typeof value === 'number' ? numberFormat.format(value) : '—';
}

/** A rate between 0 and 1, as a percentage. */
export function formatPercent(value) {
  return typeof value === 'number' ? percentFormat.format(value) : '—';
}

/**
 * Seconds in an ISO-8601 duration as Java writes them ("PT12M30S", "PT36H", "PT0.5S"), or null when it is not one.
 * A plain number is taken as seconds, in case a duration ever comes as a number.
 */
export function durationSeconds(iso) {
  if (typeof iso === 'number') {
    return iso;
  }
  const match = /^(-)?P(?:(\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?[\d.]+)S)?)?$/.exec(iso || '');
  if (!match) {
    return null;
  }
  const [, negative, days, hours, minutes, seconds] = match;
  const total = Number(days || 0) * 86400 + Number(hours || 0) * 3600 + Number(minutes || 0) * 60
    + Number(seconds || 0);
  return negative ? -total : total;
}

/** An ISO-8601 duration in words: "12 min 30 s", "1 h 5 min", "2 d 3 h". */
export function formatDuration(iso) {
  const seconds = durationSeconds(iso);
  if (seconds === null) {
    return '—';
  }
  const whole = Math.round(Math.abs(seconds));
  const days = Math.floor(whole / 86400);
  const hours = Math.floor((whole % 86400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  // The two largest units are enough to read at a glance.
  const parts = [[days, 'd'], [hours, 'h'], [minutes, 'min'], [secs, 's']];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first === -1) {
    return '0\u00a0s';
  }
  return parts.slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}\u00a0${unit}`) // "2 min" never splits over two lines.
    .join(' ');
}

/** A date and time in the browser's locale: only the time when it is today. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) {
    return '—';
  }
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeOfDay.format(date) : dateAndTime.format(date);
}

export function formatFullTime(iso) {
  const date = new Date(iso);
  return !iso || Number.isNaN(date.getTime()) ? '' : fullDateAndTime.format(date);
}

/** "2 min ago", "in 40 min", "now". */
export function formatRelative(iso, now = Date.now()) {
  const time = new Date(iso).getTime();
  if (!iso || Number.isNaN(time)) {
    return '';
  }
  const seconds = Math.round((time - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 10) {
    return relative.format(0, 'second');
  }
  if (abs < 60) {
    return relative.format(seconds, 'second');
  }
  // Rounded first, then the unit chosen: 59.6 minutes is "1 hr", not "60 min".
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) {
    return relative.format(minutes, 'minute');
  }
  const hours = Math.round(seconds / 3600);
  if (Math.abs(hours) < 24) {
    return relative.format(hours, 'hour');
  }
  return relative.format(Math.round(seconds / 86400), 'day');
}

/**
 * A <time> element with the date and, below it, a relative hint that refreshRelativeTimes() keeps up to date.
 * An absent time shows as a dash.
 */
export function timeElement(iso) {
  if (!iso) {
    const dash = document.createElement('span');
    dash.className = 'muted';
    dash.textContent = '—';
    return dash;
  }
  const time = document.createElement('time');
  time.dateTime = iso;
  time.title = formatFullTime(iso);
  time.className = 'when';
  const absolute = document.createElement('span');
  absolute.textContent = formatTime(iso);
  const hint = document.createElement('span');
  hint.className = 'relative';
  hint.dataset.relative = iso;
  hint.textContent = formatRelative(iso);
  time.append(absolute, hint);
  return time;
}

/** Past this, a closure not made yet is overdue: the service closes a session within a second or so of its time. */
const OVERDUE_AFTER_MS = 5000;

/**
 * The time at which a session closes if quiet, as timeElement() shows it, marked overdue once it is well past
 * (the service is behind: a database outage, a node down), which refreshRelativeTimes() keeps up to date.
 */
export function closingTimeElement(iso) {
  const time = timeElement(iso);
  if (iso) {
    time.dataset.dueAt = iso;
    const note = document.createElement('span');
    note.className = 'overdue';
    note.textContent = 'closure overdue';
    time.append(note);
    markOverdue(time, Date.now());
  }
  return time;
}

function markOverdue(time, now) {
  const overdue = now - new Date(time.dataset.dueAt).getTime() > OVERDUE_AFTER_MS;
  time.classList.toggle('is-overdue', overdue);
  time.querySelector('.overdue').hidden = !overdue;
}

/** Brings every relative hint on the page up to date (they drift as time passes), and what is overdue by now. */
export function refreshRelativeTimes(root = document) {
  const now = Date.now();
  for (const hint of root.querySelectorAll('[data-relative]')) {
    hint.textContent = formatRelative(hint.dataset.relative, now);
  }
  for (const time of root.querySelectorAll('[data-due-at]')) {
    markOverdue(time, now);
  }
}

/** "SELLER_MESSAGE" -> "Seller message". */
export function humanize(constant) {
  if (!constant) {
    return '—';
  }
  const words = String(constant).replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
