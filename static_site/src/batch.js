// Several files through a one-file tool: a job per file. Uploads go two at a time; each job
// is followed once its file is in (six at a time), so processing overlaps the next uploads.
// Every file has a row with its own bar and state and, once done, Download and Details. A
// refusal every file would meet (bad options, a wrong key) is said once and sends no more.
import { startDownload } from './api.js'
import { h, icon, mount } from './dom.js'
import { formatBytes } from './format.js'
import { errorText, jobHref } from './history.js'
import { pollStatus } from './poller.js'
import { progressBar } from './progress.js'
import { uploadFiles } from './upload.js'

const UPLOADS_AT_ONCE = 2
/** Jobs polled at once (each every 2.5 s): a hundred files must not mean 40 requests a second. */
const FOLLOWED_AT_ONCE = 6
/** API error codes about the request, not the file: the other files would get them too. */
const BATCH_WIDE = new Set(['invalid_parameters', 'unknown_tool', 'invalid_body', 'unauthorized', 'forbidden'])

/** Run tasks with at most `size` of them at once, in the order they come. */
function limiter(size) {
  let active = 0
  const waiting = []
  return async (task) => {
    if (active >= size) await new Promise((resolve) => waiting.push(resolve))
    active += 1
    try {
      return await task()
    } finally {
      active -= 1
      waiting.shift()?.()
    }
  }
}

function fileRow(file, index) {
  const bar = progressBar(`batch-progress-${index}`, `${file.name} progress`)
  const state = h('span', { class: 'small text-body-secondary batch-state' }, 'Waiting to upload')
  const actions = h('div', { class: 'd-flex gap-2 flex-wrap' })
  const element = h('li', { class: 'list-group-item batch-item', dataset: { state: 'waiting' } },
    h('div', { class: 'd-flex flex-wrap align-items-baseline gap-2 mb-1' },
      h('span', { class: 'fw-semibold text-break me-auto' }, file.name),
      h('span', { class: 'small text-body-secondary' }, formatBytes(file.size))),
    bar.element,
    h('div', { class: 'd-flex flex-wrap align-items-center gap-2' }, h('div', { class: 'me-auto' }, state), actions))
  return {
    element,
    show(percent, text, kind = 'running') {
      bar.set(percent, `${Math.round(percent)}% ${text}`)
      state.textContent = text
      element.dataset.state = kind
    },
    /** A problem beside a finished row (a download link refused): its buttons stay. */
    warn(text) {
      state.textContent = text
      state.className = 'small batch-state text-danger'
    },
    end(kind, text, ...buttons) {
      element.dataset.state = kind
      bar.element.classList.toggle('d-none', kind !== 'completed') // a failure's bar means nothing
      state.textContent = text
      state.className = `small batch-state ${kind === 'completed' ? 'text-success' : 'text-danger'}`
      mount(actions, ...buttons)
    },
  }
}

