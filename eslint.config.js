// Layers point down: renderer -> app (types only); main -> app -> engine; level -> engine.
// engine/ imports nothing from app/main/renderer, nor Electron/React/DOM libraries.
import tseslint from 'typescript-eslint';

const upper = (names) => names.flatMap((n) => [`../${n}/*`, `../../${n}/*`, `../../../${n}/*`, `../../../../${n}/*`, `../${n}`, `../../${n}`, `../../../${n}`]);

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
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: upper(['app', 'main', 'renderer']), message: 'engine/ is the bottom layer: it must not import app/, main/ or renderer/.' },
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
          { group: upper(['app', 'main', 'renderer']), message: 'level/ is the Level adapter over the engine: it must not import app/, main/ or renderer/.' },
          { group: ['../engine/*', '../../engine/*', '!../engine/index'], message: 'level/ uses the engine\'s public API only: import from ../engine/index.' },
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
          { group: upper(['main', 'renderer']), message: 'app/ must not import main/ or renderer/.' },
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
          { group: upper(['engine', 'main']), message: 'renderer/ talks only to the contract in app/ (types), never to engine/ or main/.' },
          { group: ['fs', 'node:*', 'path', 'child_process', 'electron'], message: 'renderer/ has no Node or Electron access.' },
        ],
      }],
    },
  },
);
