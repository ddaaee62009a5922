// One node: what it is, live charts of its last 100 samples (history first, then the
// stream), its services and its newest log lines.

import { h, fill, badge, when, bytes, percent, errorText } from '../dom.js';
import { enc, query } from '../api.js';
import { LineChart } from '../chart.js';
import { Table } from '../table.js';
import { logLine } from './logs.js';

const POINTS = 100;
const LOG_LINES = 50;

const rate = (v) => `${bytes(v)}/s`;
const load = (v) => v.toFixed(2);

export function mount(main, { stream, api }, id) {
  const { get } = api;
  document.title = `${id} · p2p-core`;
  const head = h('div', { class: 'node-head' }, h('h1', { text: id }));
  const details = h('dl', { class: 'details', id: 'node-details' });
  const problem = h('p', { class: 'error', role: 'alert' });
  const charts = {
    cpu: new LineChart({ id: 'chart-cpu', title: 'CPU', series: [{ label: 'used' }], format: percent, max: 100 }),
    memory: new LineChart({
      id: 'chart-memory',
      title: 'Memory',
      series: [{ label: 'used' }],
      format: bytes,
      max: (points) => Math.max(0, ...points.map(([, v]) => v[1] || 0)),
    }),
    load: new LineChart({ id: 'chart-load', title: 'Load', series: [{ label: '1 min' }, { label: '5 min' }, { label: '15 min' }], format: load }),
    network: new LineChart({ id: 'chart-network', title: 'Network', series: [{ label: 'in' }, { label: 'out' }], format: rate }),
  };
  const services = new Table({
    label: `services on ${id}`,
    key: (s) => s.name,
    filter: false,
    empty: 'No services on this node.',
    columns: [
      { id: 'name', label: 'Service', value: (s) => s.name },
      { id: 'state', label: 'State', value: (s) => s.state, cell: (s) => badge(s.state) },
      { id: 'health', label: 'Health', value: (s) => s.health, cell: (s) => badge(s.health) },
      { id: 'restarts', label: 'Restarts', class: 'num', value: (s) => s.restarts },
      { id: 'generation', label: 'Generation', class: 'num', value: (s) => s.generation },
    ],
  });
  const logBox = h('div', { class: 'log short', role: 'log', id: 'node-logs', 'aria-label': `log lines of ${id}` });
  main.append(
    head,
    problem,
    details,
    h('div', { class: 'charts' }, Object.values(charts).map((c) => c.el)),
    h('h2', { text: 'Services' }),
    services.el,
    h('h2', {}, 'Recent log lines ', h('a', { href: '#/logs', class: 'small', text: 'all logs' })),
    logBox,
  );

  const show = (n) => {
    fill(head, h('h1', { text: n.node_id }), ' ', badge(n.state), ' ', badge(n.role, 's-role'));
    const row = (k, v) => [h('dt', { text: k }), h('dd', {}, v)];
    fill(
      details,
      row('API address', n.api_address),
      row('Addresses', (n.addresses || []).join(', ') || '–'),
      row('Version', n.version || '–'),
      row('Certificate', n.cert_serial ? n.cert_serial.slice(0, 16) : '–'),
      row('Certificate expires', when(n.cert_not_after)),
      row('State since', when(n.last_state_change)),
    );
  };
  // Missing values (a sample without a network interface) are gaps, not zeros.
  const plot = (s) => {
    const t = Date.parse(s.time);
    const net = s.network && s.network.length ? s.network : null;
    const sum = (k) => (net ? net.reduce((a, i) => a + i[k], 0) : null);
    charts.cpu.push(t, [s.cpu_percent]);
    charts.memory.push(t, [s.memory_used_bytes, s.memory_total_bytes]);
    charts.load.push(t, [s.load_1, s.load_5, s.load_15]);
    charts.network.push(t, [sum('rx_bytes_per_second'), sum('tx_bytes_per_second')]);
  };
  let logsShown = 0;
  const seen = new Set();
  const addLog = (r) => {
    // The stream and the first query may both carry a line printed in between.
    const key = `${r.node_id}:${r.seq}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > LOG_LINES * 8) seen.delete(seen.values().next().value);
    const atEnd = logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 4;
    logBox.append(logLine(r));
    logsShown += 1;
    while (logsShown > LOG_LINES * 4) {
      logBox.firstChild.remove();
      logsShown -= 1;
    }
    if (atEnd) logBox.scrollTop = logBox.scrollHeight;
  };

  let historyLoaded = false;
  const early = [];
  (async () => {
    const [n, m, s, l] = await Promise.allSettled([
      get(`/v1/nodes/${enc(id)}`),
      get(`/v1/metrics/nodes/${enc(id)}?points=${POINTS}`),
      get('/v1/services'),
      get(`/v1/logs${query({ node: id, limit: LOG_LINES })}`),
    ]);
    const failed = [];
    if (n.status === 'fulfilled') show(n.value);
    else failed.push(errorText(n.reason));
    if (m.status === 'fulfilled') for (const x of m.value.samples) plot(x);
    else failed.push(errorText(m.reason));
    historyLoaded = true;
    for (const x of early.splice(0)) plot(x);
    if (s.status === 'fulfilled') services.setRows(s.value.services.filter((x) => x.node_id === id));
    if (l.status === 'fulfilled') for (const r of l.value.records) addLog(r);
    problem.textContent = failed.join('; ');
  })();

  stream.open({ types: ['metrics', 'services', 'logs', 'nodes'], node: id }, (e) => {
    const d = e.data;
    if (e.type === 'metrics') {
      if (historyLoaded) plot(d);
      else early.push(d);
    } else if (e.type === 'services') {
      services.upsert(d);
    } else if (e.type === 'logs') {
      addLog(d);
    } else if (e.type === 'nodes') {
      get(`/v1/nodes/${enc(id)}`).then(show, () => {});
    }
  });
  return {};
}
