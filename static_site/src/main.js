// Entry point: load the runtime config, then route between sign-in, catalog and tool pages.
import 'bootstrap/dist/css/bootstrap.min.css'
import 'bootstrap-icons/font/bootstrap-icons.css'
import './styles.css'

import { Api } from './api.js'
import { getApiKey, onKeyChange, signOut } from './auth.js'
import { loadConfig } from './config.js'
import { h, icon, mount } from './dom.js'
import { catalogView } from './views/catalog.js'
import { historyView } from './views/history.js'
import { jobView } from './views/job.js'
import { signInView } from './views/signin.js'
import { toolView } from './views/tool.js'

const main = document.getElementById('main')
const sessionArea = document.getElementById('session-area')
let api
let tools = null
let currentView = null

function renderSession() {
  if (!getApiKey()) {
    mount(sessionArea)
    return
  }
  const here = window.location.hash
  const link = (href, iconName, text, active) => h('a', { class: `nav-link px-2${active ? ' active' : ''}`, href, 'aria-current': active ? 'page' : undefined },
    icon(iconName, 'me-1'), h('span', { class: 'd-none d-sm-inline' }, text), h('span', { class: 'visually-hidden d-sm-none' }, text))
  mount(sessionArea,
    h('div', { class: 'navbar-nav flex-row me-2' },
      link('#/', 'grid', 'Tools', !here.startsWith('#/history') && !here.startsWith('#/jobs')),
      link('#/history', 'clock-history', 'History', here.startsWith('#/history') || here.startsWith('#/jobs'))),
    h('span', { class: 'navbar-text small d-none d-md-inline text-light' }, icon('person-check', 'me-1'), 'Signed in'),
    h('button', { type: 'button', class: 'btn btn-sm btn-outline-light', id: 'sign-out', onclick: () => signOut() },
      icon('box-arrow-right', 'me-sm-1'), h('span', { class: 'd-none d-sm-inline' }, 'Sign out'), h('span', { class: 'visually-hidden d-sm-none' }, 'Sign out')))
}

function show(view, title) {
  currentView?.dispose?.()
  currentView = view
  mount(main, view)
  document.title = title ? `${title} · MagicToolbox` : 'MagicToolbox'
  // Move focus to the new page's heading so keyboard and screen-reader users start there.
  view.querySelector('h1')?.focus({ preventScroll: true })
}

function showError(message) {
  show(h('div', { class: 'alert alert-danger', role: 'alert' },
    h('h1', { class: 'h5', tabindex: '-1' }, 'Something went wrong'), message))
}

async function route() {
  renderSession()
  if (!getApiKey()) {
    show(signInView(api), 'Sign in')
    return
  }
  try {
    tools ??= await api.tools()
  } catch (error) {
    if (error.status === 401) {
      signOut()
      return
    }
    showError(`The tool catalog could not be loaded: ${error.message}`)
    return
  }
  const hash = window.location.hash
  const toolMatch = hash.match(/^#\/tools\/([^/?]+)(?:\/jobs\/([^/?]+))?/)
  const jobMatch = hash.match(/^#\/jobs\/([^/?]+)/)
  if (toolMatch) {
    const name = decodeURIComponent(toolMatch[1])
    const tool = tools.find((t) => t.name === name)
    const jobId = toolMatch[2] ? decodeURIComponent(toolMatch[2]) : undefined
    if (tool) show(toolView(api, tool, { tools, jobId }), tool.displayName)
    else showError(`There is no tool called "${name}".`)
  } else if (jobMatch) {
    show(jobView(api, tools, decodeURIComponent(jobMatch[1])), 'Job')
  } else if (hash.startsWith('#/history')) {
    show(historyView(api, tools), 'History')
  } else {
    show(catalogView(tools), 'Tools')
  }
}

async function start() {
  const config = await loadConfig()
  api = new Api(config.apiBaseUrl)
  onKeyChange(() => {
    tools = null
    route()
  })
  window.addEventListener('hashchange', route)
  await route()
}

start()