export function batchPanel(api, tool, { announce = () => {}, onJob = () => {} } = {}) {
  const summary = h('div', { class: 'fw-semibold', id: 'batch-summary', role: 'status', 'aria-live': 'polite' })
  const cancel = h('button', { type: 'button', class: 'btn btn-outline-secondary btn-sm', onclick: () => abort?.abort() },
    icon('x-circle', 'me-1'), 'Cancel uploads')
  const alerts = h('div', {})
  const list = h('ul', { class: 'list-group', 'aria-label': 'Jobs, one per file' })
  const element = h('div', { class: 'd-none', id: 'batch' },
    h('div', { class: 'd-flex align-items-center gap-2 mb-2' }, h('div', { class: 'me-auto' }, summary), cancel),
    alerts, list)
  let abort = null
  const pollers = new Set()

  function stop() {
    abort?.abort()
    for (const poller of pollers) poller.stop()
    pollers.clear()
  }

  /** Follow one uploaded job to its end; resolves with 'completed' or 'failed'. */
  async function follow(executionId, row) {
    const poller = pollStatus(() => api.status(executionId), (status) => {
      row.show(status.progress ?? 0, status.currentStep || (status.status === 'queued' ? 'Waiting in the queue' : status.status))
    })
    pollers.add(poller)
    try {
      const final = await poller.promise
      if (final.status === 'completed') {
        row.show(100, '', 'completed')
        const download = h('button', {
          type: 'button',
          class: 'btn btn-sm btn-primary',
          onclick: () => api.downloadLink(executionId).then(startDownload).catch((error) => row.warn(error.message)),
        }, icon('download', 'me-1'), 'Download', h('span', { class: 'visually-hidden' }, ` ${final.outputFilename ?? ''}`))
        const details = h('a', { class: 'btn btn-sm btn-outline-secondary', href: jobHref(executionId) }, 'Details')
        row.end('completed', `${final.outputFilename ?? 'Done'} · ${formatBytes(final.outputSize)}`, download, details)
        return 'completed'
      }
      row.end('failed', final.status === 'failed' ? errorText(final.error) || 'Processing failed.' : 'Expired.')
      return 'failed'
    } catch (error) {
      if (error.name === 'AbortError') return 'stopped'
      row.end('failed', error.message)
      return 'failed'
    } finally {
      pollers.delete(poller)
    }
  }

  /** Upload one file as its own job; resolves once the file is in (the job then runs on). */
  async function send(file, row, parameters, signal) {
    row.show(0, 'Uploading')
    const job = await api.createUpload(tool.name, {
      filename: file.name, size: file.size, contentType: file.type || undefined, parameters,
    })
    onJob(job.executionId)
    try {
      await uploadFiles([file], [job.upload], {
        signal,
        refresh: async () => (await api.refreshUploads(job.executionId)).uploads,
        onProgress: ({ loaded, total }) => row.show(total ? (loaded / total) * 100 : 100, 'Uploading'),
      })
    } catch (error) {
      if (error.name === 'AbortError') api.remove(job.executionId).catch(() => {})
      throw error
    }
    row.show(0, 'Waiting in the queue')
    return job.executionId
  }

  /** Run every file; resolves when each has ended (or was not sent). */
  async function run(files, parameters) {
    stop()
    abort = new AbortController()
    const { signal } = abort
    element.classList.remove('d-none')
    cancel.classList.remove('d-none')
    mount(alerts)
    const rows = files.map(fileRow)
    mount(list, ...rows.map((row) => row.element))
    const tally = { completed: 0, failed: 0, notSent: 0 }
    const say = () => {
      const ended = tally.completed + tally.failed
      const parts = [`${tally.completed} of ${files.length} done`]
      if (tally.failed) parts.push(`${tally.failed} failed`)
      if (tally.notSent) parts.push(`${tally.notSent} not sent`)
      summary.textContent = parts.join(' · ')
      if (ended + tally.notSent === files.length) announce(`All files ended: ${parts.join(', ')}.`)
    }
    say()
    const following = []
    const followed = limiter(FOLLOWED_AT_ONCE)
    let next = 0
    let refused = false
    const uploader = async () => {
      while (next < files.length) {
        const index = next++
        const row = rows[index]
        if (refused || signal.aborted) {
          row.end('not-sent', 'Not sent')
          tally.notSent += 1
          say()
          continue
        }
        try {
          const executionId = await send(files[index], row, parameters, signal)
          following.push(followed(() => follow(executionId, row)).then((outcome) => {
            if (outcome !== 'stopped') tally[outcome] += 1
            say()
          }))
        } catch (error) {
          const cancelled = error.name === 'AbortError'
          row.end(cancelled ? 'not-sent' : 'failed', cancelled ? 'Upload cancelled' : error.message)
          tally[cancelled ? 'notSent' : 'failed'] += 1
          if (!cancelled && !refused && (BATCH_WIDE.has(error.code) || error.status === 401)) {
            refused = true
            mount(alerts, h('div', { class: 'alert alert-danger', role: 'alert' },
              h('strong', { class: 'd-block' }, 'The files could not be sent'), `${error.message} No more files are sent.`))
          }
          say()
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, files.length) }, uploader))
    cancel.classList.add('d-none')
    await Promise.all(following)
  }

  return {
    element,
    run,
    stop,
    hide: () => { stop(); element.classList.add('d-none') },
  }
}
