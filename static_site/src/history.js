// Execution history: the per-tool sidebar and the global page (filters, pages) share this.
// Rows of jobs still running refresh by themselves until final; relative times stay current.
import { startDownload } from './api.js'
import { confirmDialog } from './confirm.js'
import { h, icon, mount } from './dom.js'
import { FINAL_STATUSES, statusStyle, timeAgo } from './format.js'

const LIVE_MS = 3000
const CLOCK_MS = 30000
export const STATUSES = ['pending', 'queued', 'processing', 'completed', 'failed', 'expired']

export function statusBadge(status) {
  const [style, iconName] = statusStyle(status)
  return h('span', { class: `badge ${style}` }, icon(iconName, 'me-1'), status)
}

export function errorText(error) {
  if (!error) return ''
  if (typeof error === 'string') return error
  return error.message ?? error.error ?? JSON.stringify(error)
}

/** The cursor in a `next` / `previous` link; null for the first page. */
const cursorOf = (link) => (link ? new URL(link, window.location.href).searchParams.get('cursor') : null)

export const jobHref = (id) => `#/jobs/${encodeURIComponent(id)}`

/**
 * A history list. `toolName` limits it to one tool (the sidebar); `global` adds the tool and
 * status filters, the tool's name on each row and paging. Returns {element, refresh, dispose}.
 */
