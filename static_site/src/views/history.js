// #/history: every tool's executions in one list, with filters and pages.
import { h, icon } from '../dom.js'
import { createHistory } from '../history.js'

export function historyView(api, tools) {
  const alerts = h('div')
  const history = createHistory(api, null, {
    global: true,
    tools,
    limit: 20,
    onError: (message) => alerts.replaceChildren(h('div', { class: 'alert alert-danger', role: 'alert' }, message)),
  })
  history.refresh()
  const view = h('div', {},
    h('h1', { class: 'h3 mb-1', tabindex: '-1' }, icon('clock-history', 'me-2 text-primary'), 'History'),
    h('p', { class: 'text-body-secondary' }, 'Every job of this key, newest first. Open one for its details and result.'),
    alerts,
    history.element)
  view.dispose = () => history.dispose()
  return view
}
