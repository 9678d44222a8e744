/**
 * Read-only static files confined to one folder: the built page in headless
 * mode, and hosted games. Every request path is decoded once, resolved inside
 * the root, and checked again after symlinks are followed, so neither `..`
 * (plain or encoded) nor a link out of the folder can escape it.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { sendText } from './http-server.js';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.xml': 'application/xml',
  '.fnt': 'text/plain; charset=utf-8',
  '.atlas': 'text/plain; charset=utf-8',
};

export function mimeType(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type ResolveResult = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps a URL path (still percent-encoded) to a file inside `root`.
 * `root` must be an absolute, real path (see `fs.realpathSync`).
 */
export function resolveInside(root: string, urlPath: string): ResolveResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL in path' };
  // Backslashes are separators on Windows; refuse them everywhere so behaviour is the same.
  if (decoded.includes('\\')) return { ok: false, status: 403, reason: 'backslash in path' };
  const segments = decoded.split('/');
  if (segments.includes('..')) return { ok: false, status: 403, reason: 'path traversal' };
  let candidate = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!isInside(root, candidate)) return { ok: false, status: 403, reason: 'outside the folder' };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(candidate);
    if (stat.isDirectory()) {
      candidate = path.join(candidate, 'index.html');
      stat = fs.statSync(candidate);
    }
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  if (!isInside(root, real)) return { ok: false, status: 403, reason: 'link out of the folder' };
  if (!stat.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: real };
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export interface ServeOptions {
  /** Extra headers for HTML responses (the CSP of our own page). */
  htmlHeaders?: Record<string, string>;
}

/** Serves one GET/HEAD request from `root` (absolute, real path), with single byte ranges. */
export function serveStatic(
  root: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  options: ServeOptions = {},
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'Method not allowed');
    return;
  }
  const resolved = resolveInside(root, url.pathname);
  if (!resolved.ok) {
    sendText(res, resolved.status, resolved.status === 404 ? 'Not found' : `Refused: ${resolved.reason}`);
    return;
  }
  const file = resolved.file;
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    sendText(res, 404, 'Not found');
    return;
  }
  const type = mimeType(file);
  const headers: Record<string, string | number> = {
    'Content-Type': type,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    ...(type.startsWith('text/html') ? (options.htmlHeaders ?? {}) : {}),
  };
  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = req.headers.range;
  if (range !== undefined) {
    const parsed = parseRange(range, size);
    if (parsed === null) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    if (parsed !== 'ignore') {
      [start, end] = parsed;
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
  }
  headers['Content-Length'] = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** One `bytes=a-b` range; 'ignore' for forms we do not serve partially (multi-range), null when unsatisfiable. */
export function parseRange(header: string, size: number): [number, number] | 'ignore' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return 'ignore';
  const [, a = '', b = ''] = match;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size) return null;
  return [start, end];
}
