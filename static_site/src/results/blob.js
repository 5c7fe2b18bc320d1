// Reading a finished job's output straight from its read-only SAS URL: ranges for previews
// (x-ms-range, which the storage CORS rule allows as one of the x-ms-* headers), whole small
// files for the JSON reports.

export const PREVIEW_BYTES = 64 * 1024

async function checked(response) {
  if (!response.ok) throw new Error(`The result could not be read (HTTP ${response.status}).`)
  return response
}

/** Bytes `start` to `end` (inclusive) of the blob. */
export async function readRange(url, start, end) {
  if (end < start) return new Uint8Array(0)
  const response = await checked(await fetch(url, { headers: { 'x-ms-range': `bytes=${start}-${end}` } }))
  return new Uint8Array(await response.arrayBuffer())
}

/** The first `limit` bytes as text, and whether the file is longer. */
export async function readTextHead(url, size, limit = PREVIEW_BYTES) {
  const bytes = await readRange(url, 0, Math.min(size ?? limit, limit) - 1)
  // stream: a character cut in two at the limit is dropped, not shown as garbage
  const text = new TextDecoder('utf-8').decode(bytes, { stream: (size ?? 0) > limit })
  return { text, truncated: (size ?? 0) > limit }
}

/** A whole JSON output. */
export async function readJson(url) {
  return (await checked(await fetch(url))).json()
}

/** A whole text output. */
export async function readText(url) {
  return (await checked(await fetch(url))).text()
}
