// The dispatch page: sign in with a token, see the headquarters' board on a map and in a
// list, record hotline calls, ask who can go now, plan, look at remote trips. Every action is
// a call of the public API (api.js); the map is map.js.

import { Api, ApiError, decodePolyline } from './api.js';
import { language, setLanguage, t } from './i18n.js';
import { BoardMap, MODE_COLOURS, ROUTE_COLOURS, URGENCY_COLOURS, point } from './map.js';

const STATUSES = ['new', 'assigned', 'en_route', 'done', 'cancelled', 'failed'];
const OPEN = ['new', 'assigned', 'en_route'];
const URGENCIES = ['urgent', 'normal', 'planned'];
const KINDS = ['groceries', 'medicines', 'essentials', 'utility_payment', 'care_visit', 'transport', 'psychological_support', 'other'];
const MODES = ['car', 'bicycle', 'foot'];
/**
 * Rows the list writes at once: a screenful and some. More are written as the last ones
 * scroll into view (or by the "more" button, for the keyboard), so a filter change lays out
 * and paints a few dozen rows, not thousands.
 */
const LIST_ROWS = 60;
/** Next statuses a coordinator may set from each status. */
const NEXT = { new: [], assigned: ['en_route', 'done', 'failed'], en_route: ['done', 'failed'] };

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};

/** Everything the page knows. */
const state = {
  api: null,
  me: null,
  hq: null,
  requests: new Map(),
  volunteers: new Map(),
  map: null,
  selected: null,
  plan: null,
  trip: null,
  live: null,
  pin: null,
  timings: {},
};
window.vmeste = state;

/**
 * A phase of the page's start (`performance.mark('vmeste:NAME')`), read by the benchmark:
 * `js` (this module running), `style` (MapLibre's style loaded), `api` (requests and
 * volunteers fetched), `list` (the list written), `sources` (the map's sources set), `idle`
 * (the map idle with everything drawn: the page is interactive).
 */
function phase(name) {
  performance.mark(`vmeste:${name}`);
}
phase('js');

// ---------- notices ----------

function notice(text, bad = false) {
  const n = $('notice');
  n.textContent = text;
  n.classList.toggle('bad', bad);
  n.hidden = !text;
}

function explain(e) {
  if (e instanceof ApiError && e.status === 403) return t('denied', { message: e.message });
  return t('error', { message: e.message });
}

function fail(e) {
  notice(explain(e), true);
}

// ---------- sign in ----------

function tokenFromFragment() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(m[1]);
}

async function signIn(token) {
  const api = new Api(token);
  let me;
  try {
    me = await api.get('/v1/me');
  } catch (e) {
    $('signin-error').textContent = t('signin.bad', { message: e.message });
    sessionStorage.removeItem('vmeste.token');
    return;
  }
  sessionStorage.setItem('vmeste.token', token);
  state.api = api;
  state.me = me;
  $('signin').hidden = true;
  $('board').hidden = false;
  $('signout').hidden = false;
  $('who').textContent = t(`role.${me.role}`);
  await openBoard();
}

function signOut() {
  sessionStorage.removeItem('vmeste.token');
  state.live?.abort();
  location.reload();
}

// ---------- the board ----------

const coordinates = () => state.me && (state.me.role === 'admin' || state.me.role === 'coordinator');

/**
 * The map library and the base map's TileJSON address (null when the server has no tiles),
 * asked for as soon as the page runs, in parallel with signing in and the board's lists.
 */
const mapLibrary = (async () => {
  const [maplibregl, tilesUrl] = await Promise.all([
    import('/page/lib/maplibre-gl.mjs').catch(() => null),
    fetch('/tiles/car/tiles.json')
      .then((res) => (res.ok ? `${location.origin}/tiles/car/tiles.json` : null))
      .catch(() => null),
  ]);
  // The map's worker starts now, while the board's lists are still on their way.
  maplibregl?.prewarm();
  phase('lib');
  return { maplibregl, tilesUrl };
})();

