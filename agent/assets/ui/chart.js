// A small line chart in SVG: the last `capacity` points of one or more series, with gaps
// where a value is missing. Hand-drawn rather than a library: a few paths are all a
// 100-point view needs, and the page stays free of third-party code.

import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

export class LineChart {
  /**
   * series: [{ label }] (colours come from the style sheet, by position);
   * format(value) for the axis and legend; max: a fixed top (e.g. 100 for percent) or a
   * function of the points (e.g. total memory), else the highest value.
   */
  constructor({ id, title, series, format, max, capacity = 100 }) {
    this.series = series;
    this.format = format;
    this.max = max;
    this.capacity = capacity;
    this.points = [];
    this.lines = series.map((_, i) => svg('path', { class: `line line-${i}`, 'vector-effect': 'non-scaling-stroke' }));
    this.grid = svg('g', { class: 'grid' });
    for (const y of [0, 25, 50, 75, 100]) {
      this.grid.append(svg('line', { x1: 0, x2: 100, y1: y, y2: y, 'vector-effect': 'non-scaling-stroke' }));
    }
    this.svg = svg('svg', { viewBox: '0 0 100 100', preserveAspectRatio: 'none', class: 'plot', 'aria-hidden': 'true' });
    this.svg.append(this.grid, ...this.lines);
    this.top = h('span', { class: 'axis top' });
    this.legend = series.map((s, i) => h('span', { class: `key key-${i}` }, h('span', { class: 'swatch' }), `${s.label} `, h('b', { text: '–' })));
    this.el = h(
      'figure',
      { class: 'chart', id, 'data-points': 0, role: 'img', 'aria-label': title },
      h('figcaption', {}, h('span', { class: 'chart-title', text: title }), h('span', { class: 'legend' }, this.legend)),
      h('div', { class: 'plot-box' }, this.top, this.svg, h('span', { class: 'axis bottom', text: '0' })),
    );
  }

  /** Replaces every point: [[timeMs, [v0, v1, ...]], ...], oldest first. */
  set(points) {
    this.points = points.slice(-this.capacity);
    this.draw();
  }

  /** Adds the newest point; one older than the newest held is ignored. */
  push(timeMs, values) {
    const last = this.points[this.points.length - 1];
    if (last && timeMs <= last[0]) return;
    this.points.push([timeMs, values]);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
    this.draw();
  }

  draw() {
    const n = this.points.length;
    const values = this.points.flatMap(([, vs]) => vs).filter((v) => v !== null && Number.isFinite(v));
    let top = typeof this.max === 'function' ? this.max(this.points) : this.max;
    if (!top || !Number.isFinite(top)) top = niceTop(Math.max(0, ...values));
    this.lines.forEach((line, s) => {
      // Points sit at the right, the newest at the edge; a missing value lifts the pen.
      let d = '';
      let pen = 'M';
      this.points.forEach(([, vs], i) => {
        const v = vs[s];
        if (v === null || v === undefined || !Number.isFinite(v)) {
          pen = 'M';
          return;
        }
        const x = ((this.capacity - n + i) / (this.capacity - 1)) * 100;
        const y = 100 - Math.min(1, Math.max(0, v / top)) * 100;
        d += `${pen}${x.toFixed(2)} ${y.toFixed(2)}`;
        pen = 'L';
      });
      line.setAttribute('d', d);
    });
    this.top.textContent = this.format(top);
    const latest = this.points[n - 1];
    this.legend.forEach((key, s) => {
      const v = latest ? latest[1][s] : null;
      key.lastChild.textContent = v === null || v === undefined ? '–' : this.format(v);
    });
    this.el.setAttribute('data-points', String(n));
  }
}

/** 1, 2 or 5 times a power of ten, at or above `v`. */
function niceTop(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}
