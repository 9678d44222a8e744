// Module hooks (node:module register) that let Node 20 run the benchmark's
// TypeScript: `.js` specifiers that name a `.ts` sibling resolve to it (the
// NodeNext convention the sources follow), and `.ts` files are transpiled.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transpile } from './lib/transpile.mjs';

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context: unknown) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('/'))) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), parent);
    const jsFile = new URL(specifier, parent);
    if (!fs.existsSync(fileURLToPath(jsFile)) && fs.existsSync(fileURLToPath(candidate))) {
      return { url: candidate.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

/**
 * @param {string} url
 * @param {unknown} context
 * @param {(url: string, context: unknown) => Promise<unknown>} next
 */
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const file = fileURLToPath(url);
    return { format: 'module', source: transpile(fs.readFileSync(file, 'utf8'), file), shortCircuit: true };
  }
  return next(url, context);
}