async function openBoard() {
  notice(t('loading'));
  try {
    const hqs = await state.api.all('/v1/hqs');
    state.hq = hqs.find((h) => state.me.hqs.includes(h.id)) ?? hqs[0] ?? null;
    if (state.hq) $('who').textContent = `${t(`role.${state.me.role}`)} · ${state.hq.name}`;
    if (coordinates() && state.hq) startLive();
    else setLive('none');
    const q = state.hq ? `?hq=${state.hq.id}` : '';
    const [requests, volunteers, library] = await Promise.all([
      state.api.all(`/v1/requests${q}`),
      coordinates() ? state.api.all(`/v1/volunteers${q}`) : Promise.resolve([]),
      mapLibrary,
    ]);
    phase('api');
    for (const r of requests) state.requests.set(r.id, r);
    for (const v of volunteers) state.volunteers.set(v.id, v);
    fillSkills();
    renderList();
    phase('list');
    await openMap(library);
    drawBoard();
    phase('sources');
    notice($('map').dataset.basemap === 'none' ? t('nobasemap') : '');
    if (state.map) await state.map.drawn();
    phase('drawn');
    state.timings.interactive = performance.now();
    document.body.dataset.ready = 'true';
    state.map?.addBaseMap();
    await state.map?.idle();
    phase('idle');
  } catch (e) {
    fail(e);
  }
}

/** Where the map opens: the headquarters and the open requests. */
function boardExtent() {
  const open = [...state.requests.values()].filter((r) => r.location && OPEN.includes(r.status)).map((r) => r.location);
  return state.hq ? [state.hq.location, ...open] : open;
}

async function openMap({ maplibregl, tilesUrl }) {
  if (!maplibregl) {
    notice(t('nolib', { command: 'scripts/setup-page.sh' }), true);
    return;
  }
  try {
    state.map = await BoardMap.create(maplibregl, $('map'), {
      center: state.hq?.location ?? [0, 0],
      extent: boardExtent(),
      tilesUrl,
      onError: (e) => console.warn('map:', e?.message ?? e),
    });
  } catch (e) {
    notice(t('error', { message: e.message }), true);
    return;
  }
  phase('style');
  if (!tilesUrl) $('map').dataset.basemap = 'none';
  state.map.onRequestClick((id) => selectRequest(id));
  state.map.onMapClick((lonLat) => {
    if (!$('panel-new').hidden) setPin(lonLat);
  });
}

function drawBoard() {
  if (!state.map) return;
  const requests = [...state.requests.values()].filter((r) => r.location)
    .map((r) => ({ id: r.id, lonLat: r.location, kind: r.kind, urgency: r.urgency, status: r.status }));
  state.map.setRequests(requests, shownRequests());
  const volunteers = [...state.volunteers.values()].filter((v) => v.position ?? v.home);
  state.map.setVolunteers({
    type: 'FeatureCollection',
    features: volunteers.map((v) => point(v.position ?? v.home, { id: v.id, mode: v.mode, status: v.status })),
  });
  if (state.hq) state.map.setHq(state.hq.location, `${t('hq')}: ${state.hq.name}`);
}

// ---------- filters and list ----------

function options(select, values, label, first) {
  select.replaceChildren(...first.map(([v, text]) => el('option', { value: v }, text)), ...values.map((v) => el('option', { value: v }, label(v))));
}

function fillFilters() {
  const keep = (id) => $(id).value;
  const was = ['f-status', 'f-urgency', 'f-kind'].map(keep);
  options($('f-status'), STATUSES, (s) => t(`status.${s}`), [['open', t('filter.open')], ['', t('filter.any')]]);
  options($('f-urgency'), URGENCIES, (s) => t(`urgency.${s}`), [['', t('filter.any')]]);
  options($('f-kind'), KINDS, (s) => t(`kind.${s}`), [['', t('filter.any')]]);
  ['f-status', 'f-urgency', 'f-kind'].forEach((id, i) => { if (was[i] !== '' || id !== 'f-status') $(id).value = was[i]; });
  if (!$('f-status').value && was[0] === '') $('f-status').value = was[0];
  options($('n-kind'), KINDS, (s) => t(`kind.${s}`), []);
  options($('n-urgency'), URGENCIES, (s) => t(`urgency.${s}`), []);
  if (!$('n-urgency').dataset.set) { $('n-urgency').value = 'normal'; $('n-urgency').dataset.set = '1'; }
  options($('t-profile'), MODES, (s) => t(`mode.${s}`), []);
  const overnight = $('trip-overnight').value || 'home';
  options($('trip-overnight'), ['home', 'settlement'], (s) => t(`trip.overnight.${s}`), []);
  $('trip-overnight').value = overnight;
  fillSkills();
}

function fillSkills() {
  const skills = new Set();
  for (const r of state.requests.values()) for (const s of r.skills) skills.add(s);
  const was = $('f-skill').value;
  options($('f-skill'), [...skills].sort(), (s) => s, [['', t('filter.any')]]);
  $('f-skill').value = skills.has(was) ? was : '';
}

function currentFilter() {
  const status = $('f-status').value;
  return {
    statuses: status === 'open' ? OPEN : status ? [status] : STATUSES,
    urgency: $('f-urgency').value,
    kind: $('f-kind').value,
    skill: $('f-skill').value,
  };
}

