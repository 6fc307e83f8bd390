// The login page: copies the CSRF token into the form and says why the user is here (a failed login, a logout).
import { readCookie } from './api.js';

const form = document.getElementById('login-form');
const csrf = document.getElementById('csrf');

/** The server sets the XSRF-TOKEN cookie with this page; Spring Security expects it back as the _csrf field. */
function copyCsrfToken() {
  csrf.value = readCookie('XSRF-TOKEN');
}

/** Without the cookie (it was cleared meanwhile), loading the page again in the background sets a fresh one. */
async function ensureCsrfToken() {
  if (!readCookie('XSRF-TOKEN')) {
    try {
      await fetch('/login.html', { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      // The login itself will say what is wrong.
    }
  }
  copyCsrfToken();
}

/** Why a login was refused, by the parameter the server sends the page back with. */
const REFUSALS = {
  error: 'Wrong username or password',
  throttled: 'Too many failed logins for this username: try again in a quarter of an hour',
  busy: 'Too many logins at once: try again in a moment',
};

function showWhyHere() {
  const params = new URLSearchParams(window.location.search);
  const refusal = Object.keys(REFUSALS).find((reason) => params.has(reason));
  const error = document.getElementById('login-error');
  error.hidden = !refusal;
  if (refusal) {
    error.textContent = REFUSALS[refusal];
  }
  document.getElementById('login-message').hidden = !params.has('logout') || Boolean(refusal);
}

form.addEventListener('submit', () => {
  // The token may have changed since the page loaded (e.g. another tab logged in or out).
  copyCsrfToken();
});

showWhyHere();
ensureCsrfToken();
