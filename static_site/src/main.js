// Entry point: load the runtime config, then route between sign-in, catalog and tool pages.
import 'bootstrap/dist/css/bootstrap.min.css'
import 'bootstrap-icons/font/bootstrap-icons.css'
import './styles.css'

import { Api } from './api.js'
import { getApiKey, onKeyChange, signOut } from './auth.js'
import { loadConfig } from './config.js'
import { h, icon, mount } from './dom.js'
import { catalogView } from './views/catalog.js'
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
  mount(sessionArea,
    h('span', { class: 'navbar-text small d-none d-sm-inline text-light' }, icon('person-check', 'me-1'), 'Signed in'),
    h('button', { type: 'button', class: 'btn btn-sm btn-outline-light', id: 'sign-out', onclick: () => signOut() },
      icon('box-arrow-right', 'me-1'), 'Sign out'))
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
  const match = window.location.hash.match(/^#\/tools\/([^/?]+)/)
  if (match) {
    const name = decodeURIComponent(match[1])
    const tool = tools.find((t) => t.name === name)
    if (tool) show(toolView(api, tool), tool.displayName)
    else showError(`There is no tool called "${name}".`)
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