function matches(r, f) {
  return f.statuses.includes(r.status) && (!f.urgency || r.urgency === f.urgency)
    && (!f.kind || r.kind === f.kind) && (!f.skill || r.skills.includes(f.skill));
}

/** The ids of the requests the filters let through. */
function shownRequests() {
  const f = currentFilter();
  const shown = new Set();
  for (const r of state.requests.values()) if (matches(r, f)) shown.add(r.id);
  return shown;
}

function applyFilterToMap() {
  state.map?.showRequests(shownRequests());
}

const URGENCY_RANK = { urgent: 0, normal: 1, planned: 2 };

/** The filtered, sorted requests the list shows, and how many of them it has written. */
const listed = { rows: [], written: 0 };
/** Writes more rows when the list's "more" line scrolls into view. */
const moreObserver = typeof IntersectionObserver === 'function'
  ? new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) writeMoreRows(); })
  : null;

/** Appends the next LIST_ROWS rows of `listed` and the "more" line when some are left. */
function writeMoreRows() {
  const list = $('list');
  list.querySelector('li.more')?.remove();
  const frag = document.createDocumentFragment();
  const next = listed.rows.slice(listed.written, listed.written + LIST_ROWS);
  for (const r of next) frag.append(listRow(r));
  listed.written += next.length;
  const left = listed.rows.length - listed.written;
  if (left > 0) {
    const more = el('li', { class: 'more' },
      el('button', { type: 'button', onclick: () => focusAfter(writeMoreRows) }, t('list.more', { n: left })));
    frag.append(more);
    moreObserver?.observe(more);
  }
  list.append(frag);
}

/** Runs `write`, then focuses the first row it added (the keyboard goes on where it was). */
function focusAfter(write) {
  const at = listed.written;
  write();
  $('list').querySelectorAll('li[data-request] button')[at]?.focus();
}

function renderList() {
  const f = currentFilter();
  const shown = [...state.requests.values()].filter((r) => matches(r, f));
  shown.sort((a, b) => URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || a.deadline.localeCompare(b.deadline) || a.id - b.id);
  moreObserver?.disconnect();
  listed.rows = shown;
  listed.written = 0;
  $('list').replaceChildren(...(shown.length ? [] : [el('li', { class: 'count' }, t('list.empty'))]));
  writeMoreRows();
  $('list-count').textContent = t('list.count', { shown: shown.length, total: state.requests.size });
  const vols = [...state.volunteers.values()];
  $('volunteer-count').textContent = coordinates()
    ? t('volunteers.count', { n: vols.length, free: vols.filter((v) => v.status === 'available').length })
    : '';
}

function listRow(r) {
  const dot = el('span', { class: 'dot' });
  dot.style.background = URGENCY_COLOURS[r.urgency];
  const label = `№${r.id} · ${t(`kind.${r.kind}`)} · ${r.recipient.address || r.geocoded?.label || ''}`;
  const button = el('button', { type: 'button', dataset: { request: r.id }, onclick: () => selectRequest(r.id) },
    dot, el('span', {}, label), el('span', { class: 'tag' }, t(`status.${r.status}`)));
  return el('li', { class: r.status === 'new' ? '' : 'faded', dataset: { request: r.id } }, button);
}

function onFilterChange() {
  const start = performance.now();
  renderList();
  applyFilterToMap();
  state.timings.filter = performance.now() - start;
}

// ---------- live events ----------

function setLive(which) {
  const live = $('live');
  live.className = `live ${which}`;
  live.textContent = which === 'on' ? t('live.on') : which === 'off' ? t('live.off') : t('live.none');
  live.dataset.state = which;
}

function startLive() {
  const ctl = new AbortController();
  state.live = ctl;
  state.api.stream(`/v1/events?hq=${state.hq.id}`, {
    signal: ctl.signal,
    onState: (on) => setLive(on ? 'on' : 'off'),
    onEvent: (ev) => onEvent(ev.data),
  }).catch((e) => { setLive('none'); fail(e); });
}

const refreshing = new Set();

async function onEvent(e) {
  const key = `${e.entity}:${e.entity_id}`;
  if (refreshing.has(key)) return;
  refreshing.add(key);
  try {
    if (e.entity === 'request') {
      const r = await state.api.get(`/v1/requests/${e.entity_id}`);
      state.requests.set(r.id, r);
      fillSkills();
      renderList();
      drawBoard();
      if (state.selected === r.id) renderDetail(r);
    } else if (e.entity === 'volunteer') {
      const v = await state.api.get(`/v1/volunteers/${e.entity_id}`);
      state.volunteers.set(v.id, v);
      drawBoard();
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) fail(err);
  } finally {
    refreshing.delete(key);
  }
}

