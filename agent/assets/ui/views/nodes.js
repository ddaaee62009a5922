// Every member: state, role, addresses, version, certificate expiry, and its latest CPU
// and memory, kept live by membership changes and samples.

import { h, badge, when, bytes, percent, coalesce, errorText } from '../dom.js';
import { Table } from '../table.js';

export function memoryShare(s) {
  return s && s.memory_total_bytes ? (s.memory_used_bytes / s.memory_total_bytes) * 100 : null;
}

export function mount(main, { stream, api }) {
  const { get } = api;
  document.title = 'Nodes · p2p-core';
  const samples = new Map();
  const table = new Table({
    label: 'nodes',
    key: (n) => n.node_id,
    columns: [
      { id: 'node', label: 'Node', value: (n) => n.node_id, cell: (n) => h('a', { href: `#/nodes/${encodeURIComponent(n.node_id)}`, text: n.node_id }) },
      { id: 'state', label: 'State', value: (n) => n.state, cell: (n) => badge(n.state) },
      { id: 'role', label: 'Role', value: (n) => n.role },
      { id: 'addresses', label: 'Addresses', value: (n) => [n.api_address, ...(n.addresses || []).filter((a) => !n.api_address.startsWith(`${a}:`))].join(' ') },
      { id: 'version', label: 'Version', value: (n) => n.version || '' },
      { id: 'cert', label: 'Certificate expires', value: (n) => n.cert_not_after || '', cell: (n) => when(n.cert_not_after) },
      { id: 'cpu', label: 'CPU', class: 'num', value: (n) => (samples.has(n.node_id) ? samples.get(n.node_id).cpu_percent : null), cell: (n) => percent(samples.get(n.node_id)?.cpu_percent) },
      {
        id: 'memory',
        label: 'Memory',
        class: 'num',
        value: (n) => memoryShare(samples.get(n.node_id)),
        cell: (n) => {
          const s = samples.get(n.node_id);
          return s ? `${bytes(s.memory_used_bytes)} / ${bytes(s.memory_total_bytes)}` : '–';
        },
      },
    ],
  });
  const problem = h('p', { class: 'error', role: 'alert' });
  main.append(h('h1', { text: 'Nodes' }), problem, table.el);

  const reload = coalesce(async () => {
    try {
      table.setRows((await get('/v1/nodes')).nodes);
      problem.textContent = '';
    } catch (e) {
      problem.textContent = errorText(e);
    }
  }, 300);

  (async () => {
    const [n, m] = await Promise.allSettled([get('/v1/nodes'), get('/v1/metrics/nodes')]);
    if (m.status === 'fulfilled') for (const s of m.value.nodes) samples.set(s.node_id, s);
    if (n.status === 'fulfilled') table.setRows(n.value.nodes);
    else problem.textContent = errorText(n.reason);
  })();

  stream.open({ types: ['nodes', 'metrics'] }, (e) => {
    if (e.type === 'metrics') {
      samples.set(e.data.node_id, e.data);
      const row = table.get(e.data.node_id);
      if (row) table.upsert(row);
    } else if (e.type === 'nodes') {
      const row = table.get(e.data.node_id);
      if (row) table.upsert({ ...row, ...e.data });
      else reload();
    }
  });
  return {};
}
