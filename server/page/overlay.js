// The board's requests on their own Canvas 2D layer over the map, kept in step with the map's
// view. A filter, a new request or a status change redraws this canvas alone: the map's WebGL
// frame (base map, volunteers, routes), which a machine without a GPU draws on the CPU, is left
// as it is. Clicks and the pointer's hover are hit-tested here, topmost request first.
//
// Drawn as the map drew them before: a dot coloured by urgency (faded unless new) up to a
// street's zoom, the kind's symbol from there on; urgent requests above normal ones above
// planned ones, new ones above the rest.

/** The zoom from which requests are drawn as their kind's symbol instead of a dot. */
export const SYMBOL_ZOOM = 14;
/** A dot's radius and its white ring's width, in CSS pixels. */
const DOT_RADIUS = 6;
const RING = 1;
/** A symbol's side, in CSS pixels. */
const SYMBOL_SIZE = 22;
/** How far from a request's centre a click or the pointer still hits it, in CSS pixels. */
const DOT_HIT = DOT_RADIUS + RING + 2;
const SYMBOL_HIT = SYMBOL_SIZE / 2;
/** Opacity of a request that is not new (assigned, on its way, done, cancelled). */
const FADED = 0.4;
const URGENCY_ORDER = ['planned', 'normal', 'urgent'];

