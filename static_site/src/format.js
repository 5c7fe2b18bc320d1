// Human-readable sizes and times.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '—'
  let value = Number(bytes)
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1
  return `${value.toFixed(digits)} ${UNITS[unit]}`
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const STEPS = [
  ['year', 31536000],
  ['month', 2592000],
  ['week', 604800],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
]

export function timeAgo(iso, now = Date.now()) {
  if (!iso) return ''
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  if (Math.abs(seconds) < 10) return 'just now'
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.round(seconds / size), unit)
  }
  return 'just now'
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—'
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`
}

const STATUS_STYLE = {
  pending: ['text-bg-info', 'hourglass'],
  queued: ['text-bg-info', 'list-ol'],
  processing: ['text-bg-primary', 'gear-wide-connected'],
  completed: ['text-bg-success', 'check-circle'],
  failed: ['text-bg-danger', 'x-octagon'],
  expired: ['text-bg-dark', 'clock-history'],
}

/** Bootstrap badge class and icon for a job status. */
export function statusStyle(status) {
  return STATUS_STYLE[status] ?? ['text-bg-light', 'question-circle']
}

export const FINAL_STATUSES = new Set(['completed', 'failed', 'expired'])

/** Transfer speed in words, e.g. "1.2 MB/s". */
export function formatSpeed(bytesPerSecond) {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return ''
  return `${formatBytes(bytesPerSecond)}/s`
}

/** How much a file changed, in words: "84 % smaller (2.1 MB → 340 KB)". */
export function sizeChange(before, after) {
  if (!before || after === null || after === undefined) return ''
  const sizes = `(${formatBytes(before)} → ${formatBytes(after)})`
  const percent = Math.round((Math.abs(before - after) / before) * 100)
  if (percent === 0) return `About the same size ${sizes}`
  return `${percent} % ${after < before ? 'smaller' : 'larger'} ${sizes}`
}

/** Seconds as h:mm:ss (or m:ss under an hour). */
export function formatClock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—'
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** A date and time in the reader's locale. */
export function formatDate(iso) {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString()
}
