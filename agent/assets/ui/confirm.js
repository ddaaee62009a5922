// A two-step action: nothing changes until the operator confirms in a modal dialog
// (Escape or Cancel backs out; Cancel has the focus, so Enter alone never confirms).

import { h } from './dom.js';

export function confirmAction({ title, message, action, danger = false }) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'quiet', id: 'confirm-cancel', text: 'Cancel' });
    const ok = h('button', { type: 'button', class: danger ? 'danger' : 'primary', id: 'confirm-ok', text: action });
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title', text: title }),
      h('p', { text: message }),
      h('div', { class: 'buttons' }, cancel, ok),
    );
    let answered = false;
    const done = (yes) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(yes);
    };
    cancel.addEventListener('click', () => done(false));
    ok.addEventListener('click', () => done(true));
    dialog.addEventListener('close', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
