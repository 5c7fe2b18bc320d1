// Direct-to-blob upload with the SAS URLs the API hands out: each file is staged in blocks,
// a few in flight at once, then committed. Progress advances block by block with bytes and
// speed; the signal aborts the blocks in flight; a SAS about to expire is swapped for a fresh
// one (the API's uploads/refresh/ route) between blocks, so a long upload goes on.
// The storage SDK is most of the script's weight: it loads on the first upload, so the
// catalog and the history render without it.
const storageSdk = () => import('@azure/storage-blob')

const MAX_BLOCK = 4 * 1024 * 1024
const MIN_BLOCK = 256 * 1024
const CONCURRENCY = 3
/** Ask for a fresh SAS when the current one has less than this left. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000

/** About 4 MB blocks; smaller ones for small files so that the bar still moves. */
export function blockSize(size) {
  return Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, Math.ceil(size / 16 / MIN_BLOCK) * MIN_BLOCK))
}

/** Block ids must be base64 of equal length within one blob. */
const blockId = (index) => btoa(`block-${String(index).padStart(6, '0')}`)

/**
 * The API's upload headers as SDK options: Content-Type becomes the blob's content type,
 * x-ms-meta-* become metadata; the SDK sets x-ms-blob-type itself.
 */
function commitOptions(headers = {}, file) {
  const metadata = {}
  let blobContentType = file.type || undefined
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (lower === 'content-type' || lower === 'x-ms-blob-content-type') blobContentType = value
    else if (lower.startsWith('x-ms-meta-')) metadata[lower.slice('x-ms-meta-'.length)] = value
  }
  return { blobHTTPHeaders: blobContentType ? { blobContentType } : undefined, metadata }
}

/**
 * Upload `files` to `targets` ([{url, headers, expiresAt}], same order), one file after the
 * other. `onProgress({loaded, total, speed})` (bytes, bytes per second) after every block;
 * `refresh()` resolves to fresh targets; `signal` cancels.
 */
export async function uploadFiles(files, targets, { onProgress, signal, refresh } = {}) {
  const { BlockBlobClient } = await storageSdk()
  const total = files.reduce((sum, file) => sum + file.size, 0)
  const started = performance.now()
  let loaded = 0
  let current = targets
  let refreshing = null

  const report = () => {
    const seconds = (performance.now() - started) / 1000
    onProgress?.({ loaded, total, speed: seconds > 0 ? loaded / seconds : 0 })
  }

  async function client(index) {
    const expiresAt = Date.parse(current[index]?.expiresAt ?? '')
    if (refresh && Number.isFinite(expiresAt) && expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      refreshing ??= refresh().then((fresh) => { current = fresh }).finally(() => { refreshing = null })
      await refreshing
    }
    return new BlockBlobClient(current[index].url)
  }

  report()
  for (const [index, file] of files.entries()) {
    const size = blockSize(file.size)
    const count = Math.ceil(file.size / size)
    const ids = Array.from({ length: count }, (_, i) => blockId(i))
    let next = 0
    const worker = async () => {
      while (next < count) {
        const i = next
        next += 1
        const start = i * size
        const end = Math.min(file.size, start + size)
        const target = await client(index)
        await target.stageBlock(ids[i], file.slice(start, end), end - start, { abortSignal: signal })
        loaded += end - start
        report()
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker))
    const target = await client(index)
    await target.commitBlockList(ids, { ...commitOptions(current[index].headers, file), abortSignal: signal })
  }
  report()
}