export function createHistory(api, toolName, { onError, global = false, tools = [], limit = 10 } = {}) {
  const list = h('ul', { class: 'list-group list-group-flush', 'aria-label': 'Executions' })
  const state = h('div', { class: 'p-3 text-body-secondary small', role: 'status' })
  const selected = new Set()
  const displayName = (name) => tools.find((t) => t.name === name)?.displayName ?? name
  let results = []
  let cursor = null // where the shown page starts; null: the newest
  let page = null
  let liveTimer = null
  let latest = 0 // answers to older requests (a filter changed meanwhile) are dropped
  let disposed = false
  const clock = setInterval(() => {
    for (const time of list.querySelectorAll('time[datetime]')) time.textContent = timeAgo(time.getAttribute('datetime'))
  }, CLOCK_MS)

  const bulk = h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger', disabled: true, onclick: bulkDelete },
    icon('trash3', 'me-1'), 'Delete selected')
  const refreshButton = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', onclick: () => refresh() },
    icon('arrow-clockwise', 'me-1'), 'Refresh')

  const toolFilter = h('select', { class: 'form-select form-select-sm', id: 'filter-tool', onchange: () => { cursor = null; refresh() } },
    h('option', { value: '' }, 'All tools'),
    [...tools].sort((a, b) => a.displayName.localeCompare(b.displayName)).map((t) => h('option', { value: t.name }, t.displayName)))
  const statusFilter = h('select', { class: 'form-select form-select-sm', id: 'filter-status', onchange: () => { cursor = null; refresh() } },
    h('option', { value: '' }, 'Any status'), STATUSES.map((s) => h('option', { value: s }, s)))
  const previous = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', onclick: () => { cursor = cursorOf(page?.previous); refresh() } },
    icon('chevron-left', 'me-1'), 'Newer')
  const next = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', onclick: () => { cursor = cursorOf(page?.next); refresh() } },
    'Older', icon('chevron-right', 'ms-1'))
  const pageInfo = h('span', { class: 'small text-body-secondary' })

  function updateBulk() {
    bulk.disabled = selected.size === 0
    bulk.lastChild.textContent = selected.size ? `Delete selected (${selected.size})` : 'Delete selected'
  }

  function item(execution) {
    const id = execution.executionId
    const name = execution.inputFilename || displayName(execution.toolName)
    const checkbox = h('input', {
      type: 'checkbox',
      class: 'form-check-input mt-1',
      id: `sel-${id}`,
      checked: selected.has(id),
      onchange: (event) => {
        if (event.target.checked) selected.add(id)
        else selected.delete(id)
        updateBulk()
      },
    })
    const actions = h('div', { class: 'btn-group btn-group-sm' })
    if (execution.status === 'completed') {
      actions.append(h('button', { type: 'button', class: 'btn btn-outline-primary', onclick: () => download(execution) },
        icon('download'), h('span', { class: 'visually-hidden' }, `Download ${execution.outputFilename ?? name}`)))
    }
    actions.append(h('button', { type: 'button', class: 'btn btn-outline-danger', onclick: () => removeOne(execution) },
      icon('trash3'), h('span', { class: 'visually-hidden' }, `Delete ${name}`)))
    const running = !FINAL_STATUSES.has(execution.status)
    return h('li', { class: 'list-group-item history-item', dataset: { executionId: id, status: execution.status, tool: execution.toolName } },
      h('div', { class: 'd-flex gap-2 align-items-start' },
        checkbox,
        h('label', { for: `sel-${id}`, class: 'visually-hidden' }, `Select ${name}`),
        h('div', { class: 'flex-grow-1 min-w-0' },
          h('a', { href: jobHref(id), class: 'd-block text-truncate fw-semibold small' }, name),
          h('div', { class: 'd-flex flex-wrap gap-2 align-items-center small' },
            global ? h('span', { class: 'text-body-secondary' }, displayName(execution.toolName)) : null,
            statusBadge(execution.status),
            running && execution.progress ? h('span', { class: 'text-body-secondary' }, `${Math.round(execution.progress)}%`) : null,
            h('time', { datetime: execution.createdAt, class: 'text-body-secondary' }, timeAgo(execution.createdAt))),
          execution.outputFilename
            ? h('div', { class: 'small text-body-secondary text-truncate' }, icon('arrow-return-right', 'me-1'), execution.outputFilename)
            : null,
          execution.status === 'failed' && execution.error
            ? h('div', { class: 'small text-danger-emphasis text-break history-error' }, errorText(execution.error))
            : null),
        actions))
  }

  /** Load the list; `quiet` (the live refresh) shows no spinner and keeps focus where it is. */
  async function refresh({ quiet = false } = {}) {
    clearTimeout(liveTimer)
    liveTimer = null
    if (!quiet) {
      mount(state, h('span', { class: 'spinner-border spinner-border-sm me-2', 'aria-hidden': 'true' }), 'Loading…')
      state.classList.remove('d-none')
    }
    latest += 1
    const asked = latest
    try {
      const answer = await api.history({
        toolName: global ? toolFilter.value : toolName,
        status: global ? statusFilter.value : undefined,
        limit,
        cursor: cursor ?? undefined,
      })
      if (disposed || asked !== latest) return
      page = answer
      results = page?.results ?? []
      const ids = new Set(results.map((r) => r.executionId))
      for (const id of [...selected]) if (!ids.has(id)) selected.delete(id)
      updateBulk()
      const focusedId = document.activeElement?.closest?.('.history-item')?.dataset.executionId
      mount(list, ...results.map(item))
      if (focusedId) list.querySelector(`[data-execution-id="${CSS.escape(focusedId)}"] a`)?.focus()
      if (results.length === 0) mount(state, cursor ? 'No more executions.' : 'No executions yet. Your jobs will appear here.')
      else state.classList.add('d-none')
      previous.disabled = !page?.previous
      next.disabled = !page?.next
      // `count` runs up to this page; it is the total only on the last one (`approximate` false).
      const last = page?.count ?? results.length
      pageInfo.textContent = results.length
        ? `${last - results.length + 1}–${last}${page?.approximate ? '' : ` of ${last}`}`
        : ''
      if (results.some((r) => !FINAL_STATUSES.has(r.status))) liveTimer = setTimeout(() => refresh({ quiet: true }), LIVE_MS)
    } catch (error) {
      if (disposed || asked !== latest) return
      if (!quiet) mount(state, h('span', { class: 'text-danger' }, `Could not load history: ${error.message}`))
      else liveTimer = setTimeout(() => refresh({ quiet: true }), LIVE_MS * 3)
    }
  }

  async function download(execution) {
    try {
      startDownload(await api.downloadLink(execution.executionId))
    } catch (error) {
      onError?.(`Download failed: ${error.message}`)
    }
  }

  async function removeOne(execution) {
    const name = execution.inputFilename || execution.executionId
    if (!(await confirmDialog({ title: 'Delete this execution?', body: `"${name}" and its files will be deleted. This cannot be undone.` }))) return
    try {
      await api.remove(execution.executionId)
      selected.delete(execution.executionId)
    } catch (error) {
      onError?.(`Delete failed: ${error.message}`)
    }
    await refresh()
    refreshButton.focus()
  }

  async function bulkDelete() {
    const ids = [...selected]
    if (!(await confirmDialog({ title: `Delete ${ids.length} execution${ids.length === 1 ? '' : 's'}?`, body: 'The selected executions and their files will be deleted. This cannot be undone.' }))) return
    try {
      const result = await api.bulkRemove(ids)
      if (result?.failed) onError?.(`${result.failed} could not be deleted.`)
    } catch (error) {
      onError?.(`Delete failed: ${error.message}`)
    }
    selected.clear()
    await refresh()
    refreshButton.focus()
  }

  const filters = global
    ? h('div', { class: 'card-body border-bottom d-flex flex-wrap gap-3 align-items-end', role: 'search', 'aria-label': 'Filter the history' },
      h('div', {}, h('label', { for: 'filter-tool', class: 'form-label small mb-1' }, 'Tool'), toolFilter),
      h('div', {}, h('label', { for: 'filter-status', class: 'form-label small mb-1' }, 'Status'), statusFilter))
    : null
  const paging = global
    ? h('div', { class: 'card-footer bg-body d-flex gap-2 align-items-center' }, previous, next, pageInfo)
    : null
  const element = h('section', { class: 'card shadow-sm', 'aria-labelledby': 'history-title' },
    h('div', { class: 'card-header bg-body d-flex flex-wrap gap-2 align-items-center' },
      h(global ? 'h2' : 'h2', { id: 'history-title', class: 'h6 mb-0 me-auto' }, icon('clock-history', 'me-1'), global ? 'All executions' : 'History'),
      refreshButton, bulk),
    filters,
    state,
    list,
    paging,
    global ? null : h('div', { class: 'card-footer bg-body small' }, h('a', { href: '#/history' }, 'All tools’ history')))
  return {
    element,
    refresh,
    dispose() {
      disposed = true
      clearTimeout(liveTimer)
      clearInterval(clock)
    },
  }
}
