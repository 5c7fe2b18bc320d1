// An image result: the output streamed from its SAS URL and, when the input is still in the
// page (this tab uploaded it), the input beside it: before and after.
import { h } from '../dom.js'
import { formatBytes } from '../format.js'

const SHOWN = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/bmp'])

export const canShowImage = (mediaType) => SHOWN.has(mediaType)

function figure(src, caption, alt, { revoke = false } = {}) {
  const size = h('span', { class: 'text-body-secondary' })
  const img = h('img', {
    src,
    alt,
    class: 'img-fluid rounded border result-image',
    onload: () => {
      size.textContent = ` · ${img.naturalWidth} × ${img.naturalHeight} px`
      if (revoke) URL.revokeObjectURL(src)
    },
  })
  return h('figure', { class: 'figure mb-0' }, img,
    h('figcaption', { class: 'figure-caption' }, caption, size))
}

export function imageResult({ link, status, inputFiles }) {
  const after = figure(link.url, `After: ${formatBytes(status.outputSize)}`, `Result image ${status.outputFilename ?? ''}`.trim())
  const input = inputFiles?.length === 1 ? inputFiles[0] : null
  if (!input || !canShowImage(input.type)) return h('div', { class: 'result-images' }, after)
  const before = figure(URL.createObjectURL(input), `Before: ${formatBytes(input.size)}`, `Original image ${input.name}`, { revoke: true })
  return h('div', { class: 'row row-cols-1 row-cols-sm-2 g-3 result-images' },
    h('div', { class: 'col' }, before), h('div', { class: 'col' }, after))
}
