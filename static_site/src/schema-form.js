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

const ACRONYMS = new Set(['jpeg', 'jpg', 'png', 'webp', 'gif', 'avif', 'tiff', 'bmp', 'heic', 'pdf',
  'csv', 'tsv', 'xlsx', 'json', 'geojson', 'kml', 'kmz', 'gpx', 'mp3', 'mp4', 'm4a', 'wav', 'docx',
  'dpi', 'ocr', 'exif', 'url', 'id', 'crf', 'fps', 'gps', 'utf8'])

/** "outputFormat" → "Output format", "jpeg_quality" → "JPEG quality": the fallback when a
 * schema has no `title` or `x-enumLabels`. */
export function humanize(name) {
  const words = String(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word.toLowerCase()))
  const text = words.join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Python's str.title(), which pydantic uses for a field's default title. */
const pyTitle = (text) => text.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before, letter) => before + letter.toUpperCase())

/** The field's label: its schema `title`, unless that is pydantic's default (the camelCase
 * name in title case, "Fromunit"), which reads worse than the humanised name. */
export function labelFor(name, node) {
  const generated = [pyTitle(name), pyTitle(name.replace(/_/g, ' '))].includes(node.title)
  return node.title && !generated ? node.title : humanize(name)
}

function optionLabel(node, value) {
  return node['x-enumLabels']?.[String(value)] ?? (typeof value === 'string' ? humanize(value) : String(value))
}

function fillOptions(select, node, values, preferred) {
  const labels = node['x-enumLabels'] ?? {}
  select.replaceChildren(...values.map((value) =>
    h('option', { value: String(value) }, labels[String(value)] ?? String(value))))
  const wanted = values.map(String).includes(String(preferred)) ? String(preferred) : String(values[0] ?? '')
  select.value = wanted
}

function control(name, node, required, id, describedBy) {
  const common = { id, name, 'aria-describedby': describedBy, required: required || undefined }
  if (Array.isArray(node.enum)) {
    const select = h('select', { class: 'form-select', ...common })
    if (!required && node.default === undefined) select.append(h('option', { value: '' }, '—'))
    for (const option of node.enum) {
      select.append(h('option', { value: String(option), selected: option === node.default }, optionLabel(node, option)))
    }
    return select
  }
  if (node['x-optionsBy']) return h('select', { class: 'form-select', ...common })
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
  if (Array.isArray(node.enum) || node['x-optionsBy']) {
    return (node.enum ?? []).find((option) => String(option) === raw) ?? raw
  }
  if (node.type === 'integer') return Number.parseInt(raw, 10)
  if (node.type === 'number') return Number(raw)
  return raw
}

/**
 * `x-optionsBy: {field, options: {value: [choices]}}`: a select whose choices follow another
 * field (the unit converter's units follow the quantity). A changed quantity keeps a unit
 * that still fits, else picks its first (the second for a "to" field, so the two differ).
 */
function wireDependentOptions(fields) {
  const byName = new Map(fields.map((field) => [field.name, field]))
  for (const field of fields) {
    const rule = field.node['x-optionsBy']
    const source = rule && byName.get(rule.field)
    if (!source) continue
    const update = (initial) => {
      const choices = rule.options?.[source.input.value] ?? []
      const fallback = fields.filter((f) => f.node['x-optionsBy']).indexOf(field) === 1 ? choices[1] : choices[0]
      fillOptions(field.input, field.node, choices, initial ? field.node.default : (choices.includes(field.input.value) ? field.input.value : fallback))
    }
    update(true)
    source.input.addEventListener('change', () => update(false))
  }
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
  const grid = h('div', { class: 'row row-cols-1 row-cols-md-2 row-cols-xl-3 gx-3' })
  if (Object.keys(properties).length > 0) {
    fieldset.append(h('legend', { class: 'fs-6 fw-semibold' }, 'Options'), grid)
  }
  for (const [name, raw] of Object.entries(properties)) {
    const { node } = resolve(raw, schema)
    const id = uid(`param-${name}`)
    const helpId = node.description ? `${id}-help` : undefined
    const isRequired = required.has(name)
    const input = control(name, node, isRequired, id, helpId)
    const label = h('label', { for: id, class: node.type === 'boolean' ? 'form-check-label' : 'form-label' },
      labelFor(name, node), isRequired ? h('span', { class: 'text-danger', 'aria-hidden': 'true' }, ' *') : null)
    const help = helpId ? h('div', { id: helpId, class: 'form-text' }, node.description) : null
    const wrapper = node.type === 'boolean'
      ? h('div', { class: 'col' }, h('div', { class: 'form-check form-switch mb-3 mt-md-4' }, input, label, help))
      : h('div', { class: 'col mb-3' }, label, input, help)
    grid.append(wrapper)
    fields.push({ name, node, input })
  }
  wireDependentOptions(fields)
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
