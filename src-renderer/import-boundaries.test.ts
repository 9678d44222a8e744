/**
 * The import boundaries of eslint.config.js refuse what they should. A flat
 * config's later block replaces an earlier block's `no-restricted-imports` for
 * the files it matches, and a wrong regular expression allows everything
 * silently: `npm run lint` passing proves nothing by itself, so each boundary
 * is tried here with one import it must refuse and one it must allow.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/** The `no-restricted-imports` messages ESLint gives one import line in a file at `filePath` (relative to the repository). */
async function refusals(filePath: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const used = value;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

// Vitest runs from the repository root, where eslint.config.js is.
const eslint = new ESLint();

const cases: { unit: string; file: string; refused: string[]; allowed: string[] }[] = [
  {
    unit: 'the dashboard reaches the engine through its entry only',
    file: 'src-renderer/dashboard/model/example.ts',
    refused: ["import { value } from '../../p2p/wire';", "import type { value } from '../../p2p/types';", "export { value } from '../../p2p/engine.js';", "import { value } from 'electron';"],
    allowed: ["import { value } from '../../p2p';", "import { value } from '../../p2p/index.js';", "import { value } from './p2p-session';", "import { value } from '../../../src-preload/contract';"],
  },
  {
    unit: 'the GDevelop adapter too',
    file: 'src-renderer/gdevelop/example.ts',
    refused: ["import { value } from '../p2p/engine.js';"],
    allowed: ["import { value } from '../p2p/index.js';"],
  },
  {
    unit: 'the bench page too',
    file: 'src-renderer/bench/example.tsx',
    refused: ["import { value } from '../p2p/frame-state';"],
    allowed: ["import { value } from '../p2p';"],
  },
  {
    unit: 'the engine imports only its own folder and peerjs',
    file: 'src-renderer/p2p/example.ts',
    refused: ["import { value } from '../../src-preload/contract.js';", "import { value } from '../dashboard/model/store';", "import { value } from 'zod';", "import { value } from 'electron';"],
    allowed: ["import { value } from './wire.js';", "import { value } from 'peerjs';"],
  },
  {
    unit: "the engine's tests may also use vitest and the contract",
    file: 'src-renderer/p2p/example.test.ts',
    refused: ["import { value } from '../../src-preload/game-agent-schemas.js';", "import { value } from '../dashboard/model/store';"],
    allowed: ["import { value } from '../../src-preload/contract.js';", "import { value } from 'vitest';", "import { value } from './engine.js';"],
  },
  {
    unit: "the game shim imports only its own folder, the agent protocol modules and the engine's UTF-8 count",
    file: 'src-renderer/game-shim/example.ts',
    refused: ["import { value } from '../../src-preload/contract.js';", "import { value } from '../../src-preload/game-agent-schemas.js';", "import { value } from '../p2p';", "import { value } from '../p2p/wire.js';", "import { value } from 'peerjs';"],
    allowed: ["import { value } from './telemetry.js';", "import { value } from '../../src-preload/game-agent-protocol.js';", "import { value } from '../../src-preload/network-conditions';", "import { value } from '../p2p/utf8.js';"],
  },
  {
    unit: "the game shim's tests may also use peerjs and vitest",
    file: 'src-renderer/game-shim/example.test.ts',
    refused: ["import { value } from '../../src-preload/contract.js';"],
    allowed: ["import { value } from 'peerjs';", "import { value } from 'vitest';"],
  },
];

describe('import boundaries (eslint.config.js)', () => {
  // The first lint loads the config and the TypeScript parser: 8 s here on a busy 2-core machine, more than a test's own timeout should cover.
  beforeAll(() => refusals('src-renderer/example.ts', "import { value } from './example';"), 60_000);

  for (const c of cases) {
    it(c.unit, async () => {
      for (const line of c.refused) expect(await refusals(c.file, line), `${c.file}: ${line}`).not.toEqual([]);
      for (const line of c.allowed) expect(await refusals(c.file, line), `${c.file}: ${line}`).toEqual([]);
    });
  }

  it('a refusal says which unit and what it may import', async () => {
    expect(await refusals('src-renderer/dashboard/example.ts', "import { value } from '../p2p/wire';")).toEqual([
      expect.stringContaining('through its entry (src-renderer/p2p/index.ts)'),
    ]);
    expect(await refusals('src-renderer/p2p/example.ts', "import { value } from 'zod';")).toEqual([expect.stringContaining('only its own folder and peerjs')]);
  });
});