// ---------- one request ----------

async function selectRequest(id) {
  state.selected = id;
  let r = state.requests.get(id);
  try {
    r = await state.api.get(`/v1/requests/${id}`);
    state.requests.set(id, r);
  } catch (e) {
    fail(e);
  }
  if (!r) return;
  renderDetail(r);
  $('detail').hidden = false;
  $('detail').focus();
  state.map?.select(r.location);
  state.map?.setCandidateRoute(null);
  $('detail-candidates').replaceChildren();
  loadHistory(id);
}

function closeDetail() {
  $('detail').hidden = true;
  state.selected = null;
  state.map?.select(null);
  state.map?.setCandidateRoute(null);
}

function renderDetail(r) {
  $('detail-heading').textContent = t('detail.heading', { id: r.id });
  const vol = r.volunteer ? state.volunteers.get(r.volunteer)?.name ?? `#${r.volunteer}` : '—';
  const rows = [
    [t('filter.kind'), t(`kind.${r.kind}`)],
    [t('filter.urgency'), t(`urgency.${r.urgency}`)],
    [t('filter.status'), t(`status.${r.status}`) + (r.reason ? ` (${r.reason})` : '')],
    [t('detail.deadline'), new Date(r.deadline).toLocaleString(language())],
    [t('detail.recipient'), `${r.recipient.name} ${r.recipient.phone}`],
    [t('form.address'), r.recipient.address || r.geocoded?.label || ''],
    [t('detail.volunteer'), vol],
    [t('detail.notes'), r.notes || '—'],
  ];
  $('detail-fields').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const actions = [];
  if (OPEN.includes(r.status) || r.status === 'new') {
    actions.push(el('button', { type: 'button', id: 'candidates', class: 'primary', onclick: () => loadCandidates(r.id) }, t('detail.candidates')));
  }
  for (const s of NEXT[r.status] ?? []) {
    actions.push(el('button', { type: 'button', dataset: { to: s }, onclick: () => moveRequest(r, s) }, t('detail.move', { status: t(`status.${s}`) })));
  }
  if (r.status === 'assigned') {
    actions.push(el('button', { type: 'button', onclick: () => act(() => state.api.post(`/v1/requests/${r.id}/unassign`, undefined, { 'If-Match': `"${r.version}"` })) }, t('detail.unassign')));
  }
  if (OPEN.includes(r.status)) {
    actions.push(el('input', { id: 'reason', placeholder: t('detail.cancel.reason'), 'aria-label': t('detail.cancel.reason') }));
    actions.push(el('button', { type: 'button', id: 'cancel', onclick: () => cancelRequest(r) }, t('detail.cancel')));
  }
  $('detail-actions').replaceChildren(...actions);
}

async function act(call) {
  try {
    const r = await call();
    if (r?.id && r.status) {
      state.requests.set(r.id, r);
      renderList();
      drawBoard();
      renderDetail(r);
      loadHistory(r.id);
    }
    notice('');
    return r;
  } catch (e) {
    fail(e);
    return null;
  }
}

/** The reason typed beside the buttons; focuses the field and returns null when empty. */
function typedReason() {
  const input = $('reason');
  const reason = input?.value.trim();
  if (!reason) {
    input?.focus();
    return null;
  }
  return reason;
}

function moveRequest(r, status) {
  let reason;
  if (status === 'failed') {
    reason = typedReason();
    if (!reason) return null;
  }
  return act(() => state.api.post(`/v1/requests/${r.id}/status`, { status, reason }, { 'If-Match': `"${r.version}"` }));
}

function cancelRequest(r) {
  const reason = typedReason();
  if (!reason) return null;
  return act(() => state.api.post(`/v1/requests/${r.id}/cancel`, { reason }, { 'If-Match': `"${r.version}"` }));
}

async function loadHistory(id) {
  try {
    const page = await state.api.get(`/v1/requests/${id}/history`);
    $('detail-history').replaceChildren(...page.items.map((e) => {
      const change = e.changes?.status ? ` → ${t(`status.${e.changes.status}`)}` : '';
      return el('li', {}, `${new Date(e.at).toLocaleString(language())} · ${e.actor} · ${e.action}${change}`);
    }));
  } catch (e) {
    $('detail-history').replaceChildren(el('li', { class: 'error' }, explain(e)));
  }
}

