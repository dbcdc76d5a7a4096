// Peer for bench/barometer.sh: a Node.js http server that answers the same
// URLs with the same bodies (fetched once from omrade serve, gzip form
// precomputed), from memory.  Usage: node peer_server.mjs SOURCE_BASE URLFILE PORTFILE
import http from 'node:http';
import fs from 'node:fs';
import zlib from 'node:zlib';
const [base, urlFile, portFile] = process.argv.slice(2);
const bodies = new Map();
for (const u of fs.readFileSync(urlFile, 'utf8').split('\n').filter(Boolean)) {
  if (bodies.has(u)) continue;
  const r = await fetch(base + u, {headers: {'accept-encoding': 'identity'}});
  const b = Buffer.from(await r.arrayBuffer());
  bodies.set(u, {b, gz: zlib.gzipSync(b), type: r.headers.get('content-type')});
}
const srv = http.createServer((req, res) => {
  const e = bodies.get(req.url);
  if (!e) { res.writeHead(404); res.end(); return; }
  const gz = (req.headers['accept-encoding'] || '').includes('gzip') && e.b.length > 1024;
  const body = gz ? e.gz : e.b;
  res.writeHead(200, {'content-type': e.type, 'content-length': body.length, ...(gz ? {'content-encoding': 'gzip'} : {})});
  res.end(body);
});
srv.keepAliveTimeout = 60000;
srv.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(srv.address().port)));
