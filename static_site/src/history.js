// The history sidebar: a tool's last executions, with download, delete and bulk delete.
import { startDownload } from './api.js'
import { confirmDialog } from './confirm.js'
import { h, icon, mount } from './dom.js'
import { statusStyle, timeAgo } from './format.js'

const LIMIT = 10

export function statusBadge(status) {
  const [style, iconName] = statusStyle(status)
  return h('span', { class: `badge ${style}` }, icon(iconName, 'me-1'), status)
}

export function errorText(error) {
  if (!error) return ''
  if (typeof error === 'string') return error
  return error.message ?? error.error ?? JSON.stringify(error)
}

export function createHistory(api, toolName, { onError } = {}) {
  const list = h('ul', { class: 'list-group list-group-flush', 'aria-label': 'Recent executions' })
  const state = h('div', { class: 'p-3 text-body-secondary small', role: 'status' })
  const selected = new Set()
  const bulk = h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger', disabled: true, onclick: bulkDelete },
    icon('trash3', 'me-1'), 'Delete selected')
  const refreshButton = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', onclick: () => refresh() },
    icon('arrow-clockwise', 'me-1'), 'Refresh')

  function updateBulk() {
    bulk.disabled = selected.size === 0
    bulk.lastChild.textContent = selected.size ? `Delete selected (${selected.size})` : 'Delete selected'
  }

  function item(execution) {
    const id = execution.executionId
    const name = execution.inputFilename || execution.toolName
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
    return h('li', { class: 'list-group-item history-item', dataset: { executionId: id } },
      h('div', { class: 'd-flex gap-2 align-items-start' },
        checkbox,
        h('div', { class: 'flex-grow-1 min-w-0' },
          h('label', { for: `sel-${id}`, class: 'd-block text-truncate fw-semibold small' }, name),
          h('div', { class: 'd-flex flex-wrap gap-2 align-items-center small' },
            statusBadge(execution.status),
            h('time', { datetime: execution.createdAt, class: 'text-body-secondary' }, timeAgo(execution.createdAt))),
          execution.outputFilename
            ? h('div', { class: 'small text-body-secondary text-truncate' }, icon('arrow-return-right', 'me-1'), execution.outputFilename)
            : null,
          execution.status === 'failed' && execution.error
            ? h('div', { class: 'small text-danger-emphasis text-truncate' }, errorText(execution.error))
            : null),
        actions))
  }

  async function refresh() {
    mount(state, h('span', { class: 'spinner-border spinner-border-sm me-2', 'aria-hidden': 'true' }), 'Loading…')
    state.classList.remove('d-none')
    try {
      const page = await api.history({ toolName, limit: LIMIT })
      const results = page?.results ?? []
      const ids = new Set(results.map((r) => r.executionId))
      for (const id of [...selected]) if (!ids.has(id)) selected.delete(id)
      updateBulk()
      mount(list, ...results.map(item))
      if (results.length === 0) mount(state, 'No executions yet. Your jobs will appear here.')
      else state.classList.add('d-none')
    } catch (error) {
      mount(state, h('span', { class: 'text-danger' }, `Could not load history: ${error.message}`))
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

  const element = h('section', { class: 'card shadow-sm', 'aria-labelledby': 'history-title' },
    h('div', { class: 'card-header bg-body d-flex flex-wrap gap-2 align-items-center' },
      h('h2', { id: 'history-title', class: 'h6 mb-0 me-auto' }, icon('clock-history', 'me-1'), 'History'),
      refreshButton, bulk),
    state,
    list)
  return { element, refresh }
}
