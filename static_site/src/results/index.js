// A finished job's result: facts, the download button, and a preview chosen by the output's
// kind from the catalog (tool.outputTypes), so a new tool gets a preview for free.
import { startDownload } from '../api.js'
import { h, icon, mount } from '../dom.js'
import { formatBytes, formatDuration, sizeChange } from '../format.js'
import { readJson } from './blob.js'
import { dataResult } from './data.js'
import { mediaResult, pdfResult, textResult, trackResult } from './files.js'
import { canShowImage, imageResult } from './image.js'
import { zipResult } from './zip.js'

const JSON_LIMIT = 2 * 1024 * 1024

/** The catalog kind of the output file (by its extension), or a guess from the extension. */
export function outputKind(tool, filename = '') {
  const dot = filename.lastIndexOf('.')
  const ext = dot >= 0 ? filename.slice(dot).toLowerCase() : ''
  const kinds = tool?.outputTypes ?? []
  return kinds.find((kind) => (kind.extensions ?? []).includes(ext))
    ?? (kinds.length === 1 ? kinds[0] : { name: ext.slice(1), extensions: [ext], mediaType: '' })
}

/** Whether input and output are the same kind of thing (image → image, PDF → PDF), so that
 * their sizes compare; a GPX file and its JSON report do not. */
function sameKindOfFile(tool, status, output) {
  if (!status.inputSize || status.outputSize === null || status.outputSize === undefined) return false
  const input = (tool?.inputTypes ?? []).find((k) => (k.extensions ?? []).some((ext) => (status.inputFilename ?? '').toLowerCase().endsWith(ext)))
  if (!input) return false
  const family = (kind) => (kind.mediaType ?? '').split('/')[0]
  return input.name === output.name || (['image', 'video', 'audio'].includes(family(input)) && family(input) === family(output))
}

/** The preview for `kind`, or null when the download is all there is (docx, xlsx, kmz...). */
function previewFor(kind, status) {
  const type = kind.mediaType ?? ''
  if (canShowImage(type)) return imageResult
  if (type.startsWith('video/') || type.startsWith('audio/')) return mediaResult
  if (kind.name === 'json') {
    return status.outputSize <= JSON_LIMIT
      ? async (context) => dataResult(await readJson(context.link.url), context)
      : textResult
  }
  if (kind.name === 'gpx') return trackResult
  if (['text', 'csv', 'geojson', 'kml'].includes(kind.name) || type.startsWith('text/')) return textResult
  if (kind.name === 'zip') return zipResult
  if (kind.name === 'pdf') return pdfResult
  return null
}

/**
 * The result card of a completed job. `inputFiles` are the File objects when this tab
 * uploaded them (before/after views). Returns {element, focus()}.
 */
export function resultView(api, tool, status, { inputFiles, onError } = {}) {
  const preview = h('div', { class: 'result-preview mb-3', 'aria-live': 'polite' })
  const link = api.downloadLink(status.executionId)
  const download = h('button', { type: 'button', class: 'btn btn-success', id: 'download-result', onclick: async () => {
    try {
      startDownload(await api.downloadLink(status.executionId))
    } catch (error) {
      onError?.(`Download failed: ${error.message}`)
    }
  } }, icon('download', 'me-1'), `Download ${status.outputFilename ?? 'result'}`)
  const kind = outputKind(tool, status.outputFilename ?? '')
  const render = previewFor(kind, status)
  if (render) {
    mount(preview, h('div', { class: 'text-body-secondary small' },
      h('span', { class: 'spinner-border spinner-border-sm me-2', 'aria-hidden': 'true' }), 'Loading the preview…'))
    link
      .then((resolved) => render({ api, tool, status, link: resolved, kind, mediaType: kind.mediaType ?? '', inputFiles }))
      .then((view) => mount(preview, view))
      .catch((error) => mount(preview, h('p', { class: 'text-body-secondary small mb-0' },
        `No preview: ${error.message} The download still works.`)))
  } else {
    link.catch(() => {}) // asked for nothing: the download button asks again
  }
  const change = sameKindOfFile(tool, status, kind) ? sizeChange(status.inputSize, status.outputSize) : ''
  const facts = [
    status.inputFilename ? `${status.inputFilename} → ${status.outputFilename ?? 'result'}` : status.outputFilename,
    change ? '' : (status.outputSize !== null && status.outputSize !== undefined ? formatBytes(status.outputSize) : ''),
    status.processingTime !== null && status.processingTime !== undefined ? `done in ${formatDuration(status.processingTime)}` : '',
  ].filter(Boolean)
  const element = h('section', { class: 'card border-success mt-3 result-card', 'aria-labelledby': 'result-title', dataset: { kind: kind.name } },
    h('div', { class: 'card-body' },
      h('h2', { class: 'h5 card-title', id: 'result-title' }, icon('check-circle', 'text-success me-1'), 'Done'),
      h('p', { class: 'small mb-2', id: 'result-facts' }, facts.join(' · ')),
      change ? h('p', { class: 'fw-semibold mb-3', id: 'size-change' }, change) : null,
      preview,
      download))
  return { element, focus: () => download.focus() }
}
