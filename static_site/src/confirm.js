// A Bootstrap confirmation dialog that resolves to true (confirmed) or false.
import Modal from 'bootstrap/js/dist/modal'
import { h } from './dom.js'

export function confirmDialog({ title, body, confirmLabel = 'Delete' }) {
  // Focus goes back where it was when the dialog closes (the button that opened it).
  const trigger = document.activeElement
  return new Promise((resolve) => {
    let confirmed = false
    const yes = h('button', { type: 'button', class: 'btn btn-danger' }, confirmLabel)
    const element = h('div', { class: 'modal fade', tabindex: '-1', 'aria-labelledby': 'confirm-title', 'aria-modal': 'true', role: 'dialog' },
      h('div', { class: 'modal-dialog modal-dialog-centered' },
        h('div', { class: 'modal-content' },
          h('div', { class: 'modal-header' },
            h('h2', { id: 'confirm-title', class: 'modal-title h5' }, title),
            h('button', { type: 'button', class: 'btn-close', 'data-bs-dismiss': 'modal', 'aria-label': 'Close' })),
          h('div', { class: 'modal-body' }, body),
          h('div', { class: 'modal-footer' },
            h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-bs-dismiss': 'modal' }, 'Cancel'),
            yes))))
    document.body.append(element)
    const modal = new Modal(element)
    yes.addEventListener('click', () => {
      confirmed = true
      modal.hide()
    })
    element.addEventListener('shown.bs.modal', () => yes.focus())
    element.addEventListener('hidden.bs.modal', () => {
      modal.dispose()
      element.remove()
      if (trigger instanceof HTMLElement && trigger.isConnected) trigger.focus()
      resolve(confirmed)
    })
    modal.show()
  })
}
