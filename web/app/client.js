// Talks to the lab's worker. The worker's code is bundled into this script as
// text and started from a Blob URL, which also works when the page is opened
// from file:// (where a worker file could not be loaded).
import workerSource from '../../dist/build/worker.txt';

export class LabError extends Error {
  constructor({ message, code, thing, field }) {
    super(message);
    this.name = 'SteplabError';
    Object.assign(this, { code, thing, field });
  }
}

export function startLab() {
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const pending = new Map();
  let nextId = 1;
  worker.onmessage = (ev) => {
    const { id, result, error } = ev.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(new LabError(error));
    else p.resolve(result);
  };
  worker.onerror = (ev) => {
    for (const p of pending.values()) p.reject(new LabError({ message: `worker failed: ${ev.message}`, code: 'internal' }));
    pending.clear();
  };
  const call = (type, args) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, args });
  });
  return { call };
}
