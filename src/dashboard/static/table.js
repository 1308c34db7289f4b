// A generic table for JSON objects whose fields the page does not know in advance.
import { h } from './dom.js';

/** Text for a JSON value in a table cell. */
export function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (typeof v === 'object') {
    if (Array.isArray(v)) return v.map(cellText).join(', ');
    return Object.entries(v).map(([k, x]) => `${k}=${cellText(x)}`).join(', ');
  }
  return String(v);
}

/** A table of `items` with one column per key (in first-seen order, at most `maxCols`). */
export function objectTable(items, label, maxCols = 10) {
  const cols = [];
  for (const it of items) for (const k of Object.keys(it)) if (!cols.includes(k) && cols.length < maxCols) cols.push(k);
  return h('div', { class: 'table-wrap' },
    h('table', { 'aria-label': label },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((it) => h('tr', {}, cols.map((c) => h('td', {}, cellText(it[c]))))))));
}
