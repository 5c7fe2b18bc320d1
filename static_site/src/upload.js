// Direct-to-blob upload with the SAS URL the API hands out: parallel blocks, byte progress, cancel.
// The storage SDK is most of the script's weight: it loads on the first upload, so the
// catalog and the history render without it.
const storageSdk = () => import('@azure/storage-blob')

const BLOCK_SIZE = 4 * 1024 * 1024
const CONCURRENCY = 4

/**
 * The API's upload headers as SDK options: Content-Type becomes the blob's content type,
 * x-ms-meta-* become metadata; the SDK sets x-ms-blob-type itself.
 */
function uploadOptions(headers = {}) {
  const metadata = {}
  let blobContentType
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (lower === 'content-type' || lower === 'x-ms-blob-content-type') blobContentType = value
    else if (lower.startsWith('x-ms-meta-')) metadata[lower.slice('x-ms-meta-'.length)] = value
  }
  return { blobHTTPHeaders: blobContentType ? { blobContentType } : undefined, metadata }
}

/**
 * Upload `files` to their SAS targets one after the other.
 * `onProgress(loadedBytes, totalBytes)` covers all files; `signal` cancels.
 */
export async function uploadFiles(files, targets, { onProgress, signal } = {}) {
  const total = files.reduce((sum, file) => sum + file.size, 0)
  let done = 0
  const { BlockBlobClient } = await storageSdk()
  for (const [index, file] of files.entries()) {
    const target = targets[index]
    const client = new BlockBlobClient(target.url)
    const { blobHTTPHeaders, metadata } = uploadOptions(target.headers)
    await client.uploadData(file, {
      blockSize: BLOCK_SIZE,
      concurrency: CONCURRENCY,
      blobHTTPHeaders: blobHTTPHeaders ?? { blobContentType: file.type || undefined },
      metadata,
      abortSignal: signal,
      onProgress: (event) => onProgress?.(done + event.loadedBytes, total),
    })
    done += file.size
    onProgress?.(done, total)
  }
}
