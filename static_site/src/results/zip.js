// A ZIP result's entries, read from the archive's central directory with two range reads
// (the tail, then the directory if it starts earlier); the first image entry is unpacked in
// the browser (DecompressionStream) as a preview of, say, a PDF's first page.
import { h } from '../dom.js'
import { formatBytes } from '../format.js'
import { readRange } from './blob.js'

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const TAIL = 64 * 1024 + 22 // the end record plus the longest possible comment
const PREVIEW_LIMIT = 10 * 1024 * 1024
const IMAGE_TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' }

/** The archive's entries: [{name, size, compressedSize, method, offset}]. */
export async function zipEntries(url, size) {
  const tailStart = Math.max(0, size - TAIL)
  const tail = await readRange(url, tailStart, size - 1)
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  let end = -1
  for (let i = tail.length - 22; i >= 0; i -= 1) {
    if (view.getUint32(i, true) === EOCD) { end = i; break }
  }
  if (end < 0) throw new Error('This is not a ZIP archive.')
  const count = view.getUint16(end + 10, true)
  const directorySize = view.getUint32(end + 12, true)
  const directoryOffset = view.getUint32(end + 16, true)
  const directory = directoryOffset >= tailStart
    ? tail.subarray(directoryOffset - tailStart, directoryOffset - tailStart + directorySize)
    : await readRange(url, directoryOffset, directoryOffset + directorySize - 1)
  const dir = new DataView(directory.buffer, directory.byteOffset, directory.byteLength)
  const names = new TextDecoder('utf-8')
  const entries = []
  let at = 0
  for (let n = 0; n < count && at + 46 <= directory.length && dir.getUint32(at, true) === CENTRAL; n += 1) {
    const nameLength = dir.getUint16(at + 28, true)
    const extraLength = dir.getUint16(at + 30, true)
    const commentLength = dir.getUint16(at + 32, true)
    entries.push({
      method: dir.getUint16(at + 10, true),
      compressedSize: dir.getUint32(at + 20, true),
      size: dir.getUint32(at + 24, true),
      offset: dir.getUint32(at + 42, true),
      name: names.decode(directory.subarray(at + 46, at + 46 + nameLength)),
    })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** One entry's content as a Blob (stored or deflated entries only). */
async function entryBlob(url, entry, type) {
  const header = await readRange(url, entry.offset, entry.offset + 29)
  const local = new DataView(header.buffer, header.byteOffset, header.byteLength)
  const start = entry.offset + 30 + local.getUint16(26, true) + local.getUint16(28, true)
  const data = await readRange(url, start, start + entry.compressedSize - 1)
  if (entry.method === 0) return new Blob([data], { type })
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  return new Blob([await new Response(stream).arrayBuffer()], { type })
}

const extension = (name) => name.slice(name.lastIndexOf('.')).toLowerCase()

export async function zipResult({ link, status }) {
  const entries = await zipEntries(link.url, status.outputSize)
  const files = entries.filter((entry) => !entry.name.endsWith('/'))
  const shown = files.slice(0, 200)
  const table = h('div', { class: 'table-responsive result-zip', tabindex: '0', 'aria-label': 'Files in the archive' },
    h('table', { class: 'table table-sm mb-0' },
      h('caption', { class: 'caption-top fw-semibold text-body' },
        `${files.length} file${files.length === 1 ? '' : 's'} in the archive`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'text-end' }, 'Size'))),
      h('tbody', {}, shown.map((entry) => h('tr', {}, h('td', { class: 'text-break' }, entry.name), h('td', { class: 'text-end text-nowrap' }, formatBytes(entry.size)))))))
  const element = h('div', {}, table,
    files.length > shown.length ? h('p', { class: 'small text-body-secondary' }, `The first ${shown.length} are listed.`) : null)
  const image = files.find((entry) => IMAGE_TYPES[extension(entry.name)] && entry.compressedSize <= PREVIEW_LIMIT && [0, 8].includes(entry.method))
  if (image) {
    entryBlob(link.url, image, IMAGE_TYPES[extension(image.name)]).then((blob) => {
      const src = URL.createObjectURL(blob)
      element.prepend(h('figure', { class: 'figure' },
        h('img', { src, alt: `First image in the archive: ${image.name}`, class: 'img-fluid rounded border result-image', onload: () => URL.revokeObjectURL(src) }),
        h('figcaption', { class: 'figure-caption' }, image.name)))
    }).catch(() => {})
  }
  return element
}
