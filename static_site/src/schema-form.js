// A Bootstrap form generated from a tool's parameter JSON Schema (pydantic's output).
import { h, uid } from './dom.js'

/** Follow a local `$ref` ("#/$defs/Name") and unwrap `anyOf: [X, {type: null}]`. */
function resolve(schema, root) {
  let node = schema
  let nullable = false
  for (let guard = 0; guard < 10; guard += 1) {
    if (node.$ref) {
      const path = node.$ref.replace(/^#\//, '').split('/')
      const { $ref, ...rest } = node
      node = { ...path.reduce((acc, part) => acc?.[part], root), ...rest }
    } else if (Array.isArray(node.allOf) && node.allOf.length === 1) {
      const { allOf, ...rest } = node
      node = { ...allOf[0], ...rest }
    } else if (Array.isArray(node.anyOf)) {
      const others = node.anyOf.filter((option) => option.type !== 'null')
      nullable ||= others.length < node.anyOf.length
      const { anyOf, ...rest } = node
      node = { ...others[0], ...rest }
    } else break
  }
  return { node, nullable }
}

function humanize(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())
}

function control(name, node, required, id, describedBy) {
  const common = { id, name, 'aria-describedby': describedBy, required: required || undefined }
  if (Array.isArray(node.enum)) {
    const select = h('select', { class: 'form-select', ...common })
    if (!required && node.default === undefined) select.append(h('option', { value: '' }, '—'))
    for (const option of node.enum) {
      select.append(h('option', { value: String(option), selected: option === node.default }, String(option)))
    }
    return select
  }
  if (node.type === 'boolean') {
    return h('input', {
      class: 'form-check-input',
      type: 'checkbox',
      role: 'switch',
      ...common,
      required: undefined,
      checked: node.default === true,
    })
  }
  if (node.type === 'integer' || node.type === 'number') {
    return h('input', {
      class: 'form-control',
      type: 'number',
      inputmode: node.type === 'integer' ? 'numeric' : 'decimal',
      min: node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum : undefined),
      max: node.maximum ?? node.exclusiveMaximum,
      step: node.multipleOf ?? (node.type === 'integer' ? 1 : 'any'),
      value: node.default ?? undefined,
      ...common,
    })
  }
  const long = (node.maxLength ?? 0) > 200 || node.format === 'textarea'
  return h(long ? 'textarea' : 'input', {
    class: 'form-control',
    type: long ? undefined : 'text',
    rows: long ? 4 : undefined,
    minlength: node.minLength,
    maxlength: node.maxLength,
    pattern: node.pattern,
    value: long ? undefined : (node.default ?? undefined),
    ...common,
  }, long ? (node.default ?? '') : [])
}

/** Read one control back into a typed value; `undefined` means "leave it out". */
function readValue(input, node) {
  if (node.type === 'boolean') return input.checked
  const raw = input.value
  if (raw === '') return undefined
  if (Array.isArray(node.enum)) {
    return node.enum.find((option) => String(option) === raw) ?? raw
  }
  if (node.type === 'integer') return Number.parseInt(raw, 10)
  if (node.type === 'number') return Number(raw)
  return raw
}

/**
 * Build the fields for `schema` inside a fieldset. Returns {element, values()}.
 * Native constraints (required, min, max, pattern) let the browser validate.
 */
export function schemaForm(schema) {
  const properties = schema?.properties ?? {}
  const required = new Set(schema?.required ?? [])
  const fields = []
  const fieldset = h('fieldset', { class: 'mb-3' })
  if (Object.keys(properties).length > 0) {
    fieldset.append(h('legend', { class: 'fs-6 fw-semibold' }, 'Options'))
  }
  for (const [name, raw] of Object.entries(properties)) {
    const { node } = resolve(raw, schema)
    const id = uid(`param-${name}`)
    const helpId = node.description ? `${id}-help` : undefined
    const isRequired = required.has(name)
    const input = control(name, node, isRequired, id, helpId)
    const label = h('label', { for: id, class: node.type === 'boolean' ? 'form-check-label' : 'form-label' },
      node.title ?? humanize(name), isRequired ? h('span', { class: 'text-danger', 'aria-hidden': 'true' }, ' *') : null)
    const help = helpId ? h('div', { id: helpId, class: 'form-text' }, node.description) : null
    const wrapper = node.type === 'boolean'
      ? h('div', { class: 'form-check form-switch mb-3' }, input, label, help)
      : h('div', { class: 'mb-3' }, label, input, help)
    fieldset.append(wrapper)
    fields.push({ name, node, input })
  }
  return {
    element: fieldset,
    values() {
      const values = {}
      for (const { name, node, input } of fields) {
        const value = readValue(input, node)
        if (value !== undefined) values[name] = value
      }
      return values
    },
  }
}
