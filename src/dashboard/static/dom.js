// @ts-check
// Small DOM helpers: elements are built with textContent only, so names from processes and pods
// (untrusted text) can never become markup.

/** @typedef {string | number | Node | null | undefined | false | unknown[]} Child */

/**
 * Creates an element: h('td', {class: 'num', 'aria-label': 'x'}, 'text', child).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs] attributes; `on<event>` functions become listeners
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of /** @type {unknown[]} */ (children.flat(Infinity))) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * Replaces the children of `el`.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  const nodes = /** @type {Array<string | Node>} */ (
    children
      .flat(Infinity)
      .filter((c) => c !== undefined && c !== null && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c))
  );
  el.replaceChildren(...nodes);
}

/**
 * Sets the text of the element with id `id`.
 * @param {string} id
 * @param {string} text
 */
export function setText(id, text) {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

/**
 * The element with id `id`, which the page must have, as an instance of `type` (throws otherwise: the
 * page and its scripts ship together, so a missing element is a bug to surface, not to skip).
 * @template {Element} [T=HTMLElement]
 * @param {string} id
 * @param {{ new (): T; prototype: T }} [type] e.g. HTMLInputElement (default HTMLElement)
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  const want = type ?? HTMLElement;
  if (!(el instanceof want)) throw new Error(`the page has no ${want.name} #${id}`);
  return /** @type {T} */ (/** @type {unknown} */ (el));
}
