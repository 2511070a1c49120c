// The wasm seam: instantiates the standalone core (no Emscripten JS glue),
// moves strings and arrays across, and turns a non-zero status into a
// SteplabError. Heap views are never cached: memory growth detaches them, so
// every accessor re-reads memory.buffer.
import { SteplabError, STATUS } from './errors.mjs';

const SIMD_PROBE = new Uint8Array([ // (func (result v128) i32.const 0 i8x16.splat)
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function instantiate(wasmBytes) {
  let memory;
  let core;
  const imports = {
    env: {
      emscripten_notify_memory_growth() {},
      // LBFGS's closure: the C core calls back into JS during optimizer.step (web/lib/optimizers.mjs)
      sl_host_closure: (ctx, x, grad, n, loss) => core.hostClosure(ctx, x, grad, n, loss),
    },
    wasi_snapshot_preview1: new Proxy({}, {
      get: (_, name) => () => {
        throw new SteplabError(`core: unexpected system call ${String(name)}`, { code: 'internal' });
      },
    }),
  };
  const { instance } = await WebAssembly.instantiate(wasmBytes, imports);
  const x = instance.exports;
  memory = x.memory;
  if (x._initialize) x._initialize();
  core = new Core(x, memory);
  return core;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class Core {
  constructor(exports, memory) {
    this.x = exports;
    this.memory = memory;
    this.closures = new Map(); // ctx -> { fn(x, grad) returning the loss, error }; set while a step runs
  }

  // Called by the core (import env.sl_host_closure): runs the JS closure for ctx on a copy of x,
  // writes its gradient and loss back; returns 1 (and keeps the error for the caller) when it throws.
  hostClosure(ctx, xPtr, gradPtr, n, lossPtr) {
    const entry = this.closures.get(ctx);
    if (!entry) return 1;
    try {
      const x = this.f32.slice(xPtr >> 2, (xPtr >> 2) + n);
      const grad = new Float32Array(n);
      const loss = entry.fn(x, grad);
      this.f32.set(grad, gradPtr >> 2);
      this.f64[lossPtr >> 3] = Number(loss);
      return 0;
    } catch (e) {
      entry.error = e;
      return 1;
    }
  }

  get u8() { return new Uint8Array(this.memory.buffer); }
  get f64() { return new Float64Array(this.memory.buffer); }
  get f32() { return new Float32Array(this.memory.buffer); }
  get i32() { return new Int32Array(this.memory.buffer); }

  // A copy of n elements of Type at byte address ptr. (new + set is about 3x faster
  // in V8 than .slice() on a view of the whole wasm memory.)
  copy(Type, ptr, n) {
    const out = new Type(n);
    out.set(new Type(this.memory.buffer, ptr, n));
    return out;
  }

  cstring(ptr) {
    const u8 = this.u8;
    let end = ptr;
    while (u8[end]) end++;
    return dec.decode(u8.subarray(ptr, end));
  }

  alloc(bytes) {
    const p = this.x.sl_alloc(Math.max(bytes, 1));
    if (!p) throw new SteplabError(`core: out of memory allocating ${bytes} bytes`, { code: 'no_memory' });
    return p;
  }

  free(p) { if (p) this.x.sl_free(p); }

  // Runs fn with scratch allocations that are freed afterwards, whatever happens.
  scoped(fn) {
    const ptrs = [];
    const scope = {
      alloc: (bytes) => { const p = this.alloc(bytes); ptrs.push(p); return p; },
      string: (s) => {
        const b = enc.encode(s);
        const p = scope.alloc(b.length + 1);
        const u8 = this.u8;
        u8.set(b, p);
        u8[p + b.length] = 0;
        return [p, b.length];
      },
      f64: (arr) => {
        const p = scope.alloc(arr.length * 8);
        this.f64.set(arr, p >> 3);
        return p;
      },
      f32: (arr) => {
        const p = scope.alloc(arr.length * 4);
        this.f32.set(arr, p >> 2);
        return p;
      },
      bytes: (arr) => {
        const p = scope.alloc(arr.length);
        this.u8.set(arr, p);
        return p;
      },
      outPtr: () => { const p = scope.alloc(4); this.i32[p >> 2] = 0; return p; },
      readPtr: (p) => this.i32[p >> 2] >>> 0,
    };
    try {
      return fn(scope);
    } finally {
      for (const p of ptrs) this.free(p);
    }
  }

  // Throws the core's last error when status is non-zero.
  check(status) {
    if (status === 0) return;
    const x = this.x;
    const message = this.cstring(x.sl_error_message());
    const thing = this.cstring(x.sl_error_thing());
    const field = this.cstring(x.sl_error_field());
    x.sl_error_clear();
    throw new SteplabError(message || `core: failed with status ${status}`, {
      code: STATUS[status] || 'internal',
      thing,
      field,
    });
  }
}
