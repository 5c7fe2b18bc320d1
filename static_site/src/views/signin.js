// Ask for the user's API key once; check it against the API before keeping it.
import { setApiKey } from '../auth.js'
import { h, icon } from '../dom.js'

export function signInView(api) {
  const input = h('input', {
    id: 'api-key',
    name: 'apiKey',
    type: 'password',
    class: 'form-control',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'api-key-help',
  })
  const remember = h('input', { id: 'remember-key', type: 'checkbox', class: 'form-check-input' })
  const error = h('div', { class: 'alert alert-danger d-none', role: 'alert' })
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('box-arrow-in-right', 'me-1'), 'Continue')

  const form = h('form', { novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'mb-3' },
      h('label', { for: 'api-key', class: 'form-label' }, 'API key'),
      input,
      h('div', { id: 'api-key-help', class: 'form-text' },
        'Running locally? `make run` prints the dev key. The key stays in this browser tab unless you tick "Remember me".')),
    h('div', { class: 'form-check mb-3' },
      remember,
      h('label', { for: 'remember-key', class: 'form-check-label' }, 'Remember me on this device')),
    error,
    submit)

  async function onSubmit(event) {
    event.preventDefault()
    const key = input.value.trim()
    if (!key) {
      showError('Enter your API key.')
      return
    }
    submit.disabled = true
    error.classList.add('d-none')
    try {
      if (await api.checkKey(key)) setApiKey(key, { remember: remember.checked })
      else showError('That key was not accepted. Check it and try again.')
    } catch (err) {
      showError(err.message)
    } finally {
      submit.disabled = false
    }
  }

  function showError(message) {
    error.textContent = message
    error.classList.remove('d-none')
    input.setAttribute('aria-invalid', 'true')
    input.focus()
  }

  return h('div', { class: 'row justify-content-center' },
    h('div', { class: 'col-md-8 col-lg-6' },
      h('div', { class: 'card shadow-sm' },
        h('div', { class: 'card-body p-4' },
          h('h1', { class: 'h3 mb-3', tabindex: '-1' }, icon('key', 'me-2'), 'Sign in with your API key'),
          h('p', { class: 'text-body-secondary' }, 'MagicToolbox converts and processes files. Your key identifies you; files and history are private to it.'),
          form))))
}
