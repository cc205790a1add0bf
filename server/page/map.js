// The map: MapLibre GL JS over vmeste's own vector tiles (roads by class, places), with the
// board's volunteers and headquarters, routes, isochrones and settlements on top, and the
// requests above them on their own canvas (overlay.js), so that a filter repaints that canvas
// alone. No glyphs are loaded (no network at run time): names, stop numbers and the
// headquarters' star are HTML markers or text in the side panel.

import { RequestOverlay } from './overlay.js';

export const URGENCY_COLOURS = { urgent: '#c62828', normal: '#ef8a17', planned: '#1e6fb8' };
export const MODE_COLOURS = { foot: '#2a9d8f', bicycle: '#7b3fa0', car: '#37474f' };
export const ROUTE_COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#800000', '#469990', '#000075', '#808000'];
/**
 * Road classes: colour, width, and the lowest zoom drawn (small roads only when zoomed in:
 * the tiles carry every road at every zoom, and tessellating and drawing them all at a
 * city's zoom cost more than half of each frame on a CPU-rendered map).
 */
const ROAD_STYLE = [
  ['motorway', '#e07b39', 3.5, 0], ['trunk', '#e8a33d', 3.2, 0], ['primary', '#f2c65c', 3, 0],
  ['secondary', '#f6dc8a', 2.6, 0], ['tertiary', '#ffffff', 2.3, 11], ['minor', '#ffffff', 1.6, 13],
  ['service', '#f4f4f4', 1, 15], ['track', '#b59b6a', 1, 14], ['path', '#a3a3a3', 0.8, 15], ['ferry', '#5b8fd6', 1, 0],
];

/** The style: an empty background, and vmeste's tiles when `tilesUrl` (a TileJSON) is given. */
export function baseStyle(tilesUrl) {
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0e8' } }];
  const sources = {};
  if (tilesUrl) {
    sources.base = { type: 'vector', url: tilesUrl };
    layers.push(...baseLayers());
  }
  return { version: 8, sources, layers };
}

/** The base map's layers over the `base` source: roads by class, places as dots. */
function baseLayers() {
  const layers = [];
  for (const [cls, colour, width, minzoom] of ROAD_STYLE) {
    layers.push({
      id: `road-${cls}`, type: 'line', source: 'base', 'source-layer': 'roads', minzoom,
      filter: ['==', ['get', 'class'], cls],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': colour,
        'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 10, width * 0.4, 16, width * 2.2, 18, width * 5],
        ...(cls === 'ferry' || cls === 'path' ? { 'line-dasharray': [2, 2] } : {}),
      },
    });
  }
  layers.push({
    id: 'places', type: 'circle', source: 'base', 'source-layer': 'places',
    paint: { 'circle-radius': 3, 'circle-color': '#555', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
  });
  return layers;
}

/** How the map fits a set of points. */
const FIT = { padding: 40, maxZoom: 16 };

/** The bounds of `[[lon, lat], ...]` (not empty). */
function bounds(maplibregl, coords) {
  const b = new maplibregl.LngLatBounds(coords[0], coords[0]);
  for (const c of coords) b.extend(c);
  return b;
}

const EMPTY = { type: 'FeatureCollection', features: [] };

/** The board's layers on a MapLibre map. */
export class BoardMap {
  constructor(maplibregl, map) {
    this.gl = maplibregl;
    this.map = map;
    this.markers = [];
    this.pinMarker = null;
  }