/** A canvas of `size` CSS pixels at `ratio` device pixels each: the kind's shape in `colour`. */
export function symbolImage(kind, colour, size = SYMBOL_SIZE, ratio = 1) {
  const c = document.createElement('canvas');
  c.width = c.height = Math.round(size * ratio);
  const g = c.getContext('2d');
  g.scale(ratio, ratio);
  const m = size / 2;
  const r = size / 2 - 3;
  g.fillStyle = colour;
  g.strokeStyle = '#fff';
  g.lineWidth = 2;
  g.beginPath();
  switch (kind) {
    case 'medicines': {
      const a = r / 2.6;
      const cross = [[-a, -r], [a, -r], [a, -a], [r, -a], [r, a], [a, a], [a, r], [-a, r], [-a, a], [-r, a], [-r, -a], [-a, -a]];
      for (const [x, y] of cross) g.lineTo(m + x, m + y);
      g.closePath();
      break;
    }
    case 'essentials':
      g.rect(m - r * 0.85, m - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 'utility_payment':
      g.moveTo(m, m - r); g.lineTo(m + r, m); g.lineTo(m, m + r); g.lineTo(m - r, m); g.closePath();
      break;
    case 'care_visit':
      g.moveTo(m, m - r); g.lineTo(m + r, m + r * 0.8); g.lineTo(m - r, m + r * 0.8); g.closePath();
      break;
    case 'transport':
      g.moveTo(m - r, m - r * 0.8); g.lineTo(m + r, m - r * 0.8); g.lineTo(m, m + r); g.closePath();
      break;
    case 'psychological_support':
      g.arc(m, m, r, 0, Math.PI * 2);
      g.moveTo(m + r / 2, m);
      g.arc(m, m, r / 2, 0, Math.PI * 2, true);
      break;
    case 'other':
      g.arc(m, m, r * 0.8, 0, Math.PI * 2);
      break;
    default:
      g.arc(m, m, r, 0, Math.PI * 2);
  }
  g.fill('evenodd');
  g.stroke();
  return c;
}

/** The requests' layer over one MapLibre map. */
export class RequestOverlay {
  /** A canvas laid over `map`'s own (below its markers and controls); `colours` by urgency. */
  constructor(map, colours) {
    this.map = map;
    this.colours = colours;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'request-overlay';
    this.canvas.setAttribute('aria-hidden', 'true');
    map.getCanvas().after(this.canvas);
    // A software canvas (`willReadFrequently`): drawing it costs the main thread a few
    // milliseconds and leaves the GL context (emulated on the CPU where there is no GPU) to
    // the map alone; an accelerated one took 0.6 s a frame there. `desynchronized` hands each
    // drawing to the screen without waiting on the page's compositing: the frame after a
    // filter fell from about 170 to 55 ms in headless chromium on SwiftShader.
    this.g = this.canvas.getContext('2d', { willReadFrequently: true, desynchronized: true });
    /** Requests to draw, in drawing order: `{id, lonLat, kind, urgency, status}`. */
    this.requests = [];
    /** Ids of the requests a filter hides. */
    this.hidden = new Set();
    /** What the last draw painted: ids and centres (CSS pixels), in drawing order. */
    this.painted = { ids: [], xs: new Float64Array(0), ys: new Float64Array(0), hit: DOT_HIT };
    this.symbols = new Map();
    this.view = '';
    this.hover = false;
    map.on('render', () => this.follow());
    map.on('resize', () => this.draw());
    map.on('mousemove', (e) => {
      const over = this.at(e.point.x, e.point.y) !== null;
      if (over !== this.hover) map.getCanvas().style.cursor = over ? 'pointer' : '';
      this.hover = over;
    });
    this.draw();
  }

  /**
   * Sets the requests (`[{id, lonLat, kind, urgency, status}]`), shows those whose id is in
   * `shown`, and draws at once.
   */
  set(requests, shown) {
    const rank = (r) => (r.status === 'new' ? 3 : 0) + URGENCY_ORDER.indexOf(r.urgency);
    this.requests = requests.map((r, i) => ({ r, i, k: rank(r) }))
      .sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.r);
    this.show(shown);
  }

  /** Shows only the requests whose id is in `shown`, and draws at once. */
  show(shown) {
    this.hidden = new Set();
    for (const r of this.requests) if (!shown.has(r.id)) this.hidden.add(r.id);
    this.draw();
  }

  /** The ids the last draw painted (the shown requests in view), ascending. */
  paintedIds() {
    return [...this.painted.ids].sort((a, b) => a - b);
  }

  /**
   * The id of the topmost painted request at `(x, y)` (CSS pixels from the map's top left),
   * or null.
   */
  at(x, y) {
    const { ids, xs, ys, hit } = this.painted;
    const hitSq = hit * hit;
    for (let i = ids.length - 1; i >= 0; i--) {
      const dx = xs[i] - x;
      const dy = ys[i] - y;
      if (dx * dx + dy * dy <= hitSq) return ids[i];
    }
    return null;
  }

  /** Calls `callback(id)` when a click lands on a request. */
  onClick(callback) {
    this.map.on('click', (e) => {
      const id = this.at(e.point.x, e.point.y);
      if (id !== null) callback(id);
    });
  }

  /** Redraws when the map's frame shows another view than the one last drawn. */
  follow() {
    if (this.viewKey() !== this.view) this.draw();
  }

  viewKey() {
    const m = this.map;
    const c = m.getCenter();
    const el = m.getCanvas();
    return `${c.lng},${c.lat},${m.getZoom()},${m.getBearing()},${m.getPitch()},${el.clientWidth},${el.clientHeight}`;
  }

  /** Draws the shown requests in view, now. */
  draw() {
    const map = this.map;
    const el = map.getCanvas();
    const width = el.clientWidth;
    const height = el.clientHeight;
    const ratio = window.devicePixelRatio || 1;
    const canvas = this.canvas;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    this.view = this.viewKey();
    const g = this.g;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const symbols = map.getZoom() >= SYMBOL_ZOOM;
    const margin = symbols ? SYMBOL_SIZE : DOT_RADIUS + RING;
    const ids = [];
    const xs = [];
    const ys = [];
    const shown = [];
    for (const r of this.requests) {
      if (this.hidden.has(r.id)) continue;
      const p = map.project(r.lonLat);
      if (p.x < -margin || p.y < -margin || p.x > width + margin || p.y > height + margin) continue;
      ids.push(r.id);
      xs.push(p.x);
      ys.push(p.y);
      shown.push(r);
    }
    if (symbols) this.drawSymbols(shown, xs, ys, ratio);
    else this.drawDots(shown, xs, ys);
    this.painted = { ids, xs: Float64Array.from(xs), ys: Float64Array.from(ys), hit: symbols ? SYMBOL_HIT : DOT_HIT };
  }

  /**
   * Dots in runs of one colour and opacity (the drawing order puts equal ones together):
   * the white rings of a run, then its fills, two paths per run instead of two per request.
   */
  drawDots(shown, xs, ys) {
    const g = this.g;
    let start = 0;
    while (start < shown.length) {
      const { urgency, status } = shown[start];
      let end = start + 1;
      while (end < shown.length && shown[end].urgency === urgency && (shown[end].status === 'new') === (status === 'new')) end++;
      g.globalAlpha = status === 'new' ? 1 : FADED;
      for (const [radius, colour] of [[DOT_RADIUS + RING, '#fff'], [DOT_RADIUS, this.colours[urgency] ?? this.colours.planned]]) {
        g.fillStyle = colour;
        g.beginPath();
        for (let i = start; i < end; i++) {
          g.moveTo(xs[i] + radius, ys[i]);
          g.arc(xs[i], ys[i], radius, 0, Math.PI * 2);
        }
        g.fill();
      }
      start = end;
    }
    g.globalAlpha = 1;
  }

  /** Each request's kind symbol, drawn from a cached canvas. */
  drawSymbols(shown, xs, ys, ratio) {
    const g = this.g;
    const half = SYMBOL_SIZE / 2;
    for (let i = 0; i < shown.length; i++) {
      const r = shown[i];
      const key = `${r.kind}-${r.urgency}-${ratio}`;
      let image = this.symbols.get(key);
      if (!image) {
        image = symbolImage(r.kind, this.colours[r.urgency] ?? this.colours.planned, SYMBOL_SIZE, ratio);
        this.symbols.set(key, image);
      }
      g.globalAlpha = r.status === 'new' ? 1 : FADED;
      g.drawImage(image, xs[i] - half, ys[i] - half, SYMBOL_SIZE, SYMBOL_SIZE);
    }
    g.globalAlpha = 1;
  }
}
