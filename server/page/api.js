// The public API of vmeste, as the page calls it: JSON over fetch with a bearer token, and
// the live event stream read from a streamed fetch body (EventSource cannot send headers).

/** An answer that is not 2xx: `status`, the API's `code` and `message`. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async call(method, path, body, extra = {}) {
    const init = { method, headers: this.headers(extra) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', e.message);
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const err = json?.error ?? { code: json?.code ?? 'http', message: json?.message ?? text };
      throw new ApiError(res.status, err.code, err.message || `HTTP ${res.status}`);
    }
    return json;
  }

  get(path) {
    return this.call('GET', path);
  }

  post(path, body, extra) {
    return this.call('POST', path, body, extra);
  }

  /** Every item of a paged `/v1` list (`items`, `next_cursor`). */
  async all(path) {
    const items = [];
    let cursor = null;
    const sep = path.includes('?') ? '&' : '?';
    for (;;) {
      const page = await this.get(`${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      if (!page.next_cursor) return items;
      cursor = page.next_cursor;
    }
  }

  /**
   * Reads `/v1/events` until `signal` aborts, calling `onEvent({id, event, data})` for each
   * event and `onState(true|false)` as the stream opens and drops; reconnects with
   * `Last-Event-ID` after a drop. Resolves when aborted; rejects on 401/403.
   */
  async stream(path, { onEvent, onState, signal }) {
    let last = null;
    let delay = 500;
    while (!signal.aborted) {
      try {
        const headers = this.headers({ Accept: 'text/event-stream' });
        if (last !== null) headers['Last-Event-ID'] = last;
        const res = await fetch(path, { headers, signal });
        if (res.status === 401 || res.status === 403) {
          const body = await res.json().catch(() => ({}));
          throw new ApiError(res.status, body?.error?.code ?? 'denied', body?.error?.message ?? '');
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState(true);
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
            const ev = parseEvent(block);
            if (ev) {
              if (ev.id !== null) last = ev.id;
              onEvent(ev);
            }
          }
        }
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (signal.aborted) return;
      }
      onState(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }
}

/** One SSE block (`id:`, `event:`, `data:` lines) as `{id, event, data}`; null for comments. */
export function parseEvent(block) {
  let id = null;
  let event = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const at = line.indexOf(':');
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  try {
    return { id, event, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}

/** Decodes an encoded polyline (precision 5 by default) into `[[lon, lat], ...]`. */
export function decodePolyline(text, precision = 5) {
  const factor = 10 ** precision;
  const out = [];
  let i = 0;
  let lat = 0;
  let lon = 0;
  const next = () => {
    let shift = 0;
    let result = 0;
    let byte;
    do {
      byte = text.charCodeAt(i++) - 63;
      result |= (byte & 0x1f) << shift;
      shift += 5;
    } while (byte >= 0x20);
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (i < text.length) {
    lat += next();
    lon += next();
    out.push([lon / factor, lat / factor]);
  }
  return out;
}