async function loadCandidates(id) {
  const out = $('detail-candidates');
  out.replaceChildren(el('p', { class: 'count' }, t('loading')));
  try {
    const a = await state.api.get(`/v1/requests/${id}/candidates?k=5`);
    const rows = a.candidates.map((c) => el('div', { class: 'cand', dataset: { volunteer: c.volunteer } },
      el('span', {}, `${c.name} · ${t(`mode.${c.mode}`)} · ${t('cand.eta', { min: Math.max(1, Math.round(c.eta_s / 60)), km: (c.distance_m / 1000).toFixed(1) })}`),
      el('button', { type: 'button', onclick: () => drawCandidateRoute(c, id) }, t('cand.route')),
      el('button', { type: 'button', class: 'primary', dataset: { assign: c.volunteer }, onclick: () => assign(id, c) }, t('cand.assign'))));
    if (!rows.length) rows.push(el('p', {}, t('cand.none')));
    const excluded = Object.entries(a.excluded ?? {}).map(([k, n]) => `${k}: ${n}`).join(', ');
    if (excluded) rows.push(el('p', { class: 'count' }, t('cand.excluded', { list: excluded })));
    out.replaceChildren(...rows);
    out.querySelector('button')?.focus();
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error', role: 'alert' }, explain(e)));
  }
}

async function drawCandidateRoute(c, requestId) {
  const v = state.volunteers.get(c.volunteer);
  const r = state.requests.get(requestId);
  const from = v?.position ?? v?.home;
  if (!from || !r?.location) return;
  try {
    const a = await state.api.get(`/route/v1/${c.mode}/${from.join(',')};${r.location.join(',')}?overview=full&geometries=geojson`);
    const g = a.routes?.[0]?.geometry;
    state.map?.setCandidateRoute(g);
    if (g) state.map?.fit(g.coordinates);
  } catch (e) {
    fail(e);
  }
}

async function assign(id, c) {
  const r = state.requests.get(id);
  const done = await act(() => state.api.post(`/v1/requests/${id}/assign`, { volunteer: c.volunteer }, { 'If-Match': `"${r.version}"` }));
  if (done) {
    notice(t('assigned', { name: c.name }));
    $('detail-candidates').replaceChildren();
    state.map?.setCandidateRoute(null);
  }
}

// ---------- hotline form ----------

let suggestTimer = null;
let suggestSeq = 0;

function setPin(lonLat) {
  state.pin = lonLat;
  $('n-pin').textContent = lonLat ? t('form.pin', { lat: lonLat[1].toFixed(5), lon: lonLat[0].toFixed(5) }) : t('form.nopin');
  state.map?.pin(lonLat, (moved) => setPin(moved));
}

function onAddressInput() {
  clearTimeout(suggestTimer);
  setPin(null);
  const q = $('n-address').value.trim();
  if (q.length < 3) { $('n-suggest').replaceChildren(); return; }
  suggestTimer = setTimeout(async () => {
    const seq = ++suggestSeq;
    try {
      const a = await state.api.get(`/v1/geocode?q=${encodeURIComponent(q)}&limit=5`);
      if (seq !== suggestSeq) return;
      $('n-suggest').replaceChildren(...a.matches.map((m, i) => el('li', {
        role: 'option', 'aria-selected': i === 0 ? 'true' : 'false', tabindex: '-1',
        onclick: () => chooseSuggestion(m),
      }, m.label)));
      $('n-suggest').matchesList = a.matches;
    } catch {
      $('n-suggest').replaceChildren();
    }
  }, 200);
}

function chooseSuggestion(m) {
  $('n-address').value = m.label;
  $('n-suggest').replaceChildren();
  setPin([m.lon, m.lat]);
}

function onAddressKey(e) {
  const items = [...$('n-suggest').children];
  if (!items.length) return;
  const at = items.findIndex((i) => i.getAttribute('aria-selected') === 'true');
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const next = (at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
    items.forEach((i, k) => i.setAttribute('aria-selected', k === next ? 'true' : 'false'));
  } else if (e.key === 'Enter') {
    e.preventDefault();
    chooseSuggestion($('n-suggest').matchesList[Math.max(0, at)]);
  } else if (e.key === 'Escape') {
    $('n-suggest').replaceChildren();
  }
}

async function submitRequest(e) {
  e.preventDefault();
  if (!state.hq) return;
  const body = {
    hq: state.hq.id,
    kind: $('n-kind').value,
    urgency: $('n-urgency').value,
    recipient: { name: $('n-name').value, phone: $('n-phone').value, address: $('n-address').value },
    address: $('n-address').value,
  };
  if (state.pin) body.location = state.pin;
  if ($('n-deadline').value) body.deadline = new Date($('n-deadline').value).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if ($('n-notes').value.trim()) body.notes = $('n-notes').value.trim();
  $('n-submit').disabled = true;
  try {
    const r = await state.api.post('/v1/requests', body, { 'Idempotency-Key': crypto.randomUUID() });
    state.requests.set(r.id, r);
    renderList();
    drawBoard();
    $('new-form').reset();
    setPin(null);
    notice(t('form.created', { id: r.id }));
  } catch (err) {
    fail(err);
  } finally {
    $('n-submit').disabled = false;
  }
}

