// A tool's page: files + generated options on the left (8 columns), history on the right (4).
import { startDownload } from '../api.js'
import { h, icon, mount } from '../dom.js'
import { formatBytes, formatDuration } from '../format.js'
import { createHistory, errorText, statusBadge } from '../history.js'
import { pollStatus } from '../poller.js'
import { schemaForm } from '../schema-form.js'
import { uploadFiles } from '../upload.js'

function progressBar(id, label) {
  const bar = h('div', { class: 'progress-bar', style: 'width: 0%' })
  const wrapper = h('div', {
    id,
    class: 'progress mb-1',
    role: 'progressbar',
    'aria-label': label,
    'aria-valuemin': '0',
    'aria-valuemax': '100',
    'aria-valuenow': '0',
    style: 'height: 1.25rem',
  }, bar)
  return {
    element: wrapper,
    set(percent, text) {
      const value = Math.max(0, Math.min(100, Math.round(percent)))
      wrapper.setAttribute('aria-valuenow', String(value))
      wrapper.setAttribute('aria-valuetext', text ?? `${value}%`)
      bar.style.width = `${value}%`
      bar.textContent = `${value}%`
    },
  }
}

function accepted(tool) {
  return [...new Set((tool.inputTypes ?? []).flatMap((t) => t.extensions ?? []))]
}

/** Problems with the chosen files, in plain words; empty when they can be sent. */
function checkFiles(tool, files) {
  const problems = []
  const extensions = accepted(tool)
  const min = tool.minFiles ?? 1
  const max = tool.maxFiles ?? 1
  if (files.length < min) problems.push(min === 1 ? 'Choose a file.' : `Choose at least ${min} files.`)
  if (files.length > max) problems.push(`Choose at most ${max} file${max === 1 ? '' : 's'}.`)
  for (const file of files) {
    const dot = file.name.lastIndexOf('.')
    const ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : ''
    if (extensions.length && !extensions.includes(ext)) {
      problems.push(`${file.name}: this tool takes ${extensions.join(', ')} files.`)
    }
    if (tool.maxFileSize && file.size > tool.maxFileSize) {
      problems.push(`${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(tool.maxFileSize)}.`)
    }
  }
  return problems
}

