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

function showWhyHere() {
  const params = new URLSearchParams(window.location.search);
  document.getElementById('login-error').hidden = !params.has('error');
  document.getElementById('login-message').hidden = !params.has('logout') || params.has('error');
}

form.addEventListener('submit', () => {
  // The token may have changed since the page loaded (e.g. another tab logged in or out).
  copyCsrfToken();
});

showWhyHere();
ensureCsrfToken();
