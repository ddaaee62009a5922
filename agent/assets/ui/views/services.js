// Every service instance, live. Operators start, stop and restart one instance, or
// restart a service node after node (the next only once the previous is running again);
// each action asks for confirmation, then shows its progress and its outcome.

import { h, fill, badge, when, errorText } from '../dom.js';
import { enc, query } from '../api.js';
import { Table } from '../table.js';
import { confirmAction } from '../confirm.js';

const POLL_MS = 500;
const WAIT_MS = 60000;

/** Whether an instance shows `action` done (a restart: a newer generation, running). */
function reached(i, action, floor) {
  if (action === 'stop') return i.state === 'stopped';
  const up = i.state === 'running' && i.health !== 'unhealthy';
  return action === 'restart' ? up && i.generation > floor : up;
}

/** Asks for the action on one instance and waits until it shows. */
async function act({ get, post }, name, node, action, floor) {
  await post(`/v1/services/${enc(name)}/${action}`, { node });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    // A service's detail carries its instance's fields at the top level.
    const st = await get(`/v1/services/${enc(name)}${query({ node })}`);
    const d = st.instances[0];
    if (d) {
      if (reached(d, action, floor)) return d;
      if (d.state === 'failed' && action !== 'stop') {
        throw new Error(`it failed (${d.last_exit || 'no exit recorded'})`);
      }
    }
    if (Date.now() > deadline) {
      throw new Error(d ? `still ${d.state} after ${WAIT_MS / 1000} s` : `${node} did not report it in time`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function mount(main, { stream, can, api }) {
  document.title = 'Services · p2p-core';
  const results = new Map();
  const busy = new Set();
  let table;

  const setResult = (key, text, kind) => {
    results.set(key, { text, kind });
    const row = table.get(key);
    if (row) table.upsert(row);
  };

  const run = async (s, action) => {
    const key = `${s.node_id}/${s.name}`;
    const yes = await confirmAction({
      title: `${action[0].toUpperCase()}${action.slice(1)} ${s.name}?`,
      message: `${action} ${s.name} on ${s.node_id}${action === 'stop' ? ': it stays stopped until started again' : ''}.`,
      action: `${action[0].toUpperCase()}${action.slice(1)}`,
      danger: action !== 'start',
    });
    if (!yes) return;
    busy.add(key);
    setResult(key, `${action} requested…`, 'progress');
    try {
      const i = await act(api, s.name, s.node_id, action, s.generation);
      setResult(key, `${action === 'stop' ? 'stopped' : `running, generation ${i.generation}`}`, 'ok');
    } catch (e) {
      setResult(key, `${action} failed: ${errorText(e)}`, 'failed');
    } finally {
      busy.delete(key);
      const row = table.get(key);
      if (row) table.upsert(row);
    }
  };

  const actions = (s) => {
    const key = `${s.node_id}/${s.name}`;
    const off = busy.has(key);
    const button = (action) => h('button', {
      type: 'button',
      class: 'small',
      'data-action': action,
      disabled: off,
      'aria-label': `${action} ${s.name} on ${s.node_id}`,
      onclick: () => run(table.get(key) || s, action),
      text: action,
    });
    const r = results.get(key);
    return h(
      'div',
      { class: 'actions' },
      button('start'),
      button('stop'),
      button('restart'),
      r ? h('span', { class: `result ${r.kind}`, role: 'status', text: r.text }) : null,
    );
  };

  const columns = [
    { id: 'name', label: 'Service', value: (s) => s.name },
    { id: 'node', label: 'Node', value: (s) => s.node_id, cell: (s) => h('a', { href: `#/nodes/${enc(s.node_id)}`, text: s.node_id }) },
    { id: 'state', label: 'State', value: (s) => s.state, cell: (s) => badge(s.state) },
    { id: 'health', label: 'Health', value: (s) => s.health, cell: (s) => badge(s.health) },
    { id: 'restarts', label: 'Restarts', class: 'num', value: (s) => s.restarts },
    { id: 'generation', label: 'Generation', class: 'num', value: (s) => s.generation },
    { id: 'started', label: 'Started', value: (s) => s.started_at || '', cell: (s) => when(s.started_at) },
    { id: 'exit', label: 'Last exit', value: (s) => s.last_exit || '' },
    can('operator') && {
      id: 'actions',
      label: 'Actions',
      sortable: false,
      value: () => '',
      sig: (s) => {
        const key = `${s.node_id}/${s.name}`;
        return JSON.stringify([busy.has(key), results.get(key)]);
      },
      cell: actions,
    },
  ].filter(Boolean);
  table = new Table({ label: 'service instances', key: (s) => `${s.node_id}/${s.name}`, columns, empty: 'No services run in the cluster.' });

  const problem = h('p', { class: 'error', role: 'alert' });
  const rolling = h('div', { class: 'rolling', id: 'rolling' });
  main.append(h('h1', { text: 'Services' }), problem, can('operator') ? rolling : null, table.el);

  const drawRolling = () => {
    const names = [...new Set(table.values().map((s) => s.name))].sort();
    if (!names.length) {
      rolling.replaceChildren();
      return;
    }
    const pick = h('select', { id: 'rolling-service', 'aria-label': 'service to restart on every node' }, names.map((n) => h('option', { value: n, text: n })));
    const progress = h('ol', { class: 'progress', id: 'rolling-progress' });
    const start = h('button', { type: 'button', id: 'rolling-start', text: 'Rolling restart' });
    start.addEventListener('click', async () => {
      const name = pick.value;
      const targets = table.values().filter((s) => s.name === name).sort((a, b) => a.node_id.localeCompare(b.node_id));
      const yes = await confirmAction({
        title: `Restart ${name} on ${targets.length} node${targets.length === 1 ? '' : 's'}?`,
        message: `One node at a time (${targets.map((t) => t.node_id).join(', ')}); it stops at the first that does not come back.`,
        action: 'Restart all',
        danger: true,
      });
      if (!yes) return;
      start.disabled = true;
      const items = targets.map((t) => h('li', { 'data-node': t.node_id, text: `${t.node_id}: waiting` }));
      fill(progress, items);
      let failed = false;
      for (const [i, t] of targets.entries()) {
        if (failed) {
          items[i].textContent = `${t.node_id}: skipped`;
          continue;
        }
        items[i].textContent = `${t.node_id}: restarting…`;
        try {
          const done = await act(api, name, t.node_id, 'restart', t.generation);
          items[i].textContent = `${t.node_id}: running, generation ${done.generation}`;
          items[i].className = 'ok';
        } catch (e) {
          failed = true;
          items[i].textContent = `${t.node_id}: ${errorText(e)}`;
          items[i].className = 'failed';
        }
      }
      start.disabled = false;
    });
    fill(rolling, h('h2', { text: 'Rolling restart' }), h('div', { class: 'row' }, pick, start), progress);
  };

  (async () => {
    try {
      const list = await api.get('/v1/services');
      table.setRows(list.services);
      if (list.manifest_errors && list.manifest_errors.length) {
        problem.textContent = `Manifests with errors: ${list.manifest_errors.map((m) => `${m.node_id}:${m.file}: ${m.error}`).join('; ')}`;
      }
      if (can('operator')) drawRolling();
    } catch (e) {
      problem.textContent = errorText(e);
    }
  })();

  stream.open({ types: ['services'] }, (e) => {
    if (e.type === 'services') table.upsert(e.data);
  });
  return {};
}
