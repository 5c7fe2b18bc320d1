// A tool's page: files + generated options + Start on the left (8 columns), history on the
// right (4). After Start the job's id goes into the URL (#/tools/NAME/jobs/ID), so a reload
// or a shared link comes back to the job's progress and result.
import { batchPanel } from '../batch.js'
import { h, icon, mount } from '../dom.js'
import { formatBytes, formatSpeed } from '../format.js'
import { createHistory } from '../history.js'
import { jobPanel } from '../job-panel.js'
import { progressBar } from '../progress.js'
import { schemaForm } from '../schema-form.js'
import { headMatches, readHead } from '../sniff.js'
import { uploadFiles } from '../upload.js'

function accepted(tool) {
  return [...new Set((tool.inputTypes ?? []).flatMap((t) => t.extensions ?? []))]
}

/** "JPEG, PNG, WebP": the accepted kinds by name (the extensions are in the picker's accept). */
function kindNames(tool) {
  return (tool.inputTypes ?? []).filter((t) => t.name !== 'binary').map((t) => t.name.toUpperCase()).join(', ')
}

/** Problems with the chosen files, in plain words; empty when they can be sent. */
async function checkFiles(tool, files) {
  const problems = []
  const extensions = accepted(tool)
  const min = tool.minFiles ?? 1
  const max = tool.maxFiles ?? 1
  if (files.length < min) problems.push(min === 1 ? 'Choose a file.' : `Choose at least ${min} files.`)
  // A one-file tool takes several files as a job each (batch.js).
  if (max > 1 && files.length > max) problems.push(`Choose at most ${max} files.`)
  for (const file of files) {
    const dot = file.name.lastIndexOf('.')
    const ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : ''
    if (extensions.length && !extensions.includes(ext)) {
      problems.push(`${file.name}: this tool takes ${extensions.join(', ')} files.`)
    } else if (file.size === 0) {
      problems.push(`${file.name} is empty.`)
    } else if (tool.maxFileSize && file.size > tool.maxFileSize) {
      problems.push(`${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(tool.maxFileSize)}.`)
    } else if (!headMatches(await readHead(file), tool.inputTypes)) {
      problems.push(`${file.name} does not look like a ${ext.slice(1).toUpperCase()} file inside: its first bytes match none of the types this tool takes.`)
    }
  }
  return problems
}

