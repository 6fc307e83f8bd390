// What the dashboard is showing, shared by its parts.

export const PAGE_SIZE = 20;

export const state = {
  /** The logged-in user: {name, role: 'ADMIN'|'STREAMER'|'VIEWER', tenantId}. */
  me: null,
  /** Admins: the tenant chosen in the filter ('' for all). Others always see their own tenant. */
  tenantFilter: '',
  /** '' = active and closed; or ACTIVE, CLOSED, ARCHIVED, DELETED. */
  statusFilter: '',
  /** '' = any; or ACTIVE, INACTIVE, CANDIDATE, ARCHIVED, DELETED. */
  cleanupFilter: '',
  page: 0,
  totalElements: 0,
  /** The id of the session in the detail panel, or null. */
  selectedId: null,
};

export function isAdmin() {
  return state.me?.role === 'ADMIN';
}

/** Admins and streamers may use the manual controls; viewers only look. */
export function mayControl() {
  return state.me?.role === 'ADMIN' || state.me?.role === 'STREAMER';
}

/** The tenant whose statistics and sessions are shown, or null for all tenants (admins only). */
export function shownTenant() {
  return isAdmin() ? state.tenantFilter || null : state.me?.tenantId || null;
}

/**
 * Whether a view of a session is older than the one on screen: a list or a read sent before a change can arrive
 * after that change was pushed, and must not put the session back as it was.
 */
export function isOlderThanShown(session, shown) {
  return shown?.sessionId === session.sessionId && session.lastEventSequence < shown.lastEventSequence;
}
