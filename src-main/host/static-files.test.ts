import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mimeType, parseRange, resolveInside } from './static-files.js';

let base: string;
let root: string;

beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-static-')));
  root = path.join(base, 'site');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<html></html>');
  fs.writeFileSync(path.join(root, 'assets', 'game.js'), 'x');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out.txt'));
  fs.symlinkSync(path.join(root, 'assets', 'game.js'), path.join(root, 'link-in.js'));
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('resolveInside', () => {
  it('serves files and folder indexes inside the root', () => {
    expect(resolveInside(root, '/')).toEqual({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveInside(root, '/assets/game.js')).toEqual({ ok: true, file: path.join(root, 'assets', 'game.js') });
    expect(resolveInside(root, '/link-in.js')).toEqual({ ok: true, file: path.join(root, 'assets', 'game.js') });
  });

  it('refuses traversal, encoded traversal, absolute paths and links out of the folder', () => {
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/link-out.txt']) {
      const result = resolveInside(root, attempt);
      expect(result.ok, attempt).toBe(false);
      if (!result.ok) expect([403, 404]).toContain(result.status);
    }
    expect(resolveInside(root, `/${path.join(base, 'secret.txt')}`).ok).toBe(false);
    expect(resolveInside(root, '/%00')).toMatchObject({ ok: false, status: 400 });
    expect(resolveInside(root, '/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
    expect(resolveInside(root, '/missing.js')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('parseRange', () => {
  it('parses single ranges and refuses unsatisfiable ones', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual([0, 9]);
    expect(parseRange('bytes=90-', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=50-500', 100)).toEqual([50, 99]);
    expect(parseRange('bytes=100-', 100)).toBeNull();
    expect(parseRange('bytes=5-1', 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('ignore');
  });
});

describe('mimeType', () => {
  it('names the types games need', () => {
    expect(mimeType('a.js')).toMatch(/javascript/);
    expect(mimeType('a.WASM')).toBe('application/wasm');
    expect(mimeType('a.unknown')).toBe('application/octet-stream');
  });
});
