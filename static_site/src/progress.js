// An accessible Bootstrap progress bar: aria-valuenow and a spoken aria-valuetext.
import { h } from './dom.js'

export function progressBar(id, label) {
  const bar = h('div', { class: 'progress-bar', style: 'width: 0%' })
  const wrapper = h('div', {
    id,
    class: 'progress mb-1',
    role: 'progressbar',
    'aria-label': label,
    'aria-valuemin': '0',
    'aria-valuemax': '100',
    'aria-valuenow': '0',
    style: 'height: 1.25rem',
  }, bar)
  return {
    element: wrapper,
    set(percent, text) {
      const value = Math.max(0, Math.min(100, Math.round(percent)))
      wrapper.setAttribute('aria-valuenow', String(value))
      wrapper.setAttribute('aria-valuetext', text ?? `${value}%`)
      bar.style.width = `${value}%`
      bar.textContent = `${value}%`
    },
  }
}
