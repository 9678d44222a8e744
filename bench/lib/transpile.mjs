// TypeScript -> JavaScript for the benchmark's own sources, with the repo's
// `typescript` (no extra dependency): Node 20 cannot run .ts files, and the
// bench pages are served to Chromium the same way. Types are checked
// separately by `npm run typecheck` (tsconfig.e2e.json includes bench/**).
import ts from 'typescript';

/** @type {import('typescript').CompilerOptions} */
const OPTIONS = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: false,
};

/**
 * @param {string} source TypeScript text
 * @param {string} fileName for messages and the source map
 * @returns {string} JavaScript (ES module)
 */
export function transpile(source, fileName) {
  return ts.transpileModule(source, { compilerOptions: OPTIONS, fileName }).outputText;
}
