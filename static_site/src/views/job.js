// #/jobs/ID: one job's details, live progress and result.
import { h, icon, mount } from '../dom.js'
import { formatBytes, formatDate, formatDuration } from '../format.js'
import { statusBadge } from '../history.js'
import { jobPanel } from '../job-panel.js'
import { labelFor } from '../schema-form.js'

function parameterText(tool, name, value) {
  const node = tool?.parameters?.properties?.[name] ?? {}
  const label = labelFor(name, node)
  let shown = node['x-enumLabels']?.[String(value)] ?? (typeof value === 'object' ? JSON.stringify(value) : String(value))
  if (typeof value === 'boolean') shown = value ? 'Yes' : 'No'
  return [label, shown]
}

export function jobView(api, tools, executionId) {
  const toolFor = (name) => tools.find((t) => t.name === name)
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' })
  const heading = h('h1', { class: 'h3 mb-1', tabindex: '-1' }, 'Job')
  const facts = h('div', { class: 'mb-3' })
  const panel = jobPanel(api, { toolFor, announce: (text) => { live.textContent = text } })
  const actions = h('div', { class: 'd-flex flex-wrap gap-2 mt-3' })

  function renderFacts(status) {
    const tool = toolFor(status.toolName)
    heading.replaceChildren(icon(tool?.icon || 'gear', 'text-primary me-2'), status.inputFilename || tool?.displayName || status.toolName)
    const rows = [
      ['Tool', tool ? h('a', { href: `#/tools/${encodeURIComponent(tool.name)}` }, tool.displayName) : status.toolName],
      ['Status', statusBadge(status.status)],
      ['Input', status.inputFilenames?.length > 1 ? status.inputFilenames.join(', ') : (status.inputFilename ? `${status.inputFilename} (${formatBytes(status.inputSize)})` : null)],
      ['Output', status.outputFilename ? `${status.outputFilename} (${formatBytes(status.outputSize)})` : null],
      ['Created', formatDate(status.createdAt)],
      ['Finished', status.completedAt ? formatDate(status.completedAt) : null],
      ['Processing time', status.processingTime !== null && status.processingTime !== undefined ? formatDuration(status.processingTime) : null],
      ['Expires', status.expiresAt ? formatDate(status.expiresAt) : null],
      ...Object.entries(status.parameters ?? {}).filter(([, value]) => value !== null).map(([name, value]) => parameterText(tool, name, value)),
    ].filter(([, value]) => value !== null && value !== undefined && value !== '')
    mount(facts, h('dl', { class: 'row small mb-0 job-facts' }, rows.flatMap(([k, v]) => [
      h('dt', { class: 'col-sm-3 fw-normal text-body-secondary' }, k), h('dd', { class: 'col-sm-9 mb-1' }, v)])))
    mount(actions, tool ? h('a', { class: 'btn btn-outline-primary', href: `#/tools/${encodeURIComponent(tool.name)}` }, icon('arrow-repeat', 'me-1'), 'Use this tool again') : null,
      h('a', { class: 'btn btn-outline-secondary', href: '#/history' }, icon('clock-history', 'me-1'), 'All history'))
  }

  async function load() {
    try {
      renderFacts(await api.status(executionId))
      const final = await panel.follow(executionId, { focusResult: false })
      renderFacts(final)
    } catch (error) {
      if (error.name === 'AbortError') return
      panel.showAlert(error.status === 404 ? 'There is no such job: it may have been deleted, or it belongs to another key.' : error.message)
    }
  }

  load()
  const view = h('div', {},
    h('nav', { 'aria-label': 'Breadcrumb' },
      h('ol', { class: 'breadcrumb mb-2' },
        h('li', { class: 'breadcrumb-item' }, h('a', { href: '#/history' }, 'History')),
        h('li', { class: 'breadcrumb-item active', 'aria-current': 'page' }, 'Job'))),
    heading,
    h('section', { class: 'card shadow-sm mt-3', 'aria-label': 'Job details' },
      h('div', { class: 'card-body' }, facts, panel.element, actions, live)))
  view.dispose = () => panel.stop()
  return view
}
