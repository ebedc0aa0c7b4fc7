// The layer rule in eslint.config.js, run by ESLint itself on files that break it (and on files
// that keep it): a rule that never fires would pass lint forever.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: ROOT });

/** The boundary errors ESLint reports for `code` as if it were the file at `file` (repo-relative). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'boundaries/element-types').map((m) => m.message);
}

describe('layer rule (eslint-plugin-boundaries zones in eslint.config.js)', () => {
  it('flags engine/ importing app/, however deep the importing file is', async () => {
    const deep = 'engine/a/b/c/d/e/deep.ts';
    expect(await layerErrors(deep, "import { createService } from '../../../../../../app/service/service';\nexport const s = createService;\n")).toHaveLength(1);
    expect(await layerErrors('engine/store/x.ts', "import { contract } from '../../app/contract';\nexport const c = contract;\n")).toHaveLength(1);
    expect(await layerErrors('engine/store/x.ts', "import { runCli } from '../../main/index';\nexport const c = runCli;\n")).toHaveLength(1);
  });

  it('flags renderer/ importing app code, and the contract other than as types', async () => {
    expect(await layerErrors('renderer/src/views/x/y/z.tsx', "import { createService } from '../../../../../app/service/service';\nexport const s = createService;\n")).toHaveLength(1);
    expect(await layerErrors('renderer/src/x.ts', "import { contract } from '../../app/contract';\nexport const c = contract;\n")).toHaveLength(1);
    expect(await layerErrors('renderer/src/x.ts', "import { Store } from '../../engine/index';\nexport const c = Store;\n")).toHaveLength(1);
  });

  it('flags level/ importing anything but the engine\'s public API', async () => {
    expect(await layerErrors('level/x.ts', "import { StoreFile } from '../engine/store/file';\nexport const f = StoreFile;\n")).toHaveLength(1);
    expect(await layerErrors('level/x.ts', "import { contract } from '../app/contract';\nexport const c = contract;\n")).toHaveLength(1);
    expect(await layerErrors('level/x.ts', "import { Store } from '../engine/index';\nexport const s = Store;\n")).toEqual([]);
  });

  it('flags the engine core (format, tree, store) importing the layers above it, and format/ importing the tree', async () => {
    for (const file of ['engine/format/x.ts', 'engine/tree/x.ts', 'engine/store/x.ts', 'engine/store/deeper/still/x.ts']) {
      const up = file.split('/').length - 2;
      const engine = '../'.repeat(up);
      expect(await layerErrors(file, `import { Ref } from '${engine}records/ref';\nexport const r = Ref;\n`), file).toHaveLength(1);
      expect(await layerErrors(file, `import { watch } from '${engine}watch/watch';\nexport const w = watch;\n`), file).toHaveLength(1);
      expect(await layerErrors(file, `import { Store } from '${engine}index';\nexport const s = Store;\n`), file).toHaveLength(1);
      expect(await layerErrors(file, `import { prng } from '${engine}testing/test-support';\nexport const p = prng;\n`), file).toHaveLength(1);
      expect(await layerErrors(file, `import { LockManager } from '${engine}range-locks/lock-manager';\nexport const l = new LockManager();\n`), file).toHaveLength(1);
      // Not even its types: the core declares what it locks with (store/lock-table.ts).
      expect(await layerErrors(file, `import type { LockManager } from '${engine}range-locks/lock-manager';\nexport type L = LockManager;\n`), file).toHaveLength(1);
      expect(await layerErrors(file, `import type { Ref } from '${engine}records/ref';\nexport type R = Ref;\n`), file).toHaveLength(1);
    }
    expect(await layerErrors('engine/format/x.ts', "import { isNode } from '../tree/node';\nexport const n = isNode;\n")).toHaveLength(1);
    expect(await layerErrors('engine/format/x.ts', "import { StoreFile } from '../store/file';\nexport const f = StoreFile;\n")).toHaveLength(1);
  });

  it('allows what the layers allow', async () => {
    expect(await layerErrors('renderer/src/x.ts', "import type { Method } from '../../app/contract';\nexport type M = Method;\n")).toEqual([]);
    expect(await layerErrors('renderer/src/x.ts', "import { SERVE_WS_PROTOCOL } from '../../app/contract/serve-wire';\nexport const p = SERVE_WS_PROTOCOL;\n")).toEqual([]);
    expect(await layerErrors('main/x.ts', "import { createService } from '../app/service/service';\nexport const s = createService;\n")).toEqual([]);
    expect(await layerErrors('app/service/x.ts', "import { Store } from '../../engine/index';\nexport const s = Store;\n")).toEqual([]);
    expect(await layerErrors('engine/store/x.ts', "import { Store } from './store';\nexport const s = Store;\n")).toEqual([]);
    expect(await layerErrors('engine/records/x.ts', "import { Store } from '../store/store';\nexport const s = Store;\n")).toEqual([]);
    expect(await layerErrors('engine/watch/x.ts', "import { diffTrees } from '../diff/diff';\nexport const d = diffTrees;\n")).toEqual([]);
    expect(await layerErrors('engine/tree/x.ts', "import { BlobRef } from '../format/node-shapes';\nexport const b = BlobRef;\n")).toEqual([]);
    // A test of the core may use the public API and the test helpers.
    expect(await layerErrors('engine/store/x.test.ts', "import { Store } from '../index';\nimport { prng } from '../testing/test-support';\nexport const s = [Store, prng];\n")).toEqual([]);
  });
});
