// Talks to the lab's worker, for the page and the components alike. Over
// http(s) the worker is started from its own file next to the script
// (dist/steplab-worker.js), which strict Content-Security-Policies allow
// (worker-src falls back to script-src 'self'); where that file cannot be used
// (file://, a missing file, a policy without 'self'), the same code, bundled
// into this script as text, starts from a Blob URL. Requests sent before the
// switch are replayed.
import workerSource from '../../dist/build/worker.txt';

export class LabError extends Error {
  constructor({ message, code, thing, field }) {
    super(message);
    this.name = 'SteplabError';
    Object.assign(this, { code, thing, field });
  }
}

// The URL of the script this code was bundled into (dist/app.js, dist/steplab-embed.js): the files
// that ship beside it (the worker, the digits) are found next to it.
export const scriptSrc = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src : '';

function workerFileUrl() {
  if (!scriptSrc || !/^https?:/.test(scriptSrc)) return null;
  return new URL('steplab-worker.js', scriptSrc).href;
}

export function startLab() {
  const pending = new Map();
  let nextId = 1;
  let worker = null;
  let answered = false;
  let usingBlob = false;

  const onMessage = (ev) => {
    answered = true;
    const { id, result, error } = ev.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(new LabError(error));
    else p.resolve(result);
  };

  const startBlob = () => {
    usingBlob = true;
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    start(url);
  };

  const start = (url) => {
    try {
      worker = new Worker(url);
    } catch (e) {
      if (!usingBlob) { startBlob(); return; }
      for (const p of pending.values()) p.reject(new LabError({ message: `steplab: cannot start its worker: ${e.message}`, code: 'internal' }));
      pending.clear();
      return;
    }
    worker.onmessage = onMessage;
    worker.onerror = (ev) => {
      // the worker file is missing or refused: switch to the bundled copy and replay what was asked
      if (!answered && !usingBlob) {
        ev.preventDefault?.();
        worker.terminate();
        startBlob();
        for (const [id, p] of pending) worker?.postMessage({ id, type: p.type, args: p.args });
        return;
      }
      for (const p of pending.values()) p.reject(new LabError({ message: `worker failed: ${ev.message}`, code: 'internal' }));
      pending.clear();
    };
  };

  const fileUrl = workerFileUrl();
  if (fileUrl) start(fileUrl);
  else startBlob();

  const call = (type, args) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, type, args });
    worker.postMessage({ id, type, args });
  });
  return { call, kind: () => (usingBlob ? 'blob' : 'file') };
}
