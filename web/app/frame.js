// The iframe API: a course page that shows the lab in an <iframe> can drive it
// with postMessage and hear about changes. Only the embedding page's origin is
// listened to: the origin named in the lab URL's ?parent= query (exactly), and
// only messages from window.parent. Messages are plain data, never code:
//   to the lab:   { steplab: 1, type: 'set', hash: '#/schedules?...' }  (a shared link's hash)
//                 { steplab: 1, type: 'get' }
//   from the lab: { steplab: 1, type: 'ready' | 'change' | 'state', hash, room }
//                 { steplab: 1, type: 'error', message }

export function startFrameApi({ onSet, currentHash }) {
  if (window.parent === window) return { changed() {} };
  const wanted = new URLSearchParams(location.search).get('parent');
  let origin = null;
  try {
    origin = wanted ? new URL(wanted).origin : null;
  } catch {
    origin = null;
  }
  if (!origin || origin === 'null') return { changed() {} };
  const post = (msg) => window.parent.postMessage({ steplab: 1, ...msg }, origin);
  window.addEventListener('message', (ev) => {
    if (ev.origin !== origin || ev.source !== window.parent) return;
    const m = ev.data;
    if (!m || typeof m !== 'object' || m.steplab !== 1 || typeof m.type !== 'string') return;
    if (m.type === 'get') post({ type: 'state', hash: currentHash(), room: currentHash().split('?')[0].slice(2) });
    else if (m.type === 'set') {
      if (typeof m.hash !== 'string' || m.hash.length > 20000 || !m.hash.startsWith('#/')) {
        post({ type: 'error', message: "set: hash must be a string starting with '#/' (a lab link's hash), at most 20000 characters" });
        return;
      }
      onSet(m.hash);
    }
  });
  post({ type: 'ready', hash: currentHash() });
  let timer = null;
  return {
    // Called on every state change; coalesced to one message per 100 ms.
    changed() {
      clearTimeout(timer);
      timer = setTimeout(() => post({ type: 'change', hash: currentHash(), room: currentHash().split('?')[0].slice(2) }), 100);
    },
  };
}
