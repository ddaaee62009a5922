// Every node's log lines: the newest matching the filters, then followed live. Pausing
// holds new lines back (up to a bound); the view keeps the operator's scroll position
// and only follows the bottom when it is already there.

import { h, absolute, errorText } from '../dom.js';
import { query } from '../api.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
const SHOWN = 2000;
const FIRST = 500;
// Kept for a measurement of the line-to-page time: when each live line was shown.
const ARRIVALS = 10000;

export function logLine(r) {
  const t = Date.parse(r.timestamp);
  return h(
    'div',
    { class: `line l-${r.level}`, 'data-node': r.node_id, 'data-seq': r.seq, 'data-source': r.source },
    h('time', { datetime: r.timestamp, title: absolute(t), text: new Date(t).toLocaleTimeString() }),
    h('span', { class: 'node', text: r.node_id }),
    h('span', { class: 'source', text: r.source }),
    h('span', { class: `level ${r.level}`, text: r.level }),
    h('span', { class: 'message', text: r.message }),
  );
}

function localToIso(value) {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function mount(main, { stream, probe, api }) {
  const { get } = api;
  document.title = 'Logs · p2p-core';
  const field = (label, input) => h('label', { class: 'field' }, h('span', { text: label }), input);
  const node = h('select', { id: 'log-node', name: 'node' }, h('option', { value: '', text: 'every node' }));
  const service = h('input', { id: 'log-service', name: 'service', list: 'log-services', placeholder: 'any', autocomplete: 'off' });
  const services = h('datalist', { id: 'log-services' });
  const level = h('select', { id: 'log-level', name: 'level' }, h('option', { value: '', text: 'any' }), LEVELS.map((l) => h('option', { value: l, text: l })));
  const grep = h('input', { id: 'log-grep', name: 'grep', placeholder: 'text or regular expression', autocomplete: 'off' });
  const since = h('input', { id: 'log-since', name: 'since', type: 'datetime-local', step: 1 });
  const until = h('input', { id: 'log-until', name: 'until', type: 'datetime-local', step: 1 });
  const follow = h('input', { id: 'log-follow', type: 'checkbox', checked: true });
  const pause = h('button', { type: 'button', id: 'log-pause', 'aria-pressed': 'false', text: 'Pause' });
  const status = h('span', { class: 'muted', id: 'log-status', role: 'status', 'aria-live': 'polite' });
  const problem = h('p', { class: 'error', role: 'alert' });
  const box = h('div', { class: 'log', role: 'log', id: 'log-lines', tabindex: '0', 'aria-label': 'log lines' });
  const form = h(
    'form',
    { class: 'filters', id: 'log-filters' },
    field('Node', node),
    field('Service', service),
    services,
    field('Minimum level', level),
    field('Message', grep),
    field('Since', since),
    field('Until', until),
    h('label', { class: 'check' }, follow, ' Follow'),
    h('button', { type: 'submit', class: 'primary', text: 'Apply' }),
  );
  main.append(h('h1', { text: 'Logs' }), form, h('div', { class: 'log-tools' }, pause, status), problem, box);

  let paused = false;
  let held = [];
  let heldDropped = 0;
  let seen = new Set();
  let shown = 0;
  let applied = 0;

  const atBottom = () => box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  const updateStatus = () => {
    const waiting = paused ? ` · paused, ${held.length} new${heldDropped ? ` (${heldDropped} older dropped)` : ''}` : '';
    status.textContent = `${shown} lines${waiting}`;
  };
  const append = (records) => {
    const stick = atBottom();
    const frag = document.createDocumentFragment();
    for (const r of records) {
      const key = `${r.node_id}:${r.seq}`;
      if (seen.has(key)) continue;
      seen.add(key);
      frag.append(logLine(r));
      shown += 1;
    }
    box.append(frag);
    // Dropping the oldest lines moves everything up: move the view back by as much.
    let removed = 0;
    while (shown > SHOWN && box.firstChild) {
      removed += box.firstChild.offsetHeight;
      seen.delete(`${box.firstChild.dataset.node}:${box.firstChild.dataset.seq}`);
      box.firstChild.remove();
      shown -= 1;
    }
    if (stick) box.scrollTop = box.scrollHeight;
    else if (removed) box.scrollTop -= removed;
    if (seen.size > SHOWN * 4) seen = new Set([...seen].slice(-SHOWN * 2));
    updateStatus();
  };

  const filters = () => ({
    node: node.value || undefined,
    service: service.value.trim() || undefined,
    level: level.value || undefined,
    grep: grep.value || undefined,
    since: localToIso(since.value),
    until: localToIso(until.value),
  });

  const apply = async () => {
    // A later Apply wins over one still waiting for its first lines.
    applied += 1;
    const mine = applied;
    stream.close();
    problem.textContent = '';
    held = [];
    heldDropped = 0;
    seen = new Set();
    shown = 0;
    box.replaceChildren();
    const f = filters();
    try {
      const list = await get(`/v1/logs${query({ ...f, limit: FIRST })}`);
      if (mine !== applied) return;
      append(list.records);
      if (list.truncated) status.textContent += ` (the newest ${FIRST} shown)`;
    } catch (e) {
      if (mine !== applied) return;
      problem.textContent = errorText(e);
      updateStatus();
      return;
    }
    if (!follow.checked || f.until) return;
    stream.open({ types: ['logs'], node: f.node, service: f.service, level: f.level, grep: f.grep }, (e) => {
      if (e.type !== 'logs') return;
      const r = e.data;
      if (f.since && Date.parse(r.timestamp) < Date.parse(f.since)) return;
      probe.logArrivals.push([Date.now(), r.message]);
      if (probe.logArrivals.length > ARRIVALS) probe.logArrivals.splice(0, ARRIVALS / 2);
      if (paused) {
        held.push(r);
        if (held.length > SHOWN) {
          heldDropped += held.length - SHOWN;
          held.splice(0, held.length - SHOWN);
        }
        updateStatus();
      } else {
        append([r]);
      }
    });
  };

  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) {
      const lines = held;
      held = [];
      heldDropped = 0;
      append(lines);
    }
    updateStatus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  follow.addEventListener('change', () => apply());

  (async () => {
    try {
      const [n, s] = await Promise.all([get('/v1/nodes'), get('/v1/services')]);
      for (const x of n.nodes.map((m) => m.node_id).sort()) node.append(h('option', { value: x, text: x }));
      for (const x of [...new Set(s.services.map((i) => i.name))].sort()) services.append(h('option', { value: x }));
    } catch (e) {
      problem.textContent = errorText(e);
    }
  })();
  apply();
  return {};
}
