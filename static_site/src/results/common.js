// Pieces the result views share: a copy button, a scrollable text block, a facts table.
import { h, icon } from '../dom.js'

export function copyButton(getText, label = 'Copy') {
  const button = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', onclick: async () => {
    try {
      await navigator.clipboard.writeText(getText())
      button.lastChild.textContent = 'Copied'
    } catch {
      button.lastChild.textContent = 'Copy failed: select the text instead'
    }
    setTimeout(() => { button.lastChild.textContent = label }, 2000)
  } }, icon('clipboard', 'me-1'), h('span', {}, label))
  return button
}

/** A scrollable, focusable (so keyboard users can scroll it) block of text with a copy button. */
export function textBlock(text, { label, note } = {}) {
  return h('div', { class: 'result-text' },
    h('div', { class: 'd-flex flex-wrap gap-2 align-items-center mb-2' },
      h('span', { class: 'small text-body-secondary me-auto' }, note ?? ''),
      copyButton(() => text)),
    h('pre', { class: 'border rounded p-2 bg-body-tertiary mb-0', tabindex: '0', 'aria-label': label ?? 'Result text' }, text))
}

/** A two-column table of [label, value] rows; rows whose value is empty are left out. */
export function factsTable(rows, caption) {
  const kept = rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
  return h('table', { class: 'table table-sm result-table mb-3' },
    caption ? h('caption', { class: 'caption-top fw-semibold text-body' }, caption) : null,
    h('tbody', {}, kept.map(([label, value]) =>
      h('tr', {}, h('th', { scope: 'row', class: 'fw-normal text-body-secondary' }, label), h('td', {}, value)))))
}

export const round = (value, digits = 1) =>
  value === null || value === undefined ? null : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits })
