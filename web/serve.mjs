// `npm start`: serves dist/ on localhost and prints the URL. Static files only.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('../dist', import.meta.url).pathname);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

// Starts a static server for dist/ on 127.0.0.1; port 0 picks a free one. Resolves to the server.
export function startServer(port) {
  const server = http.createServer((req, res) => {
  let rel;
  try {
    rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  const file = path.join(root, path.normalize(rel === '/' ? '/index.html' : rel));
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const port = Number(process.env.PORT || 8080);
  startServer(port).then(
    (server) => console.log(`steplab is at http://localhost:${server.address().port}/  (Ctrl-C to stop)`),
    (e) => {
      console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use; run with PORT=8081 npm start` : e.message);
      process.exit(1);
    },
  );
}
