// What ours.mjs and profile.mjs share: the nine tables a bundle is given
// as, and a static server for the built page (dist/) on 127.0.0.1.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const TABLES = ['auth_user', 'hub_church', 'hub_fast', 'hub_profile', 'hub_profile_fasts',
  'events_eventtype', 'events_event', 'events_useractivityfeed', 'django_content_type'];
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json' };

// Serves the files under `dist` (an absolute path) on a free port; resolves
// to the server and its port.
export async function serveDist(dist) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const p = path.join(dist, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!p.startsWith(dist) || !fs.existsSync(p) || !fs.statSync(p).isFile()) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': MIME[path.extname(p)] || 'application/octet-stream' });
    fs.createReadStream(p).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: server.address().port };
}
