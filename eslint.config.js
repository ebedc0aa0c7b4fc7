// Layers point down: renderer -> app's contract (types only); main -> app -> engine;
// level -> the engine's public API (engine/index.ts).
// engine/ imports nothing from app/main/renderer, nor Electron/React/DOM libraries; inside it,
// format/ is bytes only and the core (format, tree, store) imports no layer above it.
// The folder rule is written once, as elements and the imports each may make
// (eslint-plugin-boundaries resolves every import to a file, so depth does not matter);
// layers.test.ts proves it fails on violating files.
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** The layers, matched against each file's path; the first match names a file's layer. */
export const LAYERS = [
  { type: 'engine-api', pattern: 'engine/index.ts', mode: 'full' },
  // The engine's core (LMDB's small core): format/ is bytes only; tree/, store/ and the diff
  // walk store and version bytes. Records, references, watches and range locks are built above.
  { type: 'engine-errors', pattern: 'engine/errors.ts', mode: 'full' },
  { type: 'engine-format', pattern: 'engine/format/**', mode: 'full' },
  { type: 'engine-core', pattern: ['engine/tree/**', 'engine/store/**', 'engine/diff/**'], mode: 'full' },
  { type: 'engine-above-core', pattern: ['engine/records/**', 'engine/watch/**', 'engine/query/**'], mode: 'full' },
  { type: 'engine-locks', pattern: 'engine/range-locks/**', mode: 'full' },
  // Test helpers (child processes, fixtures, the verify-on-close setup): tests only.
  { type: 'engine-testing', pattern: 'engine/testing/**', mode: 'full' },
  { type: 'engine', pattern: 'engine/**', mode: 'full' },
  // The contract's import-free modules: constants and pure checks the page itself needs (they
  // import no project file; json-text uses lossless-json, a dependency-free pure-JS parser).
  { type: 'wire', pattern: ['app/contract/serve-wire.ts', 'app/contract/request-limits.ts', 'app/contract/json-text.ts', 'app/contract/utf8.ts'], mode: 'full' },
  { type: 'contract', pattern: 'app/contract/**', mode: 'full' },
  { type: 'app', pattern: 'app/**', mode: 'full' },
  { type: 'main', pattern: 'main/**', mode: 'full' },
  { type: 'renderer', pattern: 'renderer/**', mode: 'full' },
  { type: 'level', pattern: 'level/**', mode: 'full' },
];

/** The engine's layers other than its public API and test helpers. */
const ENGINE_INTERNAL = ['engine-errors', 'engine-format', 'engine-core', 'engine-above-core', 'engine-locks', 'engine'];
/** Every engine layer. */
const ENGINE = [...ENGINE_INTERNAL, 'engine-api', 'engine-testing'];

/** What each layer may import; anything else between layers is an error. */
export const LAYER_RULES = [
  { from: 'engine-errors', allow: [] },
  { from: 'engine-format', allow: ['engine-format', 'engine-errors'] },
  // The core imports neither the layers above it nor the test helpers, not even their types: the
  // range lock manager provides itself through the core's hook (store/lock-table.ts), whose
  // interface it widens by declaration merging.
  { from: 'engine-core', allow: ['engine-core', 'engine-format', 'engine-errors'] },
  { from: ['engine-above-core', 'engine-locks', 'engine'], allow: [...ENGINE_INTERNAL, 'engine-api'] },
  { from: 'engine-api', allow: ENGINE_INTERNAL },
  { from: 'engine-testing', allow: ENGINE },
  { from: 'wire', allow: [] },
  { from: 'contract', allow: ['contract', 'wire', ...ENGINE] },
  { from: 'app', allow: ['app', 'contract', 'wire', ...ENGINE] },
  { from: 'main', allow: ['main', 'app', 'contract', 'wire', ...ENGINE] },
  // The Level adapter is a library over the engine's public API only.
  { from: 'level', allow: ['level', 'engine-api'] },
  { from: 'renderer', allow: ['renderer', 'wire'] },
  // The renderer sees the contract's types only (its code runs in a page without Node), and
  // values only from the import-free wire modules.
  { from: 'renderer', allow: ['contract'], importKind: 'type' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tmp/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
    },
  },
  {
    files: ['*.config.ts', '*.config.js', 'electron.vite.config.ts', 'e2e/playwright.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['engine/**/*.ts', 'app/**/*.ts', 'main/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'level/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'boundaries/include': ['engine/**', 'app/**', 'main/**', 'renderer/**', 'level/**'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs'] } },
    },
    rules: {
      'boundaries/element-types': ['error', {
        default: 'disallow',
        rules: LAYER_RULES,
        message: 'layers point down: ${file.type} may not import ${dependency.type} (renderer -> contract types only; main -> app -> engine)',
      }],
    },
  },
  {
    // Tests may use the public API and the test helpers whatever layer they sit in.
    files: ['engine/**/*.test.ts'],
    rules: {
      'boundaries/element-types': ['error', {
        default: 'disallow',
        rules: [...LAYER_RULES, { from: ENGINE, allow: ENGINE }],
        message: 'layers point down: ${file.type} may not import ${dependency.type} (renderer -> contract types only; main -> app -> engine)',
      }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*', 'react-dom/*', 'd3', 'd3-*', '@tanstack/*'], message: 'engine/ must not depend on Electron, React, d3 or the DOM.' },
        ],
      }],
    },
  },
  {
    files: ['level/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*', 'react-dom/*', 'd3', 'd3-*', '@tanstack/*'], message: 'level/ is a library: no Electron, React, d3 or the DOM.' },
        ],
      }],
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', 'react', 'react-dom', 'd3'], message: 'app/ is host-agnostic: no Electron, React or d3.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['fs', 'node:*', 'path', 'child_process', 'electron'], message: 'renderer/ has no Node or Electron access.' },
        ],
      }],
    },
  },
);