  /**
   * Builds the map in `container`, opened on `extent` (`[[lon, lat], ...]`; on `center` when
   * empty); resolves once its style is loaded and the board's layers are added (before any
   * base-map tile has to arrive).
   */
  static async create(maplibregl, container, { center, extent = [], tilesUrl, onError }) {
    const start = extent.length ? { bounds: bounds(maplibregl, extent), fitBoundsOptions: FIT } : { center, zoom: 14 };
    const map = new maplibregl.Map({
      container, style: baseStyle(null), ...start, attributionControl: false, maxZoom: 19,
    });
    map.on('error', (e) => onError(e?.error ?? e));
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: '© OpenStreetMap contributors' }));
    if (!map.isStyleLoaded()) await new Promise((resolve) => map.once('style.load', resolve));
    const view = new BoardMap(maplibregl, map);
    view.addLayers();
    view.tilesUrl = tilesUrl;
    return view;
  }

  addLayers() {
    const map = this.map;
    for (const id of ['isochrones', 'routes', 'trip', 'candidate-route', 'settlements', 'volunteers', 'selected']) {
      map.addSource(id, { type: 'geojson', data: EMPTY });
    }
    map.addLayer({
      id: 'isochrones', type: 'fill', source: 'isochrones',
      paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.18, 'fill-outline-color': ['get', 'colour'] },
    });
    map.addLayer({
      id: 'routes', type: 'line', source: 'routes', layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': ['get', 'colour'], 'line-width': 4, 'line-opacity': 0.85 },
    });
    map.addLayer({
      id: 'trip', type: 'line', source: 'trip', layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': ['get', 'colour'], 'line-width': 4, 'line-opacity': 0.85 },
    });
    map.addLayer({
      id: 'candidate-route', type: 'line', source: 'candidate-route', layout: { 'line-cap': 'round' },
      paint: { 'line-color': '#0b57d0', 'line-width': 5, 'line-dasharray': [1.5, 1] },
    });
    map.addLayer({
      id: 'settlements', type: 'circle', source: 'settlements',
      paint: {
        'circle-radius': 6, 'circle-color': ['case', ['get', 'reachable'], '#2e7d32', '#c62828'],
        'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5,
      },
    });
    map.addLayer({
      id: 'volunteers', type: 'circle', source: 'volunteers',
      paint: {
        // Small, in a thick ring: unlike a request's dot.
        'circle-radius': 4,
        'circle-color': ['match', ['get', 'mode'], 'foot', MODE_COLOURS.foot, 'bicycle', MODE_COLOURS.bicycle, MODE_COLOURS.car],
        'circle-opacity': ['match', ['get', 'status'], 'off', 0.35, 1],
        'circle-stroke-color': ['match', ['get', 'status'], 'busy', '#ffb300', '#ffffff'],
        'circle-stroke-width': 3,
      },
    });
    map.addLayer({
      id: 'selected', type: 'circle', source: 'selected',
      paint: { 'circle-radius': 14, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#0b57d0', 'circle-stroke-width': 3 },
    });
    map.on('mouseenter', 'volunteers', () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', 'volunteers', () => { map.getCanvas().style.cursor = ''; });
    this.requests = new RequestOverlay(map, URGENCY_COLOURS);
  }

  /**
   * Adds the base map (vmeste's tiles) under the board's layers. The page calls it once the
   * board is drawn, so that the base map's tiles, parsed by the same worker and drawn by the
   * same (on a CPU, slow) GL context, do not hold the board back.
   */
  addBaseMap() {
    if (!this.tilesUrl || this.map.getSource('base')) return;
    this.map.addSource('base', { type: 'vector', url: this.tilesUrl });
    for (const layer of baseLayers()) this.map.addLayer(layer, 'isochrones');
    this.map.on('moveend', () => this.labelPlaces());
    this.map.once('idle', () => this.labelPlaces());
  }

  /** Names of the base map's biggest places in view, as HTML markers (no glyphs needed). */
  labelPlaces() {
    const rank = { city: 0, town: 1, village: 2, suburb: 3, hamlet: 4 };
    const seen = new Set();
    const places = this.map.querySourceFeatures('base', { sourceLayer: 'places' })
      .filter((f) => f.properties.name && !seen.has(f.properties.name) && seen.add(f.properties.name))
      .sort((a, b) => (rank[a.properties.kind] ?? 9) - (rank[b.properties.kind] ?? 9)
        || (b.properties.population ?? 0) - (a.properties.population ?? 0))
      .slice(0, 25);
    for (const m of this.placeMarkers ?? []) m.remove();
    this.placeMarkers = places.map((f) => {
      const el = document.createElement('div');
      el.className = 'place-label';
      el.textContent = f.properties.name_ru && document.documentElement.lang === 'ru' ? f.properties.name_ru : f.properties.name;
      return new this.gl.Marker({ element: el, anchor: 'top' }).setLngLat(f.geometry.coordinates).addTo(this.map);
    });
  }

  set(source, data) {
    this.map.getSource(source)?.setData(data);
  }

  /**
   * Requests (`[{id, lonLat, kind, urgency, status}]`), of which those whose id is in `shown`
   * are drawn on the requests' canvas.
   */
  setRequests(requests, shown) { this.requests.set(requests, shown); }

  /** Volunteers (features with `id`, `mode`, `status`). */
  setVolunteers(fc) { this.set('volunteers', fc); }

  /**
   * The headquarters: a star as an HTML marker titled `label` (no symbol layer, whose
   * shaders and placement would cost the first frame more than the marker does).
   */
  setHq(lonLat, label) {
    if (!this.hqMarker) {
      const el = document.createElement('div');
      el.className = 'hq-marker';
      el.textContent = '★';
      this.hqMarker = new this.gl.Marker({ element: el }).setLngLat(lonLat).addTo(this.map);
    }
    this.hqMarker.setLngLat(lonLat);
    this.hqMarker.getElement().title = label;
  }

  /**
   * Shows only the requests whose `id` is in `shown`: the requests' canvas is redrawn at
   * once, the map's own frame not at all.
   */
  showRequests(shown) { this.requests.show(shown); }

  /** The ids of the requests the map shows now (drawn in view), ascending. */
  drawnRequests() { return this.requests.paintedIds(); }

  select(lonLat) { this.set('selected', lonLat ? point(lonLat, {}) : EMPTY); }

  onRequestClick(callback) { this.requests.onClick(callback); }

  onMapClick(callback) {
    this.map.on('click', (e) => callback([e.lngLat.lng, e.lngLat.lat]));
  }

  /** Lines `[{coordinates, colour}]` of a plan. */
  setRoutes(lines) { this.set('routes', lineFeatures(lines)); }

  /** Lines `[{coordinates, colour}]` of a trip's days. */
  setTrip(lines) { this.set('trip', lineFeatures(lines)); }

  setCandidateRoute(geometry) {
    this.set('candidate-route', geometry ? { type: 'Feature', properties: {}, geometry } : EMPTY);
  }

  setIsochrones(fc) { this.set('isochrones', fc ?? EMPTY); }

  setSettlements(fc) { this.set('settlements', fc ?? EMPTY); }

  /** HTML markers (stop numbers, names): `[{lonLat, text, colour, className}]`. */
  setLabels(labels) {
    for (const m of this.markers) m.remove();
    this.markers = labels.map((l) => {
      const el = document.createElement('div');
      el.className = l.className ?? 'map-label';
      el.textContent = l.text;
      if (l.colour) el.style.setProperty('--label-colour', l.colour);
      return new this.gl.Marker({ element: el }).setLngLat(l.lonLat).addTo(this.map);
    });
  }

  /** A draggable pin for the hotline form; `onMove([lon, lat])` after a drag. */
  pin(lonLat, onMove) {
    if (!lonLat) {
      this.pinMarker?.remove();
      this.pinMarker = null;
      return;
    }
    if (!this.pinMarker) {
      this.pinMarker = new this.gl.Marker({ draggable: true, color: '#0b57d0' }).setLngLat(lonLat).addTo(this.map);
      this.pinMarker.on('dragend', () => {
        const p = this.pinMarker.getLngLat();
        this.pinOnMove?.([p.lng, p.lat]);
      });
    }
    this.pinOnMove = onMove;
    this.pinMarker.setLngLat(lonLat);
    this.map.easeTo({ center: lonLat, duration: 0 });
  }

  fit(coords) {
    if (!coords.length) return;
    this.map.fitBounds(bounds(this.gl, coords), { ...FIT, duration: 0 });
  }

  /**
   * Resolves at the first frame drawn with the volunteers' source fully loaded (the requests'
   * canvas is drawn as soon as they are set): the board is on the map, whether or not the
   * base map's tiles have all arrived.
   */
  drawn() {
    const ready = () => this.map.isSourceLoaded('volunteers');
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return;
        this.map.off('render', check);
        resolve();
      };
      this.map.on('render', check);
      this.map.triggerRepaint();
    });
  }

  /** Resolves after the map has drawn everything it was given. */
  idle() {
    return new Promise((resolve) => {
      if (this.map.loaded() && !this.map.isMoving()) {
        this.map.once('idle', resolve);
        this.map.triggerRepaint();
      } else {
        this.map.once('idle', resolve);
      }
    });
  }
}

/** Lines `[{coordinates, colour}]` as a GeoJSON FeatureCollection. */
function lineFeatures(lines) {
  return {
    type: 'FeatureCollection',
    features: lines.map((l) => ({ type: 'Feature', properties: { colour: l.colour }, geometry: { type: 'LineString', coordinates: l.coordinates } })),
  };
}

/** A GeoJSON point feature. */
export function point(lonLat, properties) {
  return { type: 'Feature', properties, geometry: { type: 'Point', coordinates: lonLat } };
}
