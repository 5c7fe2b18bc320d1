// Recognise a file by its first bytes before uploading it: a file whose head matches none of
// a tool's accepted kinds is refused in the browser. The server checks again after upload
// (processors/formats.py); this copy is deliberately lenient, so it never refuses a file the
// server would take: kinds it does not know pass.

export const SNIFF_BYTES = 1024

const ascii = (head, offset, text) =>
  [...text].every((ch, i) => head[offset + i] === ch.charCodeAt(0))

const ISO_BOXES = ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot']
const isoMedia = (head) => ISO_BOXES.some((box) => ascii(head, 4, box))
const riff = (form) => (head) => ascii(head, 0, 'RIFF') && ascii(head, 8, form)
const zip = (head) => ascii(head, 0, 'PK\x03\x04')

function text(head) {
  if (head.includes(0)) return null
  try {
    // stream: a multi-byte character cut at the end of the head is not an error
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true })
  } catch {
    return null
  }
}

function xmlRoot(root) {
  return (head) => {
    const body = text(head)?.replace(/^\uFEFF/, '').trimStart()
    if (!body?.startsWith('<')) return false
    // The root may lie past the first KB behind a long prolog or comment: then it passes.
    return new RegExp(`<(\\w+:)?${root}[\\s>/]`).test(body) || !/<[A-Za-z]/.test(body)
  }
}

const SNIFFERS = {
  jpeg: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  png: (head) => ascii(head, 0, '\x89PNG\r\n\x1a\n'),
  gif: (head) => ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a'),
  webp: riff('WEBP'),
  tiff: (head) => ascii(head, 0, 'II*\x00') || ascii(head, 0, 'MM\x00*'),
  bmp: (head) => ascii(head, 0, 'BM'),
  heic: isoMedia,
  avif: isoMedia,
  mp4: isoMedia,
  mov: isoMedia,
  m4a: (head) => isoMedia(head) || (head[0] === 0xff && (head[1] & 0xf6) === 0xf0),
  webm: (head) => ascii(head, 0, '\x1a\x45\xdf\xa3'),
  mkv: (head) => ascii(head, 0, '\x1a\x45\xdf\xa3'),
  avi: riff('AVI '),
  wav: riff('WAVE'),
  mp3: (head) => ascii(head, 0, 'ID3') || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0),
  pdf: (head) => new TextDecoder('latin1').decode(head).includes('%PDF-'), // may follow junk
  docx: zip,
  xlsx: zip,
  kmz: zip,
  zip,
  gpx: xmlRoot('gpx'),
  kml: xmlRoot('kml'),
  json: (head) => /^\uFEFF?\s*[[{]/.test(text(head) ?? ''),
  geojson: (head) => /^\uFEFF?\s*[[{]/.test(text(head) ?? ''),
  csv: (head) => text(head) !== null,
  text: (head) => text(head) !== null,
}

/** The first SNIFF_BYTES of a File as bytes. */
export async function readHead(file) {
  return new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer())
}

/**
 * Whether `head` can be one of `kinds` (catalog inputTypes). True when any kind matches or
 * when a kind is one this page cannot judge (binary, or a kind added later).
 */
export function headMatches(head, kinds) {
  if (!kinds?.length) return true
  return kinds.some((kind) => {
    const sniff = SNIFFERS[kind.name]
    return !sniff || sniff(head)
  })
}