export function toolView(api, tool, { tools = [tool], jobId } = {}) {
  const takesFiles = (tool.maxFiles ?? 1) > 0
  const multi = (tool.maxFiles ?? 1) > 1
  const batchable = takesFiles && !multi // several files: one job each
  const extensions = accepted(tool)
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' })
  const announce = (text) => { live.textContent = text }
  const history = createHistory(api, tool.name, { onError: (message) => panel.showAlert(message) })
  const panel = jobPanel(api, { toolFor: (name) => tools.find((t) => t.name === name) ?? tool, announce, onRetry: () => start() })
  const form = schemaForm(tool.parameters)
  const batch = batchPanel(api, tool, { announce, onJob: () => history.refresh() })
  let files = []
  let sentFiles = null
  let abort = null

  // -- file picker ---------------------------------------------------------------------------
  const fileInput = h('input', {
    id: 'file-input',
    type: 'file',
    class: 'form-control',
    accept: extensions.join(',') || undefined,
    multiple: takesFiles,
    'aria-describedby': 'file-help file-errors',
    onchange: () => chooseFiles([...fileInput.files]),
  })
  const fileList = h('ol', { class: 'list-group list-group-numbered small mt-2 text-start', 'aria-label': 'Chosen files' })
  const fileErrors = h('div', { id: 'file-errors', class: 'invalid-feedback d-block', 'aria-live': 'polite' })
  const dropZone = h('div', {
    class: 'drop-zone border border-2 rounded-3 p-3 mb-3',
    ondragover: (event) => { event.preventDefault(); dropZone.classList.add('drag-over') },
    ondragleave: () => dropZone.classList.remove('drag-over'),
    ondrop: (event) => {
      event.preventDefault()
      dropZone.classList.remove('drag-over')
      chooseFiles([...event.dataTransfer.files])
    },
  },
  h('div', { class: 'd-flex align-items-center gap-3' },
    icon('cloud-arrow-up', 'fs-1 text-primary'),
    h('div', { class: 'flex-grow-1' },
      h('label', { for: 'file-input', class: 'form-label fw-semibold' }, multi ? 'Drop files here or choose them' : 'Drop files here or choose them (one job each)'),
      fileInput)),
  h('div', { id: 'file-help', class: 'form-text' },
    `Takes ${kindNames(tool) || 'any file'} · up to ${formatBytes(tool.maxFileSize)}` +
    (multi ? ` each · ${tool.minFiles ?? 1} to ${tool.maxFiles} files, in the order listed` : ' each · several files run as a job each')),
  fileList, fileErrors)

  function move(index, by) {
    const [file] = files.splice(index, 1)
    files.splice(index + by, 0, file)
    renderFiles()
    // Keep the keyboard where it was: on the same file's button that still makes sense.
    const buttons = fileList.children[index + by]?.querySelectorAll('button')
    const target = buttons?.[by < 0 ? 0 : 1]
    ;(target && !target.disabled ? target : buttons?.[by < 0 ? 1 : 0])?.focus()
    announce(`${file.name} moved to position ${index + by + 1} of ${files.length}.`)
  }

  function renderFiles() {
    mount(fileList, ...files.map((file, index) => h('li', { class: 'list-group-item d-flex align-items-center gap-2 file-item' },
      h('span', { class: 'me-auto text-break' }, `${file.name} (${formatBytes(file.size)})`),
      multi && files.length > 1
        ? h('div', { class: 'btn-group btn-group-sm' },
          h('button', { type: 'button', class: 'btn btn-outline-secondary', disabled: index === 0, onclick: () => move(index, -1) },
            icon('arrow-up'), h('span', { class: 'visually-hidden' }, `Move ${file.name} up`)),
          h('button', { type: 'button', class: 'btn btn-outline-secondary', disabled: index === files.length - 1, onclick: () => move(index, 1) },
            icon('arrow-down'), h('span', { class: 'visually-hidden' }, `Move ${file.name} down`)))
        : null)))
  }

  let checking = Promise.resolve([])
  function chooseFiles(chosen) {
    files = chosen
    renderFiles()
    mount(submit, icon('play-circle', 'me-1'), batchable && files.length > 1 ? `Start ${files.length} jobs` : 'Start')
    checking = checkFiles(tool, files)
    checking.then((problems) => {
      if (files !== chosen) return
      mount(fileErrors, ...problems.map((p) => h('div', {}, p)))
      fileInput.setAttribute('aria-invalid', problems.length ? 'true' : 'false')
    })
  }

  // -- upload progress -----------------------------------------------------------------------
  const uploadBar = progressBar('upload-progress', 'Upload progress')
  const uploadText = h('div', { class: 'small text-body-secondary mb-3', id: 'upload-text' })
  const cancelButton = h('button', { type: 'button', class: 'btn btn-outline-secondary btn-sm', onclick: () => abort?.abort() },
    icon('x-circle', 'me-1'), 'Cancel upload')
  const uploadSection = h('div', { class: 'd-none', id: 'upload-section' },
    h('div', { class: 'd-flex justify-content-between align-items-center mb-1' },
      h('span', { class: 'fw-semibold small' }, 'Upload'), cancelButton),
    uploadBar.element, uploadText)
  const progressArea = h('div', { class: 'mt-3 progress-area' }, uploadSection, panel.element, batch.element)
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-lg px-4', id: 'start' },
    icon(takesFiles ? 'play-circle' : 'lightning', 'me-1'), takesFiles ? 'Start' : 'Run')

  function setBusy(busy) {
    submit.disabled = busy
    fileInput.disabled = busy
  }

  async function start() {
    panel.clear()
    batch.hide()
    uploadSection.classList.add('d-none')
    if (takesFiles) {
      const problems = await checking
      if (problems.length || files.length === 0) {
        mount(fileErrors, ...(problems.length ? problems : ['Choose a file.']).map((p) => h('div', {}, p)))
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
    if (batchable && files.length > 1) {
      window.history.replaceState(null, '', `#/tools/${encodeURIComponent(tool.name)}`)
      try {
        await batch.run([...files], parameters)
      } finally {
        setBusy(false)
        history.refresh()
      }
      return
    }
    let executionId = null
    try {
      executionId = takesFiles ? await sendFiles(parameters) : await sendJob(parameters)
      history.refresh()
      await panel.follow(executionId, { inputFiles: sentFiles })
    } catch (error) {
      if (error.name === 'AbortError') {
        if (abort?.signal.aborted) {
          uploadSection.classList.add('d-none')
          panel.showAlert('Upload cancelled.', { kind: 'secondary' })
          announce('Upload cancelled.')
        }
      } else {
        uploadSection.classList.add('d-none')
        panel.showAlert(error.message, { retry: !(error.status >= 400 && error.status < 500), title: 'The job could not start' })
        announce(`Error: ${error.message}`)
      }
    } finally {
      setBusy(false)
      cancelButton.classList.add('d-none') // the upload bar stays, at its last value
      abort = null
      history.refresh()
    }
  }

  function remember(executionId) {
    window.history.replaceState(null, '', `#/tools/${encodeURIComponent(tool.name)}/jobs/${encodeURIComponent(executionId)}`)
  }

  async function sendJob(parameters) {
    announce('Starting…')
    const job = await api.createJob(tool.name, parameters)
    remember(job.executionId)
    return job.executionId
  }

  async function sendFiles(parameters) {
    const chosen = [...files]
    const described = chosen.map((f) => ({ filename: f.name, size: f.size, contentType: f.type || undefined }))
    const body = multi ? { files: described, parameters } : { ...described[0], parameters }
    const job = await api.createUpload(tool.name, body)
    remember(job.executionId)
    abort = new AbortController()
    uploadSection.classList.remove('d-none')
    uploadBar.set(0)
    uploadText.textContent = ''
    cancelButton.disabled = false
    cancelButton.classList.remove('d-none')
    progressArea.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
    announce('Uploading…')
    let lastAnnounced = 0
    try {
      await uploadFiles(chosen, job.uploads ?? [job.upload], {
        signal: abort.signal,
        refresh: async () => (await api.refreshUploads(job.executionId)).uploads,
        onProgress: ({ loaded, total, speed }) => {
          const percent = total ? (loaded / total) * 100 : 100
          const text = `${formatBytes(loaded)} of ${formatBytes(total)}${speed && loaded < total ? ` · ${formatSpeed(speed)}` : ''}`
          uploadBar.set(percent, text)
          uploadText.textContent = text
          if (percent - lastAnnounced >= 25) {
            lastAnnounced = percent
            announce(`Uploaded ${Math.round(percent)}%`)
          }
        },
      })
    } catch (error) {
      if (error.name === 'AbortError') {
        api.remove(job.executionId).catch(() => {})
        window.history.replaceState(null, '', `#/tools/${encodeURIComponent(tool.name)}`)
      }
      throw error
    }
    sentFiles = chosen
    cancelButton.disabled = true
    announce('Upload complete. Processing…')
    return job.executionId
  }

  const formElement = h('form', { novalidate: true, onsubmit: (event) => { event.preventDefault(); start() } },
    takesFiles ? dropZone : null,
    form.element,
    h('div', { class: 'action-bar' }, submit))

  history.refresh()
  if (jobId) {
    panel.follow(jobId, { focusResult: false }).then(() => history.refresh()).catch((error) => {
      if (error.name !== 'AbortError') panel.showAlert(error.status === 404 ? 'There is no such job (it may have been deleted).' : error.message)
    })
  }
  const view = h('div', {},
    h('nav', { 'aria-label': 'Breadcrumb' },
      h('ol', { class: 'breadcrumb mb-2' },
        h('li', { class: 'breadcrumb-item' }, h('a', { href: '#/' }, 'Tools')),
        h('li', { class: 'breadcrumb-item active', 'aria-current': 'page' }, tool.displayName))),
    h('h1', { class: 'h3 d-flex align-items-center gap-2 mb-1', tabindex: '-1' }, icon(tool.icon || 'gear', 'text-primary'), tool.displayName),
    h('p', { class: 'text-body-secondary mb-3' }, tool.description),
    h('div', { class: 'row g-4' },
      h('div', { class: 'col-lg-8' },
        h('section', { class: 'card shadow-sm', 'aria-label': 'Run the tool' },
          h('div', { class: 'card-body' }, formElement, progressArea, live))),
      h('div', { class: 'col-lg-4' }, h('div', { class: 'history-sidebar' }, history.element))))
  view.dispose = () => {
    abort?.abort()
    panel.stop()
    batch.stop()
    history.dispose?.()
  }
  return view
}
