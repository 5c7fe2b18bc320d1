// The HTTP API (see ARCHITECTURE.md): one method per route, errors as ApiError.
import { getApiKey } from './auth.js'

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `Request failed (HTTP ${status})`)
    this.name = 'ApiError'
    this.status = status
    this.code = body?.code
    this.details = body?.details
  }
}

export class Api {
  constructor(baseUrl) {
    this.baseUrl = baseUrl
  }

  async request(method, path, { body, query, apiKey = getApiKey() } = {}) {
    const url = new URL(`${this.baseUrl}${path}`, window.location.href)
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value)
    }
    const headers = { Accept: 'application/json' }
    if (apiKey) headers['X-API-Key'] = apiKey
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let response
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(0, { error: 'Cannot reach the server. Check your connection.' })
    }
    if (response.status === 204) return null
    const data = await response.json().catch(() => null)
    if (!response.ok) throw new ApiError(response.status, data)
    return data
  }

  /** The catalog as a list (the API may wrap it as {tools: [...]}). */
  async tools() {
    const data = await this.request('GET', '/v1/tools/')
    return Array.isArray(data) ? data : (data?.tools ?? data?.results ?? [])
  }

  /** Whether `apiKey` is accepted: any authenticated call tells. Throws on other errors. */
  async checkKey(apiKey) {
    try {
      await this.request('GET', '/v1/executions/', { query: { limit: 1 }, apiKey })
      return true
    } catch (error) {
      if (error.status === 401 || error.status === 403) return false
      throw error
    }
  }

  createUpload(tool, body) {
    return this.request('POST', `/v1/tools/${encodeURIComponent(tool)}/uploads/`, { body })
  }

  /** Fresh upload SAS URLs for a pending job: {executionId, uploads: [{url, headers, expiresAt}]}. */
  refreshUploads(id) {
    return this.request('POST', `/v1/executions/${encodeURIComponent(id)}/uploads/refresh/`, { body: {} })
  }

  createJob(tool, parameters) {
    return this.request('POST', `/v1/tools/${encodeURIComponent(tool)}/jobs/`, {
      body: { parameters },
    })
  }

  status(id) {
    return this.request('GET', `/v1/executions/${encodeURIComponent(id)}/status/`)
  }

  /** One page of history; `cursor` comes from a previous page's `next` or `previous` link. */
  history({ toolName, status, limit = 10, cursor } = {}) {
    return this.request('GET', '/v1/executions/', {
      query: { tool_name: toolName, status, limit, cursor },
    })
  }

  remove(id) {
    return this.request('DELETE', `/v1/executions/${encodeURIComponent(id)}/`)
  }

  bulkRemove(ids) {
    return this.request('POST', '/v1/executions/bulk-delete/', { body: { execution_ids: ids } })
  }

  /** A finished job's output as {url, filename}: a short-lived read-only SAS URL. */
  downloadLink(id) {
    return this.request('GET', `/v1/executions/${encodeURIComponent(id)}/download/`, {
      query: { redirect: 'false' },
    })
  }
}

/**
 * Hand a download link to the browser. The SAS URL answers with `Content-Disposition:
 * attachment`, so following it saves the file straight to disk, however large, and the page
 * stays where it is (buffering it through fetch would hold the whole file in memory).
 */
export function startDownload({ url, filename }) {
  const link = document.createElement('a')
  link.href = url
  link.download = filename || 'download' // a hint only: cross-origin, the header names the file
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
}
