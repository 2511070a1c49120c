// The URL hash holds the whole state of the open room: '#/<room>?key=value&...'.
// Each room declares its keys once in a table (type, default, bounds); parsing
// validates every value, drops what is wrong and reports it, so a shared link
// either reproduces the sender's view or falls back visibly. Nothing from the
// hash is ever inserted as HTML.

const MAX_HASH = 20000;

export function parseHash(hash) {
  const h = String(hash || '').slice(0, MAX_HASH).replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const route = (q < 0 ? h : h.slice(0, q)).trim();
  const params = new URLSearchParams(q < 0 ? '' : h.slice(q + 1));
  return { route, params };
}

// props: { key: { type: 'int'|'num'|'bool'|'enum'|'json', def, min, max, choices, check(v) -> string|null } }
export function readState(props, params) {
  const values = {};
  const problems = [];
  for (const [key, p] of Object.entries(props)) {
    values[key] = structuredClone(p.def);
    if (!params.has(key)) continue;
    const raw = params.get(key);
    let v;
    let bad = null;
    switch (p.type) {
      case 'int':
      case 'num':
        v = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(v) || (p.type === 'int' && !Number.isInteger(v)) || v < p.min || v > p.max) {
          bad = `${key} must be ${p.type === 'int' ? 'an integer' : 'a number'} in [${p.min}, ${p.max}]`;
        }
        break;
      case 'bool':
        if (raw !== '0' && raw !== '1') bad = `${key} must be 0 or 1`;
        v = raw === '1';
        break;
      case 'enum':
        if (!p.choices.includes(raw)) bad = `${key} must be one of ${p.choices.join(', ')}`;
        v = raw;
        break;
      case 'json':
        try {
          v = JSON.parse(raw);
        } catch {
          bad = `${key} is not valid JSON`;
        }
        break;
      default:
        bad = `${key} has an unknown type`;
    }
    if (!bad && p.check) bad = p.check(v);
    if (bad) problems.push(bad);
    else values[key] = v;
  }
  for (const key of params.keys()) if (!(key in props)) problems.push(`unknown setting '${key.slice(0, 40)}'`);
  return { values, problems };
}

export function writeHash(route, props, values) {
  const params = new URLSearchParams();
  for (const [key, p] of Object.entries(props)) {
    const v = values[key];
    if (v === undefined) continue; // a key the values do not set reads back as its default
    params.set(key, p.type === 'bool' ? (v ? '1' : '0') : p.type === 'json' ? JSON.stringify(v) : String(v));
  }
  return `#/${route}?${params.toString()}`;
}