// ---------- plan ----------

async function makePlan() {
  $('plan-make').disabled = true;
  $('plan-out').replaceChildren(el('p', { class: 'count' }, t('plan.making')));
  try {
    const plan = await state.api.post('/v1/plans', { hq: state.hq.id, time_limit_s: 2 });
    state.plan = plan;
    renderPlan(plan);
    $('plan-commit').disabled = !plan.routes.length;
    $('plan-discard').disabled = false;
  } catch (e) {
    $('plan-out').replaceChildren(el('p', { class: 'error', role: 'alert' }, explain(e)));
    fail(e);
  } finally {
    $('plan-make').disabled = false;
  }
}

function renderPlan(plan) {
  const out = [];
  const lines = [];
  const labels = [];
  const coords = [];
  plan.routes.forEach((route, i) => {
    const colour = ROUTE_COLOURS[i % ROUTE_COLOURS.length];
    const v = state.volunteers.get(route.volunteer);
    if (route.geometry) {
      const c = decodePolyline(route.geometry);
      lines.push({ coordinates: c, colour });
      coords.push(...c);
    }
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = colour;
    out.push(el('div', { class: 'route-head', dataset: { volunteer: route.volunteer } }, swatch,
      t('plan.route', { name: v?.name ?? `#${route.volunteer}`, mode: t(`mode.${v?.mode ?? 'car'}`), n: route.steps.length })));
    out.push(el('ol', { class: 'stops' }, ...route.steps.map((s, k) => {
      const r = state.requests.get(s.request);
      if (r?.location) labels.push({ lonLat: r.location, text: String(k + 1), colour, className: 'stop-label' });
      return el('li', {}, `№${s.request} — ${new Date(s.arrival).toLocaleTimeString(language(), { hour: '2-digit', minute: '2-digit' })}`);
    })));
  });
  if (plan.calls?.length) out.push(el('p', {}, t('plan.calls', { list: plan.calls.map((c) => `№${c.request}`).join(', ') })));
  if (plan.unassigned?.length) {
    out.push(el('h3', {}, t('plan.unassigned')));
    out.push(el('ul', { id: 'plan-unassigned' }, ...plan.unassigned.map((u) => el('li', {}, `№${u.request}: ${u.reason?.message ?? u.reason?.code ?? ''}`))));
  }
  if (!plan.routes.length && !plan.calls?.length) out.push(el('p', {}, t('plan.empty')));
  $('plan-out').replaceChildren(...out);
  state.map?.setRoutes(lines);
  state.map?.setLabels(labels);
  if (coords.length) state.map?.fit(coords);
}

function discardPlan() {
  state.plan = null;
  $('plan-out').replaceChildren();
  state.map?.setRoutes([]);
  state.map?.setLabels([]);
  $('plan-commit').disabled = true;
  $('plan-discard').disabled = true;
}

async function commitPlan() {
  if (!state.plan) return;
  try {
    const a = await state.api.post(`/v1/plans/${state.plan.id}/commit`, {});
    const n = a.assigned.length;
    discardPlan();
    notice(t('plan.committed', { n }));
    const q = state.hq ? `?hq=${state.hq.id}` : '';
    for (const r of await state.api.all(`/v1/requests${q}`)) state.requests.set(r.id, r);
    renderList();
    drawBoard();
  } catch (e) {
    fail(e);
  }
}

// ---------- remote trips ----------

