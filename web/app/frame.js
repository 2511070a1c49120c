// The iframe API: a course page that shows the lab in an <iframe> can drive it
// with postMessage and hear about changes. Only the embedding page's origin is
// listened to: the origin named in the lab URL's ?parent= query (exactly), and
// only messages from window.parent. Messages are plain data, never code:
//   to the lab:   { steplab: 1, type: 'set', hash: '#/schedules?...' }  (a shared link's hash)
//                 { steplab: 1, type: 'get' }
//   from the lab: { steplab: 1, type: 'ready' | 'change' | 'state', hash, room }
//                 { steplab: 1, type: 'error', message }
// A flood of messages cannot stall the lab: 'set' only records the hash, and the latest one is
// applied at most once per animation frame (once per macrotask while the page is hidden, when
// frames stop); 'get' is answered at once with the hash the lab shows, or is about to show when a
// 'set' is waiting. Errors are answered at most once per frame too (the latest).

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
  const roomOf = (hash) => hash.split('?')[0].slice(2);

  let pending = null;  // the latest 'set' hash not applied yet
  let error = null;    // the latest error not reported yet
  let frame = null;
  let timer = null;
  const flush = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = timer = null;
    if (error !== null) post({ type: 'error', message: error });
    error = null;
    const hash = pending;
    pending = null;
    if (hash !== null) onSet(hash);
  };
  const schedule = () => {
    if (frame !== null || timer !== null) return;
    if (document.hidden) timer = setTimeout(flush, 0);
    else frame = requestAnimationFrame(flush);
  };
  // a frame requested just before the page was hidden would wait until it is shown again
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && frame !== null) {
      cancelAnimationFrame(frame);
      frame = null;
      schedule();
    }
  });

  window.addEventListener('message', (ev) => {
    if (ev.origin !== origin || ev.source !== window.parent) return;
    const m = ev.data;
    if (!m || typeof m !== 'object' || m.steplab !== 1 || typeof m.type !== 'string') return;
    if (m.type === 'get') {
      const hash = pending ?? currentHash();
      post({ type: 'state', hash, room: roomOf(hash) });
    } else if (m.type === 'set') {
      if (typeof m.hash !== 'string' || m.hash.length > 20000 || !m.hash.startsWith('#/')) {
        error = "set: hash must be a string starting with '#/' (a lab link's hash), at most 20000 characters";
      } else {
        pending = m.hash;
      }
      schedule();
    }
  });
  post({ type: 'ready', hash: currentHash() });
  let changeTimer = null;
  return {
    // Called on every state change; coalesced to one message per 100 ms.
    changed() {
      clearTimeout(changeTimer);
      changeTimer = setTimeout(() => post({ type: 'change', hash: currentHash(), room: roomOf(currentHash()) }), 100);
    },
  };
}
