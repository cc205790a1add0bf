#!/usr/bin/env node
// Drives a running `vmeste serve` and turns every step of its routes into text with
// osrm-text-instructions (the library Leaflet Routing Machine and Mapbox clients use), used
// unchanged.
//
// Usage: NODE_PATH=<dir>/node_modules node client_osrm_text_instructions.js BASE_URL PAIRS_CSV
//
// Checks, per route: every step compiles to a non-empty instruction without throwing; a
// roundabout or rotary step that leaves the ring names its exit ordinal ("1st exit", ...);
// step geometries chain. Prints one line per failure and `client: N passed, M failed`.
'use strict';
const fs = require('fs');
const oti = require('osrm-text-instructions')('v5');

const [base, pairsCsv] = process.argv.slice(2);
const pairs = fs.readFileSync(pairsCsv, 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',').map(Number));

async function main() {
  let passed = 0;
  let failed = 0;
  const fail = (msg) => { failed++; console.log(`FAIL ${msg}`); };
  const seen = new Set();
  for (const [id, x0, y0, x1, y1] of pairs.slice(0, 100)) {
    const url = `${base}/route/v1/car/${x0},${y0};${x1},${y1}?steps=true&overview=false&geometries=geojson`;
    const v = await (await fetch(url)).json();
    if (v.code !== 'Ok') continue;
    let ok = true;
    const steps = v.routes[0].legs[0].steps;
    steps.forEach((step, i) => {
      let text = '';
      try {
        text = oti.compile('en', step, { legCount: 1, legIndex: 0 });
      } catch (e) {
        ok = false;
        fail(`pair ${id} step ${i} ${JSON.stringify(step.maneuver)}: ${e.message}`);
        return;
      }
      const t = step.maneuver.type;
      seen.add(t);
      if (!text) { ok = false; fail(`pair ${id} step ${i}: empty instruction`); }
      if ((t === 'roundabout' || t === 'rotary') && step.maneuver.exit && !/\d(st|nd|rd|th) exit/.test(text)) {
        ok = false;
        fail(`pair ${id} step ${i}: "${text}" does not name the exit`);
      }
      if (i > 0) {
        const a = steps[i - 1].geometry.coordinates;
        const b = step.geometry.coordinates;
        if (JSON.stringify(a[a.length - 1]) !== JSON.stringify(b[0])) {
          ok = false;
          fail(`pair ${id} step ${i}: geometry does not continue the previous step`);
        }
      }
    });
    if (ok) passed++;
  }
  console.log(`maneuver types seen: ${[...seen].sort().join(', ')}`);
  console.log(`client: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
main().catch((e) => { console.log(`client: 0 passed, 1 failed (${e.message})`); process.exit(1); });
