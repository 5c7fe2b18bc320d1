// Tiny DOM helpers: build elements from data, never from HTML strings (file names are user input).

/**
 * Create an element. `attrs` keys: `class`, `text`, `dataset`, `on<Event>` handlers,
 * boolean attributes (true/false), anything else as an attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') el.className = value
    else if (key === 'text') el.textContent = value
    else if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value)
    } else if (value === true) el.setAttribute(key, '')
    else el.setAttribute(key, String(value))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/** A decorative Bootstrap icon (hidden from screen readers). */
export function icon(name, extra = '') {
  return h('i', { class: `bi bi-${name} ${extra}`.trim(), 'aria-hidden': 'true' })
}

/** Replace an element's children. */
export function mount(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

let idCounter = 0
/** A unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  idCounter += 1
  return `${prefix}-${idCounter}`
}
