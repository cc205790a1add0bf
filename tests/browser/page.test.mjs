// The dispatch page in a real browser against a real `vmeste serve` on the seeded Monaco board
// (started by scripts/test-page.sh, which passes its address and tokens in the environment).
// The flows run in order on one board: sign in, a hotline call by address seen live by a second
// person, who can go now and assign, a plan drawn and committed, a refused action, remote
// trips, history and cancel, a phone-width layout; no console error anywhere.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launch, missingTiles, watch } from './browser.mjs';

const BASE = process.env.VMESTE_PAGE_URL ?? 'http://127.0.0.1:5000';
const COORDINATOR = process.env.VMESTE_COORDINATOR_TOKEN;
const OPERATOR = process.env.VMESTE_OPERATOR_TOKEN;
const SHOTS = process.env.VMESTE_SCREENSHOTS ?? 'target/page-screenshots';
const TIMEOUT = 30_000;

assert.ok(COORDINATOR && OPERATOR, 'VMESTE_COORDINATOR_TOKEN and VMESTE_OPERATOR_TOKEN are needed (scripts/test-page.sh sets them)');
mkdirSync(SHOTS, { recursive: true });

let browser;
/** Every watched page's unexpected console errors. */
const watched = [];

async function open(token, { viewport = { width: 1280, height: 800 }, allowed = missingTiles } = {}) {
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = watch(page, allowed);
  watched.push({ page, errors });
  await page.goto(token ? `${BASE}/#token=${encodeURIComponent(token)}` : BASE);
  if (token) await page.waitForSelector('body[data-ready=true]');
  return page;
}

