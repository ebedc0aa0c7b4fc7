// `npm run build:package [-- --if-stale]`: what the npm package runs, compiled to plain JS.
// - out/node/: ESM bundles of the library entry points (thunderhead, thunderhead/records,
//   thunderhead/locks, thunderhead/level) and of the CLI, with shared code in chunks, so
//   `Store` is one class whichever subpath imports it. Dependencies stay external.
// - out/types/: the .d.ts files tsc emits for those entry points, their relative imports given
//   the .js extension that Node's ESM resolution (and TypeScript's node16/nodenext) requires.
// - out/renderer/: the inspector bundle `thunderhead serve` serves (electron-vite, via buildIfStale).
// All outputs sit two folders below the package root: app/serve and app/cli find the package's
// root (package.json, out/renderer) as '../..' from their own module, in source and bundle alike.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT, buildIfStale, run, staleReason } from './lib.mjs';

/** The package's entry points: bundle name → source. */
export const ENTRY_POINTS = {
  index: 'engine/index.ts',
  records: 'engine/records/index.ts',
  locks: 'engine/range-locks/index.ts',
  level: 'level/index.ts',
  cli: 'app/cli/main.ts',
};
/** Entry points that get type declarations (the CLI is a program, not an API). */
const TYPED = ['engine/index.ts', 'engine/records/index.ts', 'engine/range-locks/index.ts', 'level/index.ts'];
const SOURCES = ['engine', 'level', 'app', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build-package.mjs'];
const OUTPUTS = ['out/node/cli.js', 'out/node/index.js', 'out/node/level.js', 'out/types/engine/index.d.ts', 'out/types/level/index.d.ts'];
const NODE_TARGET = 'node20.15';

async function bundle() {
  const esbuild = await import('esbuild');
  rmSync(join(ROOT, 'out', 'node'), { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    outdir: 'out/node',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/** Adds `.js` (or `/index.js`) to every relative specifier of the emitted declarations. */
function fixDeclarationSpecifiers(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      fixDeclarationSpecifiers(path);
      continue;
    }
    if (!entry.name.endsWith('.d.ts')) continue;
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(\.{1,2}\/[^'"]*)\2/g, (match, lead, quote, spec) => {
      if (/\.(js|mjs|cjs|json)$/.test(spec)) return match;
      const base = resolve(dirname(path), spec);
      if (existsSync(`${base}.d.ts`)) return `${lead}${quote}${spec}.js${quote}`;
      if (existsSync(join(base, 'index.d.ts'))) return `${lead}${quote}${spec}/index.js${quote}`;
      throw new Error(`${relative(ROOT, path)}: cannot resolve ${spec}`);
    });
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

function declarations() {
  const types = join(ROOT, 'out', 'types');
  rmSync(types, { recursive: true, force: true });
  run('tsc (declarations)', process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')]);
  fixDeclarationSpecifiers(types);
  for (const source of TYPED) {
    const dts = join(types, source.replace(/\.ts$/, '.d.ts'));
    if (!existsSync(dts)) throw new Error(`tsc emitted no ${relative(ROOT, dts)}`);
  }
}

/** Builds out/node and out/types (and the renderer when stale); with ifStale, only what changed. */
export async function buildPackage({ ifStale = false } = {}) {
  buildIfStale();
  const reason = staleReason(OUTPUTS, SOURCES);
  if (ifStale && !reason) return;
  console.log(`Building the package's JS and types${reason ? ` (${reason})` : ''}…`);
  await bundle();
  declarations();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    await buildPackage({ ifStale: process.argv.includes('--if-stale') });
  } catch (error) {
    console.error(`build:package: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
