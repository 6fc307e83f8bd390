// The status area: short confirmations (role="status") and errors (role="alert"), announced by screen readers.
import { SessionExpired } from './api.js';

const CONFIRMATION_SHOWN_FOR_MS = 6000;
let confirmationTimer = 0;

/** Shows a short confirmation, which goes away by itself. */
export function showStatus(message) {
  const status = document.getElementById('status');
  // The live region stays in the page (empty when idle) so that every new text is announced.
  status.textContent = message;
  window.clearTimeout(confirmationTimer);
  confirmationTimer = window.setTimeout(() => {
    status.textContent = '';
  }, CONFIRMATION_SHOWN_FOR_MS);
}

/** The errors shown so far; the number of the one on screen; what was being done when it went wrong, or null. */
let errorsShown = 0;
let errorNumber = 0;
let errorWhile = null;

/**
 * Shows what went wrong (the problem's detail) until the user dismisses it, the next error replaces it, or what failed
 * is done again and goes through (clearErrorOf).
 * @param {Error} error an ApiError, or any error
 * @param {string} [doing] what was being done, e.g. "Loading sessions"
 */
export function showError(error, doing) {
  if (error instanceof SessionExpired) {
    return; // The login page is already loading.
  }
  const message = error && (error.detail || error.message) ? error.detail || error.message : String(error);
  document.getElementById('error-text').textContent = doing ? `${doing}: ${message}` : message;
  document.getElementById('error').hidden = false;
  errorWhile = doing ?? null;
  errorNumber = ++errorsShown;
}

export function clearError() {
  document.getElementById('error').hidden = true;
  document.getElementById('error-text').textContent = '';
  errorWhile = null;
}

/** A mark to take as something begins: an error shown after it is not that attempt's to take away. */
export function errorMark() {
  return errorsShown;
}

/**
 * Takes the error shown away if it went wrong while doing this, and was shown before the mark taken as the attempt
 * that has now gone through began (a late success does not take away the error of a newer attempt).
 */
export function clearErrorOf(doing, mark) {
  if (errorWhile !== null && errorWhile === doing && errorNumber <= mark) {
    clearError();
  }
}

export function setUpNotices() {
  document.getElementById('error-dismiss').addEventListener('click', clearError);
}