async function api(path, token = COORDINATOR, init = {}) {
  const res = await fetch(`${BASE}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  assert.ok(res.ok, `${path}: HTTP ${res.status}`);
  return res.json();
}

/** A screenshot once the map has drawn what it was given. */
async function shot(page, name) {
  await page.evaluate(() => window.vmeste.map?.idle());
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

describe('the dispatch page', () => {
  let a;
  let b;
  let created;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  it('signs in with a typed token, in Russian first, and lists the board', async () => {
    a = await open(null);
    assert.equal(await a.getAttribute('html', 'lang'), 'ru');
    await a.fill('#token', COORDINATOR);
    await a.press('#token', 'Enter');
    await a.waitForSelector('body[data-ready=true]');
    assert.equal(a.url(), `${BASE}/`, 'no token in the address');
    const rows = await a.locator('#list li[data-request]').count();
    const openCount = (await api('/v1/requests?status=new,assigned,en_route&limit=1000')).items.length;
    assert.equal(rows, openCount);
    await a.waitForSelector('#live[data-state=on]');
    const drawn = await a.evaluate(() => window.vmeste.map.drawnRequests().length);
    const placed = (await api('/v1/requests?status=new,assigned,en_route&limit=1000')).items.filter((r) => r.location).length;
    assert.equal(drawn, placed, 'every open request with a place is drawn');
    await a.click('#lang');
    assert.equal(await a.textContent('#tab-list'), 'Requests');
    await a.click('#lang');
    assert.equal(await a.textContent('#tab-list'), 'Заявки');
    await shot(a, 'board');
  });

  it('filters the list and the map together', async () => {
    await a.selectOption('#f-urgency', 'urgent');
    const rows = await a.locator('#list li[data-request]').count();
    const urgent = (await api('/v1/requests?status=new,assigned,en_route&urgency=urgent&limit=1000')).items.length;
    assert.equal(rows, urgent);
    // The map shows exactly the list's requests that have a place (calls have none) and are
    // in view, and the map's own WebGL frame is not redrawn for it.
    await a.evaluate(() => {
      window.mapFrames = 0;
      window.vmeste.map.map.on('render', () => { window.mapFrames += 1; });
    });
    for (const [id, value] of [['f-kind', 'medicines'], ['f-urgency', ''], ['f-status', 'new'], ['f-kind', ''], ['f-status', 'open']]) {
      await a.selectOption(`#${id}`, value);
      await a.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      const [list, drawn] = await a.evaluate(() => {
        const view = window.vmeste.map.map.getBounds();
        return [
          [...document.querySelectorAll('#list li[data-request]')].map((li) => window.vmeste.requests.get(Number(li.dataset.request)))
            .filter((r) => r.location && view.contains(r.location)).map((r) => r.id).sort((x, y) => x - y),
          window.vmeste.map.drawnRequests(),
        ];
      });
      assert.deepEqual(drawn, list, `${id}=${value}`);
    }
    assert.equal(await a.evaluate(() => window.mapFrames), 0, 'no WebGL frame for a filter');
  });

  it('opens a request clicked on the map, drawn in its urgency colour', async () => {
    // A request drawn with no other within 20 px, so that the click can only mean it.
    const target = await a.evaluate(() => {
      const { ids, xs, ys } = window.vmeste.map.requests.painted;
      const box = document.getElementById('map').getBoundingClientRect();
      for (let i = ids.length - 1; i >= 0; i--) {
        const alone = ids.every((_, j) => j === i || (xs[j] - xs[i]) ** 2 + (ys[j] - ys[i]) ** 2 > 400);
        const inside = xs[i] > 60 && ys[i] > 60 && xs[i] < box.width - 60 && ys[i] < box.height - 60;
        if (alone && inside) {
          const canvas = window.vmeste.map.requests.canvas;
          const ratio = canvas.width / canvas.clientWidth;
          const [r, g, b, alpha] = canvas.getContext('2d').getImageData(Math.round(xs[i] * ratio), Math.round(ys[i] * ratio), 1, 1).data;
          return { id: ids[i], x: box.left + xs[i], y: box.top + ys[i], pixel: [r, g, b, alpha], request: window.vmeste.requests.get(ids[i]) };
        }
      }
      return null;
    });
    assert.ok(target, 'a request stands alone on the map');
    const colour = { urgent: '#c62828', normal: '#ef8a17', planned: '#1e6fb8' }[target.request.urgency];
    const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    if (target.request.status === 'new') assert.deepEqual(target.pixel, [...rgb, 255], 'drawn in its urgency colour');
    else assert.ok(target.pixel[3] > 0 && target.pixel[3] < 255, 'drawn faded');
    await a.mouse.click(target.x, target.y);
    await a.waitForSelector('#detail:not([hidden])');
    assert.match(await a.textContent('#detail-heading'), new RegExp(`№\\s*${target.id}\\b`));
    await a.keyboard.press('Escape');
    assert.ok(await a.isHidden('#detail'));
    // A click on empty map opens nothing.
    const empty = await a.evaluate(() => {
      const s = window.vmeste.map.requests;
      const box = document.getElementById('map').getBoundingClientRect();
      for (let y = 80; y < box.height - 80; y += 7) {
        for (let x = 80; x < box.width - 80; x += 7) {
          if (s.at(x, y) === null && s.at(x - 12, y) === null && s.at(x + 12, y) === null) return { x: box.left + x, y: box.top + y };
        }
      }
      return null;
    });
    assert.ok(empty, 'some empty map');
    await a.mouse.click(empty.x, empty.y);
    await a.waitForTimeout(300);
    assert.ok(await a.isHidden('#detail'), 'no request opened by a click beside them');
  });

  it('records a hotline call by address, and a second person sees it live', async () => {
    b = await open(COORDINATOR);
    await b.waitForSelector('#live[data-state=on]');
    await a.click('#tab-new');
    await a.locator('#n-address').pressSequentially('Boulevard des Moulins 30', { delay: 20 });
    await a.waitForSelector('#n-suggest li');
    await a.press('#n-address', 'Enter');
    assert.match(await a.textContent('#n-pin'), /43\.7/);
    await a.fill('#n-name', 'Анна Сергеевна');
    await a.fill('#n-phone', '+377 600 000 999');
    await a.selectOption('#n-kind', 'medicines');
    await a.selectOption('#n-urgency', 'urgent');
    await a.fill('#n-notes', 'Домофон не работает');
    await shot(a, 'hotline');
    await a.click('#n-submit');
    await a.waitForFunction(() => /№\d+/.test(document.getElementById('notice').textContent));
    const text = await a.textContent('#notice');
    created = Number(/№(\d+)/.exec(text)?.[1]);
    assert.ok(created > 0, text);
    await b.waitForSelector(`#list li[data-request="${created}"]`);
    await b.waitForFunction((id) => window.vmeste.map.drawnRequests().includes(id), created);
    const r = await api(`/v1/requests/${created}`);
    assert.equal(r.kind, 'medicines');
    assert.equal(r.urgency, 'urgent');
    assert.ok(Math.abs(r.location[1] - 43.742) < 0.01, JSON.stringify(r.location));
  });

  it('asks who can go now, draws a candidate road route and assigns in one click', async () => {
    await a.click('#tab-list');
    await a.click(`#list button[data-request="${created}"]`);
    await a.waitForSelector('#detail:not([hidden])');
    await a.click('#candidates');
    await a.waitForSelector('#detail-candidates .cand');
    const route = a.waitForResponse((r) => r.url().includes('/route/v1/') && r.status() === 200);
    await a.locator('#detail-candidates .cand button').first().click();
    await route;
    await a.waitForFunction(() => window.vmeste.map.map.getSource('candidate-route').serialize().data.type === 'Feature');
    await shot(a, 'candidates');
    const volunteer = Number(await a.locator('#detail-candidates .cand').first().getAttribute('data-volunteer'));
    await a.locator('#detail-candidates [data-assign]').first().click();
    await a.waitForSelector(`#list li.faded[data-request="${created}"]`);
    const r = await api(`/v1/requests/${created}`);
    assert.equal(r.status, 'assigned');
    assert.equal(r.volunteer, volunteer);
    await b.waitForFunction((id) => document.querySelector(`#list li[data-request="${id}"]`)?.classList.contains('faded'), created);
    assert.ok((await a.locator('#detail-history li').count()) >= 2);
  });

  it('plans the open requests on the roads, then commits the plan', async () => {
    const before = (await api('/v1/requests?status=new&limit=1000')).items.length;
    await a.click('#detail-close');
    await a.click('#tab-plan');
    await a.click('#plan-make');
    await a.waitForSelector('#plan-out .route-head');
    const lines = await a.evaluate(() => window.vmeste.map.map.getSource('routes').serialize().data.features.length);
    assert.ok(lines >= 1, `${lines} routes drawn`);
    assert.ok((await a.locator('.stop-label').count()) >= 1);
    await shot(a, 'plan');
    await a.click('#plan-commit');
    await a.waitForFunction(() => /утвержд/.test(document.getElementById('notice').textContent));
    const left = (await api('/v1/requests?status=new&limit=1000')).items.length;
    assert.ok(left < before, `${before} new before, ${left} after`);
  });

  it('shows the refusal when an operator tries to plan', async () => {
    const refused = (text, url) => missingTiles(text, url) || (/status of 403/.test(text) && /\/v1\/plans$/.test(url));
    const op = await open(OPERATOR, { allowed: refused });
    assert.equal(await op.getAttribute('#live', 'data-state'), 'none');
    await op.click('#tab-plan');
    await op.click('#plan-make');
    await op.waitForSelector('#plan-out .error');
    assert.match(await op.textContent('#plan-out .error'), /Отказано/);
    await shot(op, 'refused');
  });

  it('shows isochrones and the reachability of settlements', async () => {
    await a.click('#tab-trips');
    await a.click('#trips-form button[type=submit]');
    await a.waitForFunction(() => document.getElementById('trips-summary').textContent.length > 0);
    const iso = await a.evaluate(() => window.vmeste.map.map.getSource('isochrones').serialize().data.features.length);
    assert.ok(iso >= 1, `${iso} isochrones`);
    await shot(a, 'trips');
  });

  it('plans a trip to ticked settlements and shows its itinerary day by day', async () => {
    const boxes = a.locator('#trips-out li:not(.faded) input[type=checkbox]');
    const n = Math.min(await boxes.count(), 4);
    assert.ok(n >= 1, 'a reachable settlement to tick');
    await a.click('#trip-plan');
    await a.waitForSelector('#trip-out [role=alert]');
    for (let i = 0; i < n; i++) await boxes.nth(i).check();
    await a.fill('#trip-days', '2');
    await a.fill('#trip-service', '240');
    // By keyboard: from the last field to the button, Enter.
    await a.focus('#trip-overnight');
    await a.keyboard.press('Tab');
    assert.equal(await a.evaluate(() => document.activeElement.id), 'trip-plan');
    await a.keyboard.press('Enter');
    await a.waitForSelector('#trip-summary', { timeout: 60_000 });
    assert.equal(await a.locator('#trip-out h4.trip-day').count(), 2, 'one heading per day');
    const stops = await a.locator('#trip-out ol.stops li').allTextContents();
    assert.ok(stops.length >= 1 && stops.length <= n, stops.join(' | '));
    assert.ok(stops.every((s) => /прибытие \d\d:\d\d, отъезд \d\d:\d\d/.test(s)), stops.join(' | '));
    const days = await a.locator('#trip-out h4.trip-day').allTextContents();
    assert.match(days[0], /День 1 — за рулём/);
    // Four hours at each settlement in a ten-hour day: at most two a day, so two or more take two days.
    if (n >= 3) assert.match(days[1], /День 2 — за рулём/);
    assert.ok(await a.locator('#trip-out p.night').count() >= 1, 'the night is said');
    const drawn = await a.evaluate(() => window.vmeste.map.map.getSource('trip').serialize().data.features.length);
    assert.ok(drawn >= 1, `${drawn} day routes drawn`);
    assert.ok(await a.locator('.trip-label').count() >= 1, 'visits numbered on the map');
    await shot(a, 'trip-itinerary');
    await a.click('#lang');
    assert.match(await a.locator('#trip-out h4.trip-day').first().textContent(), /Day 1 — driving/);
    await a.click('#lang');
  });

  it('keeps the history and cancels with a reason', async () => {
    await a.click('#tab-list');
    const id = Number(await a.locator('#list li[data-request]').first().getAttribute('data-request'));
    await a.click(`#list button[data-request="${id}"]`);
    await a.waitForSelector('#detail #cancel');
    await a.click('#detail #cancel');
    assert.equal(await a.evaluate(() => document.activeElement.id), 'reason', 'an empty reason asks for one');
    await a.fill('#reason', 'Родственники помогли');
    await a.press('#reason', 'Tab');
    await a.keyboard.press('Enter');
    await a.waitForFunction(() => /отменена/.test(document.getElementById('detail-fields').textContent));
    const r = await api(`/v1/requests/${id}`);
    assert.equal(r.status, 'cancelled');
    assert.equal(r.reason, 'Родственники помогли');
    await a.waitForFunction(() => document.querySelectorAll('#detail-history li').length >= 2);
    await a.keyboard.press('Escape');
    assert.ok(await a.isHidden('#detail'));
  });

  it('puts the list under the map on a phone', async () => {
    const phone = await open(COORDINATOR, { viewport: { width: 390, height: 844 } });
    const map = await phone.locator('#map').boundingBox();
    const side = await phone.locator('.side').boundingBox();
    assert.ok(side.y >= map.y + map.height - 1, 'the panel is below the map');
    assert.ok(side.width > 350);
    await shot(phone, 'phone');
  });

  it('logged no JavaScript console error on any page', () => {
    const all = watched.flatMap((w) => w.errors);
    assert.deepEqual(all, []);
  });
});
