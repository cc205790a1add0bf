// The page's pure helpers, in Node: the polyline decoder, the SSE block parser and the two
// languages' string tables.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodePolyline, parseEvent } from '../../server/page/api.js';
import { keys } from '../../server/page/i18n.js';

/** A plain encoder (the format's definition), to check the decoder on random lines. */
function encode(points, precision = 5) {
  const factor = 10 ** precision;
  let out = '';
  let prev = [0, 0];
  const put = (v) => {
    let n = v < 0 ? ~(v << 1) : v << 1;
    while (n >= 0x20) {
      out += String.fromCharCode((0x20 | (n & 0x1f)) + 63);
      n >>= 5;
    }
    out += String.fromCharCode(n + 63);
  };
  for (const [lon, lat] of points) {
    const cur = [Math.round(lat * factor), Math.round(lon * factor)];
    put(cur[0] - prev[0]);
    put(cur[1] - prev[1]);
    prev = cur;
  }
  return out;
}

it('decodes the polyline format example and random lines', () => {
  assert.deepEqual(decodePolyline('_p~iF~ps|U_ulLnnqC_mqNvxq`@'), [[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]]);
  assert.deepEqual(decodePolyline(''), []);
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < 200; n++) {
    const line = Array.from({ length: 1 + Math.floor(random() * 30) }, () => [
      Math.round((random() * 360 - 180) * 1e5) / 1e5,
      Math.round((random() * 180 - 90) * 1e5) / 1e5,
    ]);
    const back = decodePolyline(encode(line));
    assert.equal(back.length, line.length);
    back.forEach(([lon, lat], i) => {
      assert.ok(Math.abs(lon - line[i][0]) < 1e-9 && Math.abs(lat - line[i][1]) < 1e-9, `${n}:${i}`);
    });
  }
});

it('parses SSE blocks as the server writes them', () => {
  assert.deepEqual(parseEvent('id: 12\nevent: request.created\ndata: {"seq":12}'), { id: '12', event: 'request.created', data: { seq: 12 } });
  assert.deepEqual(parseEvent('data:{"a":1}\r\nid:3'), { id: '3', event: 'message', data: { a: 1 } });
  assert.equal(parseEvent(': keep-alive'), null);
  assert.equal(parseEvent('event: x\ndata: not json'), null);
  assert.deepEqual(parseEvent('data: [1,\ndata: 2]'), { id: null, event: 'message', data: [1, 2] });
});

it('has every Russian string in English and no other', () => {
  assert.deepEqual(keys('en').sort(), keys('ru').sort());
});
