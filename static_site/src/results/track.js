// A GPS track drawn as SVG from its points: no map tiles, so it works offline and shows
// nothing of the person's surroundings beyond the line itself.
import { h } from '../dom.js'

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 600
const HEIGHT = 360
const PAD = 16

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value))
  return el
}

/** Track points ([[lat, lon], ...] per line) from GPX text. */
export function gpxLines(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml')
  const lines = []
  const take = (points) => {
    const line = [...points]
      .map((p) => [Number(p.getAttribute('lat')), Number(p.getAttribute('lon'))])
      .filter(([lat, lon]) => Number.isFinite(lat) && Number.isFinite(lon))
    if (line.length) lines.push(line)
  }
  for (const segment of doc.getElementsByTagNameNS('*', 'trkseg')) take(segment.getElementsByTagNameNS('*', 'trkpt'))
  for (const route of doc.getElementsByTagNameNS('*', 'rte')) take(route.getElementsByTagNameNS('*', 'rtept'))
  return lines
}

/** An SVG drawing of `lines`, or null when there is nothing to draw. */
export function trackDrawing(lines, label = 'Drawing of the track') {
  const points = lines.flat()
  if (points.length < 2) return null
  const lats = points.map(([lat]) => lat)
  const lons = points.map(([, lon]) => lon)
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)]
  // Equirectangular: a degree of longitude shrinks with the cosine of the latitude.
  const squeeze = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const spanX = Math.max((maxLon - minLon) * squeeze, 1e-9)
  const spanY = Math.max(maxLat - minLat, 1e-9)
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY)
  const offsetX = (WIDTH - spanX * scale) / 2
  const offsetY = (HEIGHT - spanY * scale) / 2
  const xy = ([lat, lon]) => [
    (offsetX + (lon - minLon) * squeeze * scale).toFixed(1),
    (HEIGHT - offsetY - (lat - minLat) * scale).toFixed(1),
  ]
  const drawing = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'track-drawing border rounded bg-body-tertiary w-100' })
  const title = svg('title', {})
  title.textContent = label
  drawing.append(title)
  for (const line of lines) {
    drawing.append(svg('polyline', {
      points: line.map((p) => xy(p).join(',')).join(' '),
      fill: 'none', stroke: '#0d6efd', 'stroke-width': 3, 'stroke-linejoin': 'round', 'stroke-linecap': 'round',
    }))
  }
  const [sx, sy] = xy(points[0])
  const [ex, ey] = xy(points[points.length - 1])
  drawing.append(svg('circle', { cx: sx, cy: sy, r: 6, fill: '#198754' }), svg('circle', { cx: ex, cy: ey, r: 6, fill: '#dc3545' }))
  return h('figure', { class: 'mb-3' }, drawing,
    h('figcaption', { class: 'figure-caption' }, 'Start in green, end in red; north is up.'))
}
