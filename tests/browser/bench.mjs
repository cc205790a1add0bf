// The dispatch page's benchmark (scripts/bench-page.sh): seeds a board through the public API
// (one headquarters, VOLUNTEERS volunteers and REQUESTS open requests at reproducible random
// points of the graph's area) and measures in chromium, in a BENCH_VIEWPORT window (default
// 1280x800): the time from navigation to the map and list being interactive with everything
// drawn, and the time a filter change takes to be answered. Prints one JSON object with the
// medians, and the median time of each phase of the page's start (its `vmeste:*` marks).
//
// A filter is answered at the first frame whose list and map show the filtered set: the time
// runs from the select's change until the start of the next animation frame after the one
// that drew it, i.e. after the list was rewritten, the map's requests redrawn, and any frame
// of MapLibre's own that the change caused was drawn (its `idle`). `filter_list` is the change
// handler alone. After each change the map's drawn requests are checked against the filter.
//
// BENCH_HQ=ID measures a board seeded before (skips seeding); BENCH_PAGE_DIR=DIR answers the
// page's own files (`/`, `/page/*.js`, `/page/style.css`) from DIR instead of the server's
// embedded copies, to measure an edit (or an older page) without rebuilding the server.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './browser.mjs';

const BASE = process.env.VMESTE_PAGE_URL;
const ADMIN = process.env.VMESTE_ADMIN_TOKEN;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BBOX = (process.env.BENCH_BBOX ?? '-8.66,41.14,-8.57,41.18').split(',').map(Number);
const KINDS = ['groceries', 'medicines', 'essentials', 'utility_payment', 'care_visit', 'transport', 'other'];
const URGENCIES = ['urgent', 'normal', 'planned'];
const MODES = ['foot', 'bicycle', 'car'];
const SKILLS = ['heavy', 'medical', 'russian', 'wheelchair'];
const PAGE_DIR = process.env.BENCH_PAGE_DIR;
const [WIDTH, HEIGHT] = (process.env.BENCH_VIEWPORT ?? '1280x800').split('x').map(Number);
/** The page's start, in order: navigation timing's, then the page's own marks. */
const PHASES = ['html', 'js', 'lib', 'api', 'list', 'style', 'sources', 'drawn', 'idle'];

