// Home: the tool catalog grouped by category, filtered as the user types.
import { h, icon, mount } from '../dom.js'

const CATEGORY_TITLES = {
  image: 'Images',
  video: 'Video',
  pdf: 'PDF',
  gpx: 'GPS tracks',
  ocr: 'Text recognition',
  spreadsheet: 'Spreadsheets',
  data: 'Data',
}

function searchText(tool) {
  const extensions = (tool.inputTypes ?? []).flatMap((t) => t.extensions ?? [])
  return [tool.name, tool.displayName, tool.description, tool.category, ...extensions]
    .join(' ')
    .toLowerCase()
}

function toolCard(tool) {
  const inputs = (tool.inputTypes ?? []).map((t) => t.name).join(', ')
  return h('div', { class: 'col' },
    h('a', { class: 'card h-100 text-decoration-none tool-card shadow-sm', href: `#/tools/${encodeURIComponent(tool.name)}` },
      h('div', { class: 'card-body' },
        h('h3', { class: 'h6 card-title d-flex align-items-center gap-2' },
          icon(tool.icon || 'gear', 'fs-4 text-primary'), tool.displayName),
        h('p', { class: 'card-text small text-body-secondary mb-2' }, tool.description),
        h('p', { class: 'card-text small mb-0 text-body-secondary' },
          tool.maxFiles === 0 ? 'No file needed' : `Takes: ${inputs || 'any file'}`))))
}

export function catalogView(tools) {
  const results = h('div')
  const count = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' })
  const search = h('input', {
    id: 'tool-search',
    type: 'search',
    class: 'form-control form-control-lg',
    placeholder: 'Search tools, e.g. "webp" or "merge"',
    autocomplete: 'off',
    oninput: () => render(search.value),
  })

  function render(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean)
    const matching = tools.filter((tool) => words.every((word) => searchText(tool).includes(word)))
    const groups = new Map()
    for (const tool of matching) {
      if (!groups.has(tool.category)) groups.set(tool.category, [])
      groups.get(tool.category).push(tool)
    }
    const order = Object.keys(CATEGORY_TITLES)
    const rank = (category) => (order.includes(category) ? order.indexOf(category) : order.length)
    const sorted = [...groups].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    count.textContent = `${matching.length} tool${matching.length === 1 ? '' : 's'} found`
    if (matching.length === 0) {
      mount(results, h('p', { class: 'text-body-secondary' }, 'No tool matches your search.'))
      return
    }
    mount(results, ...sorted.map(([category, items]) =>
      h('section', { class: 'mb-4', 'aria-labelledby': `cat-${category}` },
        h('h2', { id: `cat-${category}`, class: 'h5 mb-3', tabindex: '-1' }, CATEGORY_TITLES[category] ?? category),
        h('div', { class: 'row row-cols-1 row-cols-sm-2 row-cols-lg-3 g-3' }, items.map(toolCard)))))
  }

  render('')
  // In-page links by script: a plain "#cat-image" would be taken for a route.
  const present = Object.keys(CATEGORY_TITLES).filter((c) => tools.some((t) => t.category === c))
  const jumps = h('nav', { 'aria-label': 'Categories', class: 'mb-3' },
    h('ul', { class: 'nav nav-pills small gap-1' }, present.map((category) => h('li', { class: 'nav-item' },
      h('a', { class: 'nav-link py-1 px-2 border', href: `#/?category=${category}`, onclick: (event) => {
        event.preventDefault()
        if (search.value) { search.value = ''; render('') }
        const heading = document.getElementById(`cat-${category}`)
        heading?.scrollIntoView({ block: 'start' })
        heading?.focus({ preventScroll: true })
      } }, CATEGORY_TITLES[category])))))
  return h('div', {},
    h('h1', { class: 'h2 mb-1', tabindex: '-1' }, 'Tools'),
    h('p', { class: 'text-body-secondary' }, 'Pick a tool, give it a file, see the result here and download it.'),
    jumps,
    h('div', { class: 'mb-4', role: 'search' },
      h('label', { for: 'tool-search', class: 'form-label' }, 'Search tools'),
      search),
    count,
    results)
}
