// Small helpers to build elements without innerHTML (text from the API is never parsed as HTML).

/**
 * Creates an element.
 * @param {string} tag
 * @param {{className?: string, text?: string, attrs?: Object<string, string>, dataset?: Object<string, string>}} [options]
 * @param {...(Node|string)} children
 */
export function el(tag, options = {}, ...children) {
  const element = document.createElement(tag);
  if (options.className) {
    element.className = options.className;
  }
  if (options.text !== undefined && options.text !== null) {
    element.textContent = String(options.text);
  }
  for (const [name, value] of Object.entries(options.attrs || {})) {
    element.setAttribute(name, value);
  }
  Object.assign(element.dataset, options.dataset || {});
  element.append(...children);
  return element;
}

/** A status badge; its class gives the colour, e.g. badge-active. */
export function badge(value) {
  const name = value ? String(value).toLowerCase() : 'none';
  const text = value ? String(value).charAt(0) + String(value).slice(1).toLowerCase() : '—';
  return el('span', { className: `badge badge-${name}`, text });
}

/**
 * Opens a modal <dialog>, and gives the focus back to what had it when the dialog closes (by a button or Escape).
 * The browser keeps the focus inside a modal dialog and closes it on Escape.
 */
export function openDialog(dialog, focusOnOpen) {
  const opener = document.activeElement;
  dialog.addEventListener('close', () => {
    if (opener && opener.isConnected && !opener.disabled) {
      opener.focus();
    } else {
      // The opener went away (e.g. the delete button of a deleted session): the detail panel's heading takes over.
      document.getElementById('detail-title')?.focus();
    }
  }, { once: true });
  dialog.showModal();
  (focusOnOpen || dialog.querySelector('input, button'))?.focus();
}
