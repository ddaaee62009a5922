// A table that sorts (click or Enter on a header) and filters (any column's text), and
// updates rows in place by key, so a live update neither steals keyboard focus nor
// resets the order the operator chose.

import { h, fill, coalesce } from './dom.js';

export class Table {
  /**
   * columns: [{ id, label, value(row) for sorting and filtering, cell(row) -> Node|string,
   *            sig(row) (when the cell must be rebuilt; defaults to value) }]
   */
  constructor({ columns, key, label, empty = 'Nothing to show.', sortBy, filter = true }) {
    this.columns = columns;
    this.key = key;
    this.empty = empty;
    this.rows = new Map();
    this.sort = { id: sortBy || columns[0].id, dir: 1 };
    this.needle = '';
    this.trs = new Map();
    this.heads = new Map();
    this.body = h('tbody');
    const headRow = h('tr', {}, columns.map((c) => {
      if (c.sortable === false) return h('th', { scope: 'col', text: c.label });
      const button = h('button', { type: 'button', class: 'sort', onclick: () => this.sortOn(c.id) }, c.label);
      const th = h('th', { scope: 'col', 'aria-sort': 'none' }, button);
      this.heads.set(c.id, th);
      return th;
    }));
    this.table = h('table', {}, h('caption', { class: 'visually-hidden', text: label }), h('thead', {}, headRow), this.body);
    this.count = h('span', { class: 'muted count', 'aria-live': 'polite' });
    const search = filter
      ? h('input', {
        type: 'search',
        placeholder: 'Filter',
        'aria-label': `Filter ${label}`,
        class: 'filter',
        oninput: (e) => {
          this.needle = e.target.value.trim().toLowerCase();
          this.render();
        },
      })
      : null;
    this.el = h('div', { class: 'table-block' }, h('div', { class: 'table-tools' }, search, this.count), h('div', { class: 'scroll' }, this.table));
    this.later = coalesce(() => this.render());
    this.markSort();
  }

  sortOn(id) {
    this.sort = this.sort.id === id ? { id, dir: -this.sort.dir } : { id, dir: 1 };
    this.markSort();
    this.render();
  }

  markSort() {
    for (const [id, th] of this.heads) {
      th.setAttribute('aria-sort', id === this.sort.id ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  setRows(rows) {
    this.rows = new Map(rows.map((r) => [this.key(r), r]));
    this.render();
  }

  upsert(row) {
    this.rows.set(this.key(row), row);
    this.later();
  }

  get(key) {
    return this.rows.get(key);
  }

  values() {
    return [...this.rows.values()];
  }

  render() {
    const col = this.columns.find((c) => c.id === this.sort.id) || this.columns[0];
    const text = (r) => this.columns.map((c) => String(c.value(r) ?? '')).join(' ').toLowerCase();
    const shown = this.values()
      .filter((r) => !this.needle || text(r).includes(this.needle))
      .sort((a, b) => compare(col.value(a), col.value(b)) * this.sort.dir);
    const keep = new Set(shown.map((r) => this.key(r)));
    for (const [k, entry] of this.trs) {
      if (!keep.has(k)) {
        entry.tr.remove();
        this.trs.delete(k);
      }
    }
    const order = [];
    for (const row of shown) {
      const k = this.key(row);
      let entry = this.trs.get(k);
      if (!entry) {
        entry = { tr: h('tr', { 'data-key': k }), sigs: [] };
        entry.tr.append(...this.columns.map(() => h('td')));
        this.trs.set(k, entry);
      }
      this.columns.forEach((c, i) => {
        const sig = String(c.sig ? c.sig(row) : c.value(row));
        if (entry.sigs[i] !== sig) {
          entry.sigs[i] = sig;
          const td = entry.tr.children[i];
          td.className = c.class || '';
          td.setAttribute('data-label', c.label);
          fill(td, c.cell ? c.cell(row) : String(c.value(row) ?? '–'));
        }
      });
      order.push(entry.tr);
    }
    // Move rows only when the order changed: moving a row would drop the focus in it.
    const current = [...this.body.children];
    if (current.length !== order.length || current.some((tr, i) => tr !== order[i])) {
      this.body.replaceChildren(...order);
    }
    if (!order.length) {
      this.body.replaceChildren(h('tr', { class: 'empty' }, h('td', { colspan: this.columns.length, text: this.empty })));
    }
    this.count.textContent = this.needle ? `${shown.length} of ${this.rows.size}` : `${this.rows.size}`;
  }
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;
  if (b === null || b === undefined || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}