async function showTrips(e) {
  e.preventDefault();
  if (!state.hq) return;
  const profile = $('t-profile').value;
  const minutes = $('t-minutes').value.split(',').map((m) => Number(m.trim())).filter((m) => m > 0);
  const [lon, lat] = state.hq.location;
  try {
    const iso = await state.api.get(`/isochrone/v1/${profile}/${lon},${lat}?contours_minutes=${minutes.join(',')}`);
    const shades = ['#1b5e20', '#f9a825', '#c62828', '#6a1b9a'];
    iso.features?.forEach((f, i) => { f.properties = { ...f.properties, colour: shades[i % shades.length] }; });
    state.map?.setIsochrones(iso);
    const d = 0.6;
    const places = (await state.api.get(`/v1/places?bbox=${lon - d},${lat - d},${lon + d},${lat + d}&limit=300`)).places;
    if (!places.length) {
      $('trips-summary').textContent = t('trips.none');
      $('trips-out').replaceChildren();
      return;
    }
    const reach = await state.api.post('/v1/reachability', { profile, from: [lon, lat], points: places.map((p) => [p.lon, p.lat]) });
    const rows = places.map((p, i) => ({ p, r: reach.results[i] }));
    const cut = rows.filter(({ r }) => !isReachable(r));
    $('trips-summary').textContent = t('trips.summary', { n: rows.length, cut: cut.length });
    $('trips-out').replaceChildren(...rows.map(({ p, r }) => el('li', { class: isReachable(r) ? '' : 'faded' },
      el('label', {},
        el('input', { type: 'checkbox', dataset: { place: p.osm } }),
        `${p.name} (${p.kind}) — ${isReachable(r)
          ? t('trips.reachable', { min: Math.round(r.duration_s / 60), km: (r.distance_m / 1000).toFixed(1) })
          : t('trips.cut', { reason: reasonText(r.reason) })}`))));
    state.map?.setSettlements({
      type: 'FeatureCollection',
      features: rows.map(({ p, r }) => point([p.lon, p.lat], { reachable: isReachable(r), name: p.name })),
    });
    state.map?.setLabels(rows.slice(0, 40).map(({ p }) => ({ lonLat: [p.lon, p.lat], text: p.name })));
  } catch (err) {
    fail(err);
  }
}

/** A duration in seconds as hours and minutes. */
function hoursMinutes(s) {
  const m = Math.round(s / 60);
  return m >= 60 ? t('duration.hm', { h: Math.floor(m / 60), m: m % 60 }) : t('duration.m', { m });
}

/** Plans a trip from the headquarters to the ticked settlements (`POST /v1/trips/remote`). */
async function planTrip(e) {
  e.preventDefault();
  if (!state.hq) return;
  const places = [...document.querySelectorAll('#trips-out input[type=checkbox]:checked')].map((c) => ({ place: c.dataset.place }));
  if (!places.length) {
    $('trip-out').replaceChildren(el('p', { class: 'error', role: 'alert' }, t('trip.pick')));
    return;
  }
  const body = {
    hq: state.hq.id,
    profile: $('t-profile').value,
    days: Number($('trip-days').value),
    hours: $('trip-hours').value.trim(),
    max_driving: $('trip-driving').value.trim(),
    service_min: Number($('trip-service').value),
    overnight: $('trip-overnight').value,
    settlements: places,
  };
  $('trip-plan').disabled = true;
  $('trip-out').replaceChildren(el('p', { class: 'count' }, t('trip.planning')));
  try {
    state.trip = { days: body.days, plan: await state.api.post('/v1/trips/remote?format=geojson', body) };
    renderTrip(state.trip);
    $('trip-out').scrollIntoView({ block: 'start' });
  } catch (err) {
    $('trip-out').replaceChildren(el('p', { class: 'error', role: 'alert' }, explain(err)));
  } finally {
    $('trip-plan').disabled = false;
  }
}

/**
 * A planned trip (the GeoJSON answer of `/v1/trips/remote`) in the panel, day by day per
 * vehicle (the settlements in order with arrival and departure, the day's driving, the
 * night), and on the map (each day's road route in its colour, the visits numbered
 * `day.order`).
 */
