/** Small DOM helpers: every value from the API goes in as text, never as markup. */
import type { Outcome } from './api';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

export function text(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number')
    return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function table(
  head: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  cls = '',
): HTMLTableElement {
  return el(
    'table',
    cls ? { class: cls } : {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

export type NoticeKind = 'forbidden' | 'missing' | 'error' | 'empty' | 'loading';

/** A panel's message in place of its content: not granted, not available, an error, no data. */
export function notice(kind: NoticeKind, message: string): HTMLElement {
  const title = {
    forbidden: 'Not granted',
    missing: 'Not available',
    error: 'Error',
    empty: 'No data',
    loading: 'Loading',
  }[kind];
  return el(
    'div',
    { class: `notice notice-${kind}`, 'data-notice': kind },
    el('strong', {}, title),
    ' ',
    message,
  );
}

/** An outcome that is not data, as the panel's message. */
export function outcomeNotice(o: Exclude<Outcome<unknown>, { kind: 'ok' }>): HTMLElement {
  if (o.kind === 'forbidden') return notice('forbidden', o.message);
  if (o.kind === 'missing') return notice('missing', 'this server does not offer it yet.');
  return notice('error', o.message);
}

export function setContent(target: HTMLElement, ...nodes: Node[]): void {
  target.replaceChildren(...nodes);
}
