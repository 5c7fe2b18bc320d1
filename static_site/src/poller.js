// Poll a job's status every few seconds until it is final; pause while the tab is hidden.
import { FINAL_STATUSES } from './format.js'

const INTERVAL_MS = 2500
const MAX_TRANSIENT_FAILURES = 3

/** Network errors, rate limits and server errors are worth another try; 4xx are not. */
const transient = (error) => error?.status === 0 || error?.status === 429 || error?.status >= 500

/**
 * Call `fetchStatus()` repeatedly and hand each answer to `onUpdate`. Resolves with the final
 * status; rejects when a request fails (after the caller decides), or when stopped.
 * Returns {promise, stop}.
 */
export function pollStatus(fetchStatus, onUpdate) {
  let timer = null
  let stopped = false
  let inFlight = false
  let failures = 0
  let resolveFn
  let rejectFn
  const promise = new Promise((resolve, reject) => {
    resolveFn = resolve
    rejectFn = reject
  })

  const cleanup = () => {
    stopped = true
    clearTimeout(timer)
    document.removeEventListener('visibilitychange', onVisibility)
  }

  const tick = async () => {
    timer = null
    if (stopped) return
    if (document.hidden) return // onVisibility resumes
    inFlight = true
    try {
      const status = await fetchStatus()
      inFlight = false
      failures = 0
      if (stopped) return
      onUpdate(status)
      if (FINAL_STATUSES.has(status.status)) {
        cleanup()
        resolveFn(status)
        return
      }
    } catch (error) {
      inFlight = false
      if (stopped) return
      failures += 1
      if (transient(error) && failures < MAX_TRANSIENT_FAILURES) {
        schedule()
        return
      }
      cleanup()
      rejectFn(error)
      return
    }
    schedule()
  }

  const schedule = () => {
    if (!stopped && timer === null && !document.hidden) timer = setTimeout(tick, INTERVAL_MS)
  }

  function onVisibility() {
    if (document.hidden) {
      clearTimeout(timer)
      timer = null
    } else if (!stopped && timer === null && !inFlight) {
      tick()
    }
  }

  document.addEventListener('visibilitychange', onVisibility)
  tick()
  return {
    promise,
    stop() {
      if (stopped) return
      cleanup()
      rejectFn(new DOMException('Stopped', 'AbortError'))
    },
  }
}
