// Following one job: its processing bar and step, then its result or its error. Used by the
// tool page (after Start, or when its URL names a job) and by the job page.
import { h, icon, mount } from './dom.js'
import { errorText } from './history.js'
import { pollStatus } from './poller.js'
import { progressBar } from './progress.js'
import { resultView } from './results/index.js'

/** Failures that the same input would meet again: no Retry button for these. */
const PERMANENT = new Set([
  'invalid_input', 'unsupported_type', 'too_large', 'limit_exceeded', 'invalid_parameters',
  'empty_file', 'file_count', 'bad_filename', 'unknown_tool', 'no_files_expected', 'memory_limit',
  'invalid_body', 'invalid_json', 'files_expected', 'not_sync',
])

export const isPermanent = (code) => PERMANENT.has(code)

const WAITING = {
  pending: 'Waiting for the upload to finish…',
  queued: 'Waiting in the queue…',
  processing: 'Processing…',
}

export function jobPanel(api, { toolFor, announce = () => {}, onRetry } = {}) {
  const alerts = h('div', { class: 'job-alerts' })
  const bar = progressBar('process-progress', 'Processing progress')
  const step = h('div', { class: 'small text-body-secondary mb-3', id: 'process-step' })
  const section = h('div', { class: 'd-none', id: 'process-section' },
    h('div', { class: 'fw-semibold small mb-1' }, 'Processing'), bar.element, step)
  const result = h('div', { id: 'result' })
  let poller = null

  function showAlert(message, { retry = false, kind = 'danger', title } = {}) {
    const body = h('div', { class: `alert alert-${kind} d-flex flex-wrap gap-2 align-items-center`, role: 'alert' },
      h('div', { class: 'me-auto' }, title ? h('strong', { class: 'd-block' }, title) : null, message))
    if (retry && onRetry) {
      body.append(h('button', { type: 'button', class: 'btn btn-sm btn-danger', onclick: () => onRetry() },
        icon('arrow-repeat', 'me-1'), 'Retry'))
    }
    mount(alerts, body)
  }

  function clear() {
    poller?.stop()
    poller = null
    mount(alerts)
    mount(result)
    section.classList.add('d-none')
  }

  /** Poll until final and show the outcome; resolves with the final status. */
  async function follow(executionId, { inputFiles, focusResult = true } = {}) {
    poller?.stop()
    section.classList.remove('d-none')
    bar.set(0)
    step.textContent = WAITING.queued
    let lastStep = ''
    poller = pollStatus(() => api.status(executionId), (status) => {
      const text = status.currentStep || WAITING[status.status] || status.status
      bar.set(status.progress ?? 0, `${Math.round(status.progress ?? 0)}% ${text}`)
      step.textContent = text
      if (text !== lastStep) {
        lastStep = text
        announce(`Processing: ${text}`)
      }
    })
    const final = await poller.promise
    poller = null
    if (final.status === 'completed') {
      bar.set(100)
      const view = resultView(api, toolFor(final.toolName), final, { inputFiles, onError: (m) => showAlert(m) })
      mount(result, view.element)
      if (focusResult) view.focus()
      announce(`Done. ${final.outputFilename ?? 'The result'} is ready.`)
    } else if (final.status === 'failed') {
      section.classList.add('d-none') // a failed job's bar means nothing: the message says it all
      const message = errorText(final.error) || 'Processing failed.'
      const permanent = isPermanent(final.errorCode)
      showAlert(permanent ? `${message} Choose another file or change the options, then start again.` : message,
        { retry: !permanent, title: 'Processing failed' })
      announce(`Processing failed: ${message}`)
    } else {
      section.classList.add('d-none')
      showAlert('This result has expired and its files were deleted.', { kind: 'warning' })
    }
    return final
  }

  return {
    element: h('div', {}, alerts, section, result),
    follow,
    showAlert,
    clearAlerts: () => mount(alerts),
    clear,
    stop: () => { poller?.stop(); poller = null },
  }
}
