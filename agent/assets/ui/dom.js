// Elements are built from data without ever parsing HTML: every text goes in through
// textContent, so nothing a node, a service or a log line says can become markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  add(el, children);
  return el;
}

function add(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  add(el, children);
  return el;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i += 1;
  }
  return `${x >= 100 || i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i]}`;
}

export function percent(x) {
  return x === null || x === undefined ? '–' : `${x.toFixed(1)} %`;
}

/** "5 min ago", "in 12 d": what a glance needs; the absolute time is in the title. */
export function relative(ms, now = Date.now()) {
  const s = Math.round((ms - now) / 1000);
  const a = Math.abs(s);
  let text;
  if (a < 5) return 'just now';
  if (a < 60) text = `${a} s`;
  else if (a < 3600) text = `${Math.round(a / 60)} min`;
  else if (a < 86400) text = `${Math.round(a / 3600)} h`;
  else text = `${Math.round(a / 86400)} d`;
  return s < 0 ? `${text} ago` : `in ${text}`;
}

export function absolute(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

/** A time shown relative, with the absolute one on hover and for screen readers. */
export function when(iso) {
  if (!iso) return h('span', { class: 'muted', text: '–' });
  const ms = Date.parse(iso);
  return h('time', { datetime: iso, title: absolute(ms), 'data-at': ms, text: relative(ms) });
}

/** Keeps relative times true as the page stays open. */
export function refreshTimes(root) {
  for (const t of root.querySelectorAll('time[data-at]')) {
    t.textContent = relative(Number(t.dataset.at));
  }
}

export function badge(value, kind) {
  return h('span', { class: `badge ${kind || `s-${value}`}`, text: value });
}

/** Runs `fn` once soon, however many times it is asked before then. */
export function coalesce(fn, ms = 50) {
  let timer = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

export function card(title, ...body) {
  return h('section', { class: 'card' }, h('h2', { text: title }), ...body);
}

export function errorText(err) {
  return err && err.message ? err.message : String(err);
}
