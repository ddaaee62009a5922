// Every certificate the cluster CA issued: days left and status. Operators renew a
// node's certificate; admins revoke one (after confirming).

import { h, badge, when, coalesce, errorText } from '../dom.js';
import { enc } from '../api.js';
import { Table } from '../table.js';
import { confirmAction } from '../confirm.js';

export function mount(main, { stream, can, api }) {
  const { get, post } = api;
  document.title = 'Certificates · p2p-core';
  const results = new Map();
  let all = [];
  let table;
  const everything = h('input', { type: 'checkbox', id: 'certs-all' });
  const problem = h('p', { class: 'error', role: 'alert' });

  const setResult = (serial, text, kind) => {
    results.set(serial, { text, kind });
    const row = table.get(serial);
    if (row) table.upsert(row);
  };

  const show = () => table.setRows(everything.checked ? all : all.filter((c) => c.status === 'valid' || c.status === 'revoked'));
  const reload = coalesce(async () => {
    try {
      all = (await get('/v1/certs')).certificates;
      show();
      problem.textContent = '';
    } catch (e) {
      problem.textContent = errorText(e);
    }
  }, 300);

  const renew = async (c) => {
    const yes = await confirmAction({ title: `Renew ${c.subject}'s certificate?`, message: `${c.subject} gets a new certificate now; the current one is replaced.`, action: 'Renew' });
    if (!yes) return;
    setResult(c.serial, 'renewing…', 'progress');
    try {
      const r = await post(`/v1/nodes/${enc(c.subject)}/cert/renew`);
      setResult(c.serial, `renewed: serial ${r.new_serial.slice(0, 16)}`, 'ok');
      reload();
    } catch (e) {
      setResult(c.serial, `renewal failed: ${errorText(e)}`, 'failed');
    }
  };
  const revoke = async (c) => {
    const yes = await confirmAction({
      title: `Revoke ${c.subject}'s certificate?`,
      message: `Serial ${c.serial}: every node refuses it from now on. ${c.kind === 'node' ? 'The node must enrol again.' : ''}`,
      action: 'Revoke',
      danger: true,
    });
    if (!yes) return;
    setResult(c.serial, 'revoking…', 'progress');
    try {
      await post('/v1/certs/revoke', { serial: c.serial });
      setResult(c.serial, 'revoked', 'ok');
      reload();
    } catch (e) {
      setResult(c.serial, `revocation failed: ${errorText(e)}`, 'failed');
    }
  };

  const actions = (c) => {
    const r = results.get(c.serial);
    const live = c.status === 'valid';
    return h(
      'div',
      { class: 'actions' },
      live && c.kind === 'node' && can('operator') ? h('button', { type: 'button', class: 'small', 'data-action': 'renew', onclick: () => renew(c), text: 'renew' }) : null,
      live && can('admin') ? h('button', { type: 'button', class: 'small danger', 'data-action': 'revoke', onclick: () => revoke(c), text: 'revoke' }) : null,
      r ? h('span', { class: `result ${r.kind}`, role: 'status', text: r.text }) : null,
    );
  };

  table = new Table({
    label: 'certificates',
    key: (c) => c.serial,
    sortBy: 'days',
    empty: 'No certificates.',
    columns: [
      { id: 'subject', label: 'Subject', value: (c) => c.subject },
      { id: 'kind', label: 'Kind', value: (c) => (c.role ? `${c.kind} (${c.role})` : c.kind) },
      { id: 'serial', label: 'Serial', value: (c) => c.serial, cell: (c) => h('code', { title: c.serial, text: c.serial.slice(0, 16) }) },
      { id: 'expires', label: 'Expires', value: (c) => c.not_after, cell: (c) => when(c.not_after) },
      { id: 'days', label: 'Days left', class: 'num', value: (c) => c.days_left },
      { id: 'status', label: 'Status', value: (c) => c.status, cell: (c) => badge(c.status) },
      can('operator')
        ? { id: 'actions', label: 'Actions', sortable: false, value: () => '', sig: (c) => JSON.stringify([c.status, results.get(c.serial)]), cell: actions }
        : null,
    ].filter(Boolean),
  });
  everything.addEventListener('change', show);
  main.append(
    h('h1', { text: 'Certificates' }),
    problem,
    h('label', { class: 'check' }, everything, ' Show replaced and expired certificates'),
    table.el,
  );
  reload();
  stream.open({ types: ['certs'] }, (e) => {
    if (e.type === 'certs') reload();
  });
  return {};
}