function renderTrip({ days, plan }) {
  const features = plan.features ?? [];
  const of = (role) => features.filter((f) => f.properties.role === role);
  const routes = of('route');
  const stops = of('stop');
  const nights = of('night');
  const vehicles = [...new Set([...routes, ...stops].map((f) => f.properties.vehicle))].sort((x, y) => x - y);
  const out = [];
  const lines = [];
  const labels = [];
  const coords = [];
  const total = stops.length + of('unplanned').length;
  const driving = routes.reduce((n, f) => n + f.properties.driving_s, 0);
  const km = routes.reduce((n, f) => n + f.properties.distance_m, 0) / 1000;
  out.push(el('p', { class: 'count', id: 'trip-summary' }, t('trip.summary', { visited: stops.length, total, driving: hoursMinutes(driving), km: km.toFixed(1) })));
  for (const vehicle of vehicles) {
    if (vehicles.length > 1) out.push(el('h4', {}, t('trip.vehicle', { n: vehicle })));
    for (let day = 1; day <= days; day++) {
      const mine = (f) => f.properties.vehicle === vehicle && f.properties.day === day;
      const colour = ROUTE_COLOURS[(day - 1) % ROUTE_COLOURS.length];
      const route = routes.find(mine);
      const visits = stops.filter(mine).sort((x, y) => x.properties.order - y.properties.order);
      if (route) {
        lines.push({ coordinates: route.geometry.coordinates, colour });
        coords.push(...route.geometry.coordinates);
      }
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colour;
      const head = route
        ? t('trip.day.driving', { driving: hoursMinutes(route.properties.driving_s), km: (route.properties.distance_m / 1000).toFixed(1) })
        : t('trip.day.rest');
      out.push(el('h4', { class: 'trip-day', dataset: { day } }, swatch, `${t('trip.day', { day })} — ${head}`));
      if (visits.length) {
        out.push(el('ol', { class: 'stops' }, ...visits.map((f) => {
          const s = f.properties;
          labels.push({ lonLat: f.geometry.coordinates, text: `${day}.${s.order}`, colour, className: 'stop-label trip-label' });
          const wait = s.waiting_s >= 60 ? t('trip.wait', { min: Math.round(s.waiting_s / 60) }) : '';
          return el('li', {}, t('trip.stop', { name: s.name, arrival: s.arrival, departure: s.departure }) + wait);
        })));
      }
      const night = nights.find(mine);
      if (route || night) {
        out.push(el('p', { class: 'night' }, night ? t('trip.night.away', { name: night.properties.name }) : t('trip.night.home')));
      }
    }
  }
  const unplanned = of('unplanned');
  if (unplanned.length) {
    out.push(el('h4', {}, t('trip.unplanned')));
    out.push(el('ul', { id: 'trip-unplanned' }, ...unplanned.map((f) => el('li', {}, `${f.properties.name}: ${f.properties.message}`))));
  }
  $('trip-out').replaceChildren(...out);
  state.map?.setTrip(lines);
  state.map?.setLabels(labels);
  if (coords.length) state.map?.fit(coords);
}

function isReachable(r) {
  return r?.reachable === true;
}

/** A reachability reason (`{kind, ...details}`) as text: the kind, then its figures. */
function reasonText(reason) {
  if (!reason) return '';
  const { kind, ...rest } = reason;
  const details = Object.entries(rest).map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v) : v}`);
  return details.length ? `${kind} (${details.join(', ')})` : kind;
}

// ---------- tabs, language, start ----------

function showTab(name) {
  for (const tab of ['list', 'new', 'plan', 'trips']) {
    $(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`panel-${tab}`).hidden = tab !== name;
  }
  if (name !== 'new') state.map?.pin(null);
  else if (state.pin) state.map?.pin(state.pin, (moved) => setPin(moved));
}

function onTabKey(e) {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  const at = tabs.indexOf(document.activeElement);
  if (at < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
  const next = tabs[(at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  next.focus();
  next.click();
}

function switchLanguage() {
  const next = language() === 'ru' ? 'en' : 'ru';
  localStorage.setItem('vmeste.lang', next);
  setLanguage(next);
  fillFilters();
  if (state.me) {
    $('who').textContent = `${t(`role.${state.me.role}`)}${state.hq ? ` · ${state.hq.name}` : ''}`;
    renderList();
    const live = $('live').dataset.state;
    if (live) setLive(live);
    if (state.selected) renderDetail(state.requests.get(state.selected));
    if (state.plan) renderPlan(state.plan);
    if (state.trip) renderTrip(state.trip);
  }
}

function start() {
  setLanguage(localStorage.getItem('vmeste.lang') ?? 'ru');
  fillFilters();
  $('f-status').value = 'open';
  $('lang').addEventListener('click', switchLanguage);
  $('signout').addEventListener('click', signOut);
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn($('token').value.trim());
  });
  $('filters').addEventListener('change', onFilterChange);
  for (const tab of ['list', 'new', 'plan', 'trips']) $(`tab-${tab}`).addEventListener('click', () => showTab(tab));
  document.querySelector('.tabs').addEventListener('keydown', onTabKey);
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('detail').hidden && !$('n-suggest').children.length) closeDetail();
  });
  $('n-address').addEventListener('input', onAddressInput);
  $('n-address').addEventListener('keydown', onAddressKey);
  $('new-form').addEventListener('submit', submitRequest);
  $('plan-make').addEventListener('click', makePlan);
  $('plan-commit').addEventListener('click', commitPlan);
  $('plan-discard').addEventListener('click', discardPlan);
  $('trips-form').addEventListener('submit', showTrips);
  $('trip-form').addEventListener('submit', planTrip);
  setPin(null);
  const token = tokenFromFragment() ?? sessionStorage.getItem('vmeste.token');
  if (token) signIn(token);
  else $('token').focus();
}

start();