/** mulberry32: the same board on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261204);
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const somewhere = () => [
  +(BBOX[0] + random() * (BBOX[2] - BBOX[0])).toFixed(6),
  +(BBOX[1] + random() * (BBOX[3] - BBOX[1])).toFixed(6),
];

async function post(path, body, token = ADMIN) {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  return { ok: res.ok, json };
}

/** Creates `n` records with `make()`, eight at a time; a point far from roads is drawn again. */
async function create(n, path, make) {
  let done = 0;
  let refused = 0;
  const worker = async () => {
    while (done < n) {
      done += 1;
      for (;;) {
        const r = await post(path, make());
        if (r.ok) break;
        refused += 1;
        if (refused > n) throw new Error(`${path}: ${JSON.stringify(r.json)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function seed() {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const hq = await post('/v1/hqs', { name: 'Штаб Порту', region: 'PT', location: [-8.611, 41.149] });
  if (!hq.ok) throw new Error(JSON.stringify(hq.json));
  const id = hq.json.id;
  await create(VOLUNTEERS, '/v1/volunteers', () => {
    const at = somewhere();
    return {
      hq: id, name: `Волонтёр ${Math.floor(random() * 1e6)}`, phone: '+351 900 000 000', mode: pick(MODES),
      skills: random() < 0.3 ? [pick(SKILLS)] : [], shifts: [{ start: iso(now - 3600e3), end: iso(now + 12 * 3600e3) }],
      home: at, position: at,
    };
  });
  await create(REQUESTS, '/v1/requests', () => ({
    hq: id, kind: pick(KINDS), urgency: pick(URGENCIES), skills: random() < 0.2 ? [pick(SKILLS)] : [],
    recipient: { name: 'Получатель', phone: '+351 900 000 001', address: 'Porto' }, location: somewhere(),
  }));
  return id;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(browser) {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
  if (PAGE_DIR) {
    await context.route(/\/$|\/page\/[a-z0-9]+\.(js|css)$/, (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = path === '/' ? 'index.html' : path.slice('/page/'.length);
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
      return route.fulfill({ status: 200, contentType: `${type}; charset=utf-8`, body: readFileSync(join(PAGE_DIR, file)) });
    });
  }
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(`${BASE}/#token=${encodeURIComponent(ADMIN)}`);
  await page.waitForSelector('body[data-ready=true]');
  const result = await page.evaluate(async ({ runs }) => {
    const s = window.vmeste;
    const map = s.map.map;
    // Filters are measured on a settled map (the base map's tiles in).
    if (!performance.getEntriesByName('vmeste:idle').length) await s.map.idle();
    const drawn = s.map.drawnRequests().length;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    // MapLibre's own frames: counted, and waited for when a change causes one.
    let mapFrames = 0;
    let mapPending = false;
    map.on('render', () => { mapFrames += 1; mapPending = true; });
    map.on('idle', () => { mapPending = false; });
    const open = ['new', 'assigned', 'en_route'];
    const value = (id) => document.getElementById(id).value;
    /** Requests in view that the selects let through: what the map should show. */
    const expected = () => {
      const [status, urgency, kind, skill] = ['f-status', 'f-urgency', 'f-kind', 'f-skill'].map(value);
      const view = map.getBounds();
      return [...s.requests.values()].filter((r) => r.location && view.contains(r.location)
        && (status === 'open' ? open.includes(r.status) : !status || r.status === status)
        && (!urgency || r.urgency === urgency) && (!kind || r.kind === kind) && (!skill || r.skills.includes(skill)))
        .map((r) => r.id).sort((a, b) => a - b);
    };
    const changes = [['f-urgency', 'urgent'], ['f-kind', 'medicines'], ['f-skill', 'heavy'], ['f-status', 'new'],
      ['f-skill', ''], ['f-kind', ''], ['f-urgency', ''], ['f-status', 'open']];
    const list = [];
    const withMap = [];
    const frames = [];
    let wrong = 0;
    for (let run = 0; run < runs; run++) {
      for (const [id, v] of changes) {
        const select = document.getElementById(id);
        const before = mapFrames;
        const t0 = performance.now();
        select.value = v;
        select.dispatchEvent(new Event('change', { bubbles: true }));
        list.push(performance.now() - t0);
        await frame();
        if (mapPending) await new Promise((resolve) => map.once('idle', resolve));
        await frame();
        withMap.push(performance.now() - t0);
        frames.push(mapFrames - before);
        if (JSON.stringify(s.map.drawnRequests()) !== JSON.stringify(expected())) wrong += 1;
      }
    }
    const nav = performance.getEntriesByType('navigation')[0];
    const phases = { html: nav?.responseEnd ?? 0 };
    for (const m of performance.getEntriesByType('mark')) {
      if (m.name.startsWith('vmeste:')) phases[m.name.slice('vmeste:'.length)] ??= m.startTime;
    }
    return { interactive_ms: s.timings.interactive, phases, requests: s.requests.size, volunteers: s.volunteers.size, drawn, list, withMap, frames, wrong };
  }, { runs: 2 });
  await context.close();
  return result;
}

const hq = process.env.BENCH_HQ ? Number(process.env.BENCH_HQ) : await seed();
const browser = await launch();
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await measure(browser));
await browser.close();
console.log(JSON.stringify({
  hq,
  requests: runs[0].requests,
  volunteers: runs[0].volunteers,
  runs: RUNS,
  viewport: `${WIDTH}x${HEIGHT}`,
  drawn: runs[0].drawn,
  interactive_ms: runs.map((r) => Math.round(r.interactive_ms)),
  interactive_median_ms: Math.round(median(runs.map((r) => r.interactive_ms))),
  filter_list_median_ms: +median(runs.flatMap((r) => r.list)).toFixed(1),
  filter_list_max_ms: +Math.max(...runs.flatMap((r) => r.list)).toFixed(1),
  filter_list_and_map_median_ms: +median(runs.flatMap((r) => r.withMap)).toFixed(1),
  phases_median_ms: Object.fromEntries(PHASES.map((p) => [p, Math.round(median(runs.map((r) => r.phases[p] ?? NaN)))])),
  map_frames_per_filter_median: median(runs.flatMap((r) => r.frames)),
  filters_drawn_wrong: runs.reduce((n, r) => n + r.wrong, 0),
  filter_list_and_map_p90_ms: +[...runs.flatMap((r) => r.withMap)].sort((a, b) => a - b)[Math.floor(runs.flatMap((r) => r.withMap).length * 0.9)].toFixed(1),
}, null, 1));