export function toolView(api, tool) {
  const takesFiles = (tool.maxFiles ?? 1) > 0
  const multi = (tool.maxFiles ?? 1) > 1
  const extensions = accepted(tool)
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' })
  const announce = (text) => { live.textContent = text }
  const alerts = h('div')
  const history = createHistory(api, tool.name, { onError: (message) => showAlert(message) })
  const form = schemaForm(tool.parameters)
  let files = []
  let current = null // {abort, poller}

  // -- file picker -------------------------------------------------------------------------
  const fileInput = h('input', {
    id: 'file-input',
    type: 'file',
    class: 'form-control',
    accept: extensions.join(',') || undefined,
    multiple: multi,
    'aria-describedby': 'file-help',
    onchange: () => chooseFiles([...fileInput.files]),
  })
  const fileList = h('ul', { class: 'list-unstyled small mb-0 mt-2', 'aria-label': 'Chosen files' })
  const fileErrors = h('div', { id: 'file-errors', class: 'invalid-feedback d-block', 'aria-live': 'polite' })
  const dropZone = h('div', {
    class: 'drop-zone border border-2 rounded-3 p-4 text-center mb-3',
    ondragover: (event) => { event.preventDefault(); dropZone.classList.add('drag-over') },
    ondragleave: () => dropZone.classList.remove('drag-over'),
    ondrop: (event) => {
      event.preventDefault()
      dropZone.classList.remove('drag-over')
      chooseFiles([...event.dataTransfer.files])
    },
  },
  icon('cloud-arrow-up', 'fs-1 text-primary d-block'),
  h('label', { for: 'file-input', class: 'form-label fw-semibold' }, multi ? 'Drop files here or choose them' : 'Drop a file here or choose one'),
  fileInput,
  h('div', { id: 'file-help', class: 'form-text' },
    `Accepted: ${extensions.join(', ') || 'any file'} · up to ${formatBytes(tool.maxFileSize)}` +
    (multi ? ` each · ${tool.minFiles ?? 1} to ${tool.maxFiles} files, in order` : '')),
  fileList, fileErrors)

  function chooseFiles(chosen) {
    files = chosen
    mount(fileList, ...files.map((f) => h('li', {}, icon('file-earmark', 'me-1'), `${f.name} (${formatBytes(f.size)})`)))
    const problems = checkFiles(tool, files)
    mount(fileErrors, ...problems.map((p) => h('div', {}, p)))
    fileInput.setAttribute('aria-invalid', problems.length ? 'true' : 'false')
  }

  // -- progress and result -------------------------------------------------------------------
  const uploadBar = progressBar('upload-progress', 'Upload progress')
  const processBar = progressBar('process-progress', 'Processing progress')
  const uploadText = h('div', { class: 'small text-body-secondary mb-3' })
  const processText = h('div', { class: 'small text-body-secondary mb-3', id: 'process-step' })
  const cancelButton = h('button', { type: 'button', class: 'btn btn-outline-secondary btn-sm', onclick: () => current?.abort.abort() },
    icon('x-circle', 'me-1'), 'Cancel upload')
  const uploadSection = h('div', { class: 'd-none', id: 'upload-section' },
    h('div', { class: 'd-flex justify-content-between align-items-center mb-1' },
      h('span', { class: 'fw-semibold small' }, 'Upload'), cancelButton),
    uploadBar.element, uploadText)
  const processSection = h('div', { class: 'd-none', id: 'process-section' },
    h('div', { class: 'fw-semibold small mb-1' }, 'Processing'), processBar.element, processText)
  const result = h('div', { id: 'result' })
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-lg' },
    icon(takesFiles ? 'play-circle' : 'lightning', 'me-1'), takesFiles ? 'Start' : 'Run')

  function showAlert(message, { retry = false, kind = 'danger' } = {}) {
    const body = h('div', { class: `alert alert-${kind} d-flex flex-wrap gap-2 align-items-center`, role: 'alert' },
      h('div', { class: 'me-auto' }, message))
    if (retry) {
      body.append(h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger', onclick: () => start() },
        icon('arrow-repeat', 'me-1'), 'Retry'))
    }
    mount(alerts, body)
  }

  function setBusy(busy) {
    submit.disabled = busy
    fileInput.disabled = busy
  }

  async function start() {
    mount(alerts)
    mount(result)
    uploadSection.classList.add('d-none')
    processSection.classList.add('d-none')
    if (takesFiles) {
      const problems = checkFiles(tool, files)
      if (problems.length) {
        mount(fileErrors, ...problems.map((p) => h('div', {}, p)))
        fileInput.focus()
        return
      }
    }
    if (!formElement.checkValidity()) {
      formElement.reportValidity()
      return
    }
    const parameters = form.values()
    setBusy(true)
    try {
      const executionId = takesFiles ? await sendFiles(parameters) : await sendJob(parameters)
      if (executionId) await follow(executionId)
    } catch (error) {
      if (error.name === 'AbortError') {
        showAlert('Upload cancelled.', { kind: 'secondary' })
        announce('Upload cancelled.')
      } else {
        showAlert(error.message, { retry: true })
        announce(`Error: ${error.message}`)
      }
    } finally {
      setBusy(false)
      cancelButton.classList.add('d-none') // the upload bar stays, at its last value
      current = null
      history.refresh()
    }
  }

  async function sendJob(parameters) {
    announce('Starting…')
    const job = await api.createJob(tool.name, parameters)
    return job.executionId
  }

  async function sendFiles(parameters) {
    const described = files.map((f) => ({ filename: f.name, size: f.size, contentType: f.type || undefined }))
    const body = multi ? { files: described, parameters } : { ...described[0], parameters }
    const job = await api.createUpload(tool.name, body)
    const targets = job.uploads ?? [job.upload]
    current = { abort: new AbortController() }
    uploadSection.classList.remove('d-none')
    processSection.classList.add('d-none')
    uploadBar.set(0)
    cancelButton.disabled = false
    cancelButton.classList.remove('d-none')
    announce('Uploading…')
    let lastAnnounced = 0
    try {
      await uploadFiles(files, targets, {
        signal: current.abort.signal,
        onProgress: (loaded, total) => {
          const percent = total ? (loaded / total) * 100 : 100
          const text = `${formatBytes(loaded)} of ${formatBytes(total)}`
          uploadBar.set(percent, text)
          uploadText.textContent = text
          if (percent - lastAnnounced >= 25) {
            lastAnnounced = percent
            announce(`Uploaded ${Math.round(percent)}%`)
          }
        },
      })
    } catch (error) {
      if (error.name === 'AbortError') api.remove(job.executionId).catch(() => {})
      throw error
    }
    cancelButton.disabled = true
    announce('Upload complete. Processing…')
    return job.executionId
  }

  async function follow(executionId) {
    processSection.classList.remove('d-none')
    processBar.set(0)
    processText.textContent = 'Waiting in the queue…'
    history.refresh()
    let lastStep = ''
    const poller = pollStatus(() => api.status(executionId), (status) => {
      const step = status.currentStep || status.status
      processBar.set(status.progress ?? 0, `${Math.round(status.progress ?? 0)}% ${step}`)
      processText.textContent = `${step}`
      if (step !== lastStep) {
        lastStep = step
        announce(`Processing: ${step}`)
      }
    })
    current = { ...current, poller }
    const final = await poller.promise
    if (final.status === 'completed') {
      processBar.set(100)
      renderResult(final)
      announce(`Done. ${final.outputFilename ?? 'The result'} is ready to download.`)
    } else if (final.status === 'failed') {
      const message = errorText(final.error) || 'Processing failed.'
      showAlert(`Processing failed: ${message}`, { retry: true })
      announce(`Processing failed: ${message}`)
    } else {
      showAlert('This result has expired.', { kind: 'warning' })
    }
  }

  function renderResult(status) {
    const download = h('button', { type: 'button', class: 'btn btn-success', id: 'download-result', onclick: async () => {
      try {
        startDownload(await api.downloadLink(status.executionId))
      } catch (error) {
        showAlert(`Download failed: ${error.message}`)
      }
    } }, icon('download', 'me-1'), `Download ${status.outputFilename ?? 'result'}`)
    const facts = [
      ['Status', statusBadge(status.status)],
      ['Input', `${status.inputFilename ?? '—'} (${formatBytes(status.inputSize)})`],
      ['Output', `${status.outputFilename ?? '—'} (${formatBytes(status.outputSize)})`],
      ['Processing time', formatDuration(status.processingTime)],
    ]
    if (status.compressionRatio) facts.push(['Size ratio', `${Number(status.compressionRatio).toFixed(2)}`])
    mount(result, h('div', { class: 'card border-success mt-3' },
      h('div', { class: 'card-body' },
        h('h2', { class: 'h5 card-title' }, icon('check-circle', 'text-success me-1'), 'Done'),
        h('dl', { class: 'row small mb-3' }, facts.flatMap(([k, v]) => [
          h('dt', { class: 'col-sm-4' }, k), h('dd', { class: 'col-sm-8 mb-1' }, v)])),
        download)))
    download.focus()
  }

  const formElement = h('form', { novalidate: true, onsubmit: (event) => { event.preventDefault(); start() } },
    takesFiles ? dropZone : null,
    form.element,
    submit)

  history.refresh()
  const view = h('div', {},
    h('nav', { 'aria-label': 'Breadcrumb' },
      h('ol', { class: 'breadcrumb' },
        h('li', { class: 'breadcrumb-item' }, h('a', { href: '#/' }, 'Tools')),
        h('li', { class: 'breadcrumb-item active', 'aria-current': 'page' }, tool.displayName))),
    h('h1', { class: 'h2 d-flex align-items-center gap-2', tabindex: '-1' }, icon(tool.icon || 'gear', 'text-primary'), tool.displayName),
    h('p', { class: 'lead fs-6 text-body-secondary' }, tool.description),
    h('div', { class: 'row g-4' },
      h('div', { class: 'col-lg-8' },
        h('section', { class: 'card shadow-sm', 'aria-label': 'Run the tool' },
          h('div', { class: 'card-body' }, formElement, h('div', { class: 'mt-3' }, alerts, uploadSection, processSection, result), live))),
      h('div', { class: 'col-lg-4' }, history.element)))
  view.dispose = () => {
    current?.abort?.abort()
    current?.poller?.stop()
  }
  return view
}
