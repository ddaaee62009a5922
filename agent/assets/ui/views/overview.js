// The cluster at a glance: members by state, the coordinators and their leader, services
// by state, certificates close to expiry, and what just happened.

import { h, fill, badge, card, when, coalesce, errorText } from '../dom.js';

const NODE_STATES = ['alive', 'suspect', 'dead', 'left'];
const SERVICE_STATES = ['running', 'starting', 'backoff', 'stopping', 'stopped', 'failed'];
const EXPIRING_DAYS = 30;
const RECENT = 25;

export function mount(main, { stream, probe, api }) {
  const { get } = api;
  document.title = 'Overview · p2p-core';
  const nodes = new Map();
  const services = new Map();
  let certs = [];
  let coordinators = null;
  const recent = [];
  let synced = false;

  const nodeBox = h('div', { class: 'counts', id: 'node-counts' });
  const coordBox = h('div', { id: 'coordinators' });
  const svcBox = h('div', { class: 'counts', id: 'service-counts' });
  const certBox = h('div', { id: 'expiring' });
  const eventBox = h('ol', { class: 'events', id: 'recent-events' });
  const problem = h('p', { class: 'error', role: 'alert' });
  main.append(
    h('h1', { text: 'Overview' }),
    problem,
    h(
      'div',
      { class: 'cards' },
      card('Nodes', nodeBox),
      card('Coordinators', coordBox),
      card('Services', svcBox),
      card(`Certificates expiring within ${EXPIRING_DAYS} days`, certBox),
    ),
    card('Recent events', eventBox),
  );

  const counts = (box, states, items, route) => {
    const by = {};
    for (const s of items) by[s] = (by[s] || 0) + 1;
    const shown = states.filter((s) => by[s] || s === states[0]);
    fill(box, shown.map((s) => h('a', { href: route, class: 'count-item', 'data-state': s }, h('strong', { text: by[s] || 0 }), badge(s))));
  };

  const render = () => {
    counts(nodeBox, NODE_STATES, [...nodes.values()].map((n) => n.state), '#/nodes');
    counts(svcBox, SERVICE_STATES, [...services.values()].map((s) => s.state), '#/services');
    if (coordinators) {
      fill(coordBox, h('ul', { class: 'plain' }, coordinators.map((c) => h(
        'li',
        {},
        h('a', { href: `#/nodes/${encodeURIComponent(c.node_id)}`, text: c.node_id }),
        ' ',
        c.leader ? badge('leader', 's-leader') : null,
        c.voter ? null : badge('learner', 's-learner'),
        c.lag ? h('span', { class: 'muted', text: ` ${c.lag} behind` }) : null,
      ))));
    }
    const soon = certs
      .filter((c) => c.status === 'valid' && c.days_left <= EXPIRING_DAYS)
      .sort((a, b) => a.days_left - b.days_left);
    fill(certBox, soon.length
      ? h('ul', { class: 'plain' }, soon.map((c) => h('li', {}, `${c.subject} (${c.kind}) `, when(c.not_after))))
      : h('p', { class: 'muted', text: 'None.' }));
    fill(eventBox, recent.length
      ? recent.map((e) => h('li', {}, when(e.time), ' ', e.text))
      : h('li', { class: 'muted', text: 'Nothing yet: changes appear here as they happen.' }));
  };
  const later = coalesce(render);

  const load = async () => {
    const [n, s, c, k] = await Promise.allSettled([
      get('/v1/nodes'),
      get('/v1/services'),
      get('/v1/certs'),
      get('/v1/cluster/coordinators'),
    ]);
    const failed = [n, s, c, k].filter((r) => r.status === 'rejected').map((r) => errorText(r.reason));
    problem.textContent = failed.length ? `Some of the cluster did not answer: ${failed.join('; ')}` : '';
    if (n.status === 'fulfilled') for (const x of n.value.nodes) nodes.set(x.node_id, x);
    if (s.status === 'fulfilled') for (const x of s.value.services) services.set(`${x.node_id}/${x.name}`, x);
    if (c.status === 'fulfilled') certs = c.value.certificates;
    if (k.status === 'fulfilled') coordinators = k.value.coordinators;
    render();
    if (probe.firstRender === null) probe.firstRender = performance.now();
  };
  // Certificates and the Raft group change rarely: a change reloads the whole list.
  const reloader = (load) => coalesce(async () => {
    try {
      await load();
      render();
    } catch (e) {
      problem.textContent = errorText(e);
    }
  }, 500);
  const reloadCerts = reloader(async () => {
    certs = (await get('/v1/certs')).certificates;
  });
  const reloadCoordinators = reloader(async () => {
    coordinators = (await get('/v1/cluster/coordinators')).coordinators;
  });

  const note = (time, text) => {
    if (!synced) return;
    recent.unshift({ time, text });
    recent.length = Math.min(recent.length, RECENT);
  };

  stream.open({ types: ['nodes', 'services', 'certs', 'coordinators'] }, (e) => {
    const d = e.data;
    switch (e.type) {
      case 'synced':
        synced = true;
        break;
      case 'nodes': {
        const known = nodes.get(d.node_id);
        nodes.set(d.node_id, { ...(known || {}), ...d });
        if (d.previous && d.previous !== d.state) note(e.time, `${d.node_id} is ${d.state} (was ${d.previous})`);
        else if (!known) note(e.time, `${d.node_id} joined (${d.role})`);
        break;
      }
      case 'services': {
        const key = `${d.node_id}/${d.name}`;
        const was = services.get(key);
        services.set(key, d);
        if (!was || was.state !== d.state || was.generation !== d.generation) {
          note(e.time, `${d.name} on ${d.node_id}: ${d.state}${d.generation ? `, generation ${d.generation}` : ''}`);
        }
        break;
      }
      case 'certs':
        note(e.time, `certificate ${d.change}: ${d.subject} (${d.kind}, serial ${d.serial.slice(0, 12)})`);
        reloadCerts();
        break;
      case 'coordinators':
        note(e.time, d.leader ? `${d.leader} leads (term ${d.term})` : `no leader (term ${d.term})`);
        reloadCoordinators();
        break;
      default:
        return;
    }
    later();
  });

  load();
  return {};
}
