// JSON reports read for people: each tool's report is recognised by its shape, so a new tool
// that writes the same shape is shown the same way; any other JSON is shown as text.
import { h } from '../dom.js'
import { formatClock, formatDate } from '../format.js'
import { copyButton, factsTable, round, textBlock } from './common.js'
import { gpxLines, trackDrawing } from './track.js'

function unitAnswer(report) {
  const others = Object.entries(report.all ?? {}).filter(([unit]) => unit !== report.toUnit && unit !== report.fromUnit)
  return h('div', { class: 'result-unit' },
    h('p', { class: 'display-6 mb-2 result-answer', id: 'result-answer' }, report.text),
    copyButton(() => report.text, 'Copy answer'),
    others.length
      ? h('details', { class: 'mt-3' }, h('summary', {}, `${report.value} ${report.fromUnit} in other units`),
        h('ul', { class: 'list-unstyled small mt-2 mb-0 columns-3' },
          others.map(([unit, value]) => h('li', {}, `${value.toLocaleString(undefined, { maximumSignificantDigits: 8 })} ${unit}`))))
      : null)
}

function exifTable(report) {
  const { camera = {}, exposure = {}, dates = {}, gps, file = {}, orientation } = report
  const join = (...parts) => parts.filter(Boolean).join(' ') || null
  const settings = [
    exposure.exposureTime,
    exposure.fNumber ? `f/${exposure.fNumber}` : null,
    exposure.iso ? `ISO ${exposure.iso}` : null,
    exposure.focalLength ? `${round(exposure.focalLength)} mm` : null,
  ].filter(Boolean).join(' · ')
  let place = null
  if (gps?.latitude !== null && gps?.latitude !== undefined) {
    const coordinates = `${gps.latitude.toFixed(5)}, ${gps.longitude.toFixed(5)}`
    place = h('a', { href: `https://www.openstreetmap.org/?mlat=${gps.latitude}&mlon=${gps.longitude}#map=15/${gps.latitude}/${gps.longitude}`, target: '_blank', rel: 'noopener' }, coordinates)
  }
  const tags = Object.entries(report.tags ?? {})
  return h('div', { class: 'result-exif' },
    report.hasExif === false ? h('p', { class: 'text-body-secondary' }, 'This image carries no EXIF data.') : null,
    factsTable([
      ['Camera', join(camera.make, camera.model)],
      ['Lens', join(camera.lensMake, camera.lensModel)],
      ['Exposure', settings],
      ['Taken', dates.taken],
      ['Location', place],
      ['Altitude', gps?.altitude !== null && gps?.altitude !== undefined ? `${round(gps.altitude)} m` : null],
      ['Image', file.width ? `${file.format ?? ''} ${file.width} × ${file.height} px${file.animated ? ', animated' : ''}`.trim() : null],
      ['Orientation', orientation?.description],
      ['Software', camera.software],
    ], 'Photo details'),
    tags.length
      ? h('details', {}, h('summary', {}, `All ${tags.length} tags`),
        factsTable(tags.map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)])))
      : null)
}

const km = (metres) => (metres === null || metres === undefined ? null : `${round(metres / 1000, 2)} km`)
const metres = (value) => (value === null || value === undefined ? null : `${round(value, 0)} m`)
const speed = (value) => (value === null || value === undefined ? null : `${round(value, 1)} km/h`)

function gpxStats(report, { inputFiles }) {
  const drawing = h('div')
  const lines = report.outline ? [report.outline] : null
  if (lines) drawing.append(trackDrawing(lines) ?? '')
  else if (inputFiles?.length === 1) {
    // An older report has no outline: draw from the file this tab uploaded, when it still has it.
    inputFiles[0].text().then((xml) => drawing.append(trackDrawing(gpxLines(xml)) ?? '')).catch(() => {})
  }
  return h('div', { class: 'result-gpx' },
    factsTable([
      ['Track', report.name],
      ['Distance', km(report.distanceM)],
      ['Moving time', report.movingTimeS ? formatClock(report.movingTimeS) : null],
      ['Total time', report.durationS ? formatClock(report.durationS) : null],
      ['Elevation gain', metres(report.elevationGainM)],
      ['Elevation loss', metres(report.elevationLossM)],
      ['Lowest / highest', report.minElevationM !== null && report.minElevationM !== undefined ? `${metres(report.minElevationM)} / ${metres(report.maxElevationM)}` : null],
      ['Average moving speed', speed(report.avgMovingSpeedKmh)],
      ['Top speed', speed(report.maxSpeedKmh)],
      ['Started', report.startTime ? formatDate(report.startTime) : null],
      ['Points', report.pointCount?.toLocaleString()],
    ], 'Track statistics'),
    drawing)
}

function ocrText(report) {
  const lines = report.lines ?? []
  const confidence = lines.length ? lines.reduce((sum, line) => sum + (line.confidence ?? 0), 0) / lines.length : null
  const note = lines.length
    ? `${lines.length} line${lines.length === 1 ? '' : 's'} recognised${confidence !== null ? `, ${Math.round(confidence * 100)} % confidence on average` : ''}`
    : 'No text was recognised.'
  return textBlock(report.text ?? '', { label: 'Recognised text', note })
}

const SHAPES = [
  [(r) => 'fromUnit' in r && 'result' in r && typeof r.text === 'string', unitAnswer],
  [(r) => 'camera' in r && 'exposure' in r, exifTable],
  [(r) => 'distanceM' in r && 'movingTimeS' in r, gpxStats],
  [(r) => Array.isArray(r.lines) && typeof r.text === 'string', ocrText],
]

/** A JSON report as a view for people, or as pretty-printed text when its shape is unknown. */
export function dataResult(report, context) {
  if (report && typeof report === 'object' && !Array.isArray(report)) {
    for (const [matches, view] of SHAPES) if (matches(report)) return view(report, context)
  }
  return textBlock(JSON.stringify(report, null, 2), { label: 'Result data' })
}
