// Runtime configuration: the same build serves devhost and Azure; only config.json differs.

const DEFAULTS = { apiBaseUrl: '/api' }

export async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' })
    if (!response.ok) return { ...DEFAULTS }
    const config = { ...DEFAULTS, ...(await response.json()) }
    config.apiBaseUrl = config.apiBaseUrl.replace(/\/+$/, '')
    return config
  } catch {
    return { ...DEFAULTS }
  }
}
