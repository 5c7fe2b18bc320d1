// Text, media and PDF results, all streamed from the output's SAS URL.
import { h } from '../dom.js'
import { formatBytes } from '../format.js'
import { PREVIEW_BYTES, readRange, readText, readTextHead } from './blob.js'
import { textBlock } from './common.js'
import { gpxLines, trackDrawing } from './track.js'

const TRACK_LIMIT = 5 * 1024 * 1024

export async function textResult({ link, status }) {
  const { text, truncated } = await readTextHead(link.url, status.outputSize)
  const note = truncated
    ? `The first ${formatBytes(PREVIEW_BYTES)} of ${formatBytes(status.outputSize)}; download for the rest.`
    : ''
  return textBlock(text, { label: `Contents of ${status.outputFilename ?? 'the result'}`, note })
}

/** A GPX output: its track drawn (when small enough to read whole) above its text. */
export async function trackResult(context) {
  const { link, status } = context
  const text = await textResult(context)
  if ((status.outputSize ?? Infinity) > TRACK_LIMIT) return text
  const drawing = trackDrawing(gpxLines(await readText(link.url)), `Drawing of ${status.outputFilename ?? 'the track'}`)
  return h('div', {}, drawing, text)
}

export function mediaResult({ link, status, mediaType }) {
  const tag = mediaType.startsWith('audio/') ? 'audio' : 'video'
  const player = h(tag, {
    src: link.url,
    controls: true,
    preload: 'metadata',
    class: tag === 'video' ? 'w-100 rounded border bg-black result-media' : 'w-100 result-media',
    'aria-label': `${tag === 'video' ? 'Video' : 'Audio'}: ${status.outputFilename ?? 'result'}`,
  })
  return h('div', {}, player,
    h('p', { class: 'small text-body-secondary mt-1 mb-0' }, 'If it does not play here, this browser lacks the codec: download it.'))
}

/** The page count, read from the page tree's /Count near either end of the file. */
async function pageCount(url, size) {
  const head = await readRange(url, 0, Math.min(size, PREVIEW_BYTES) - 1)
  const tail = size > PREVIEW_BYTES ? await readRange(url, Math.max(PREVIEW_BYTES, size - PREVIEW_BYTES), size - 1) : new Uint8Array(0)
  const text = new TextDecoder('latin1').decode(head) + new TextDecoder('latin1').decode(tail)
  let count = null
  for (const match of text.matchAll(/\/Type\s*\/Pages\b[^]{0,200}?\/Count\s+(\d+)|\/Count\s+(\d+)[^]{0,200}?\/Type\s*\/Pages\b/g)) {
    count = Math.max(count ?? 0, Number(match[1] ?? match[2]))
  }
  return count
}

export async function pdfResult({ link, status }) {
  const count = await pageCount(link.url, status.outputSize ?? 0).catch(() => null)
  return h('p', { class: 'result-pdf mb-0' },
    count ? `A PDF of ${count} page${count === 1 ? '' : 's'} (${formatBytes(status.outputSize)}).` : `A PDF of ${formatBytes(status.outputSize)}.`)
}
