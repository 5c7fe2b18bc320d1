// The user's API key: sessionStorage by default, localStorage only when they ask to be remembered.

const KEY = 'magictoolbox.apiKey'
const listeners = new Set()

export function getApiKey() {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY)
}

export function setApiKey(apiKey, { remember = false } = {}) {
  clearStored()
  ;(remember ? localStorage : sessionStorage).setItem(KEY, apiKey)
  listeners.forEach((fn) => fn(apiKey))
}

export function signOut() {
  clearStored()
  listeners.forEach((fn) => fn(null))
}

export function onKeyChange(fn) {
  listeners.add(fn)
}

function clearStored() {
  sessionStorage.removeItem(KEY)
  localStorage.removeItem(KEY)
}
