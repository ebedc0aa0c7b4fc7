/**
 * The npm package as a user gets it: `npm pack`, the tarball installed into an empty project
 * (offline, from npm's cache; see installTarball), then used without the git clone — as a
 * library (plain Node, no tsx, no bundler), with its types, as the `thunderhead` command and as
 * the served inspector. `npm pack` runs the prepack script, which builds out/ when stale.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'thunderhead-pack-'));
const project = join(dir, 'project');
let tarball = '';
let tarballFiles: string[] = [];

/** npm with the parent `npm test`'s lifecycle variables removed (they would steer the child). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_') && key.toLowerCase() !== 'npm_config_cache') continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: 90_000 });
}

function explain(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status}${result.error ? ` (${result.error.message})` : ''}\n${result.stdout}\n${result.stderr}`.trim();
}

/**
 * Installs the tarball: first `--offline` (only npm's cache; it holds every dependency after the
 * clone's own `npm install`), and when the cache lacks a registry document npm needs to resolve
 * a range (a clone installed from its lockfile fetches tarballs, not those documents), again
 * with `--prefer-offline`, which fetches only what is missing.
 */
function installTarball(): { mode: string; seconds: number } {
  for (const mode of ['--offline', '--prefer-offline']) {
    const started = performance.now();
    const result = npm(['install', mode, '--no-audit', '--no-fund', '--no-package-lock', tarball], project);
    if (result.status === 0) return { mode, seconds: (performance.now() - started) / 1000 };
    if (mode === '--prefer-offline' || !/ENOTCACHED|ETARGET|E404|offline/i.test(result.stderr)) throw new Error(`npm install ${mode} failed: ${explain(result)}`);
  }
  throw new Error('unreachable');
}

function node(args: readonly string[], cwd = project): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  const packed = npm(['pack', '--pack-destination', dir], ROOT);
  if (packed.status !== 0) throw new Error(`npm pack failed: ${explain(packed)}`);
  const name = readdirSync(dir).find((file) => file.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack made no tarball: ${explain(packed)}`);
  tarball = join(dir, name);
  tarballFiles = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-thunderhead', private: true, type: 'module' }));
  const install = installTarball();
  console.log(`pack test: tarball ${(statSync(tarball).size / 1024).toFixed(0)} KiB, ${tarballFiles.length} files; npm install ${install.mode} took ${install.seconds.toFixed(1)} s`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the npm package', () => {
  test('holds the runtime files only, and stays small', () => {
    expect(statSync(tarball).size).toBeLessThan(1024 * 1024);
    for (const needed of ['bin/thunderhead.mjs', 'out/node/index.js', 'out/node/cli.js', 'out/node/level.js', 'out/types/engine/index.d.ts', 'out/types/level/index.d.ts', 'out/renderer/index.html', 'package.json', 'README.md']) {
      expect(tarballFiles).toContain(needed);
    }
    const unwanted = tarballFiles.filter((file) => /\.test\.|screenshots|^(e2e|bench|docs|resources|scripts|engine|app|level|main|renderer)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')) || file.endsWith('.png') || file.endsWith('.th'));
    expect(unwanted).toEqual([]);
    // Installed without the dev tooling: the package runs on plain Node.
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'electron'))).toBe(false);
  });

  test('is a library: Store, the records layer, the lock manager and the Level adapter work', () => {
    writeFileSync(join(project, 'use.mjs'), `
      import { Store, encodeKey, encodeValue, decodeValue } from 'thunderhead';
      import { keyToJson } from 'thunderhead/records';
      import { LockManager } from 'thunderhead/locks';
      import { ThunderheadLevel } from 'thunderhead/level';
      const locks = new LockManager();
      await locks.acquire(1, { key: new Uint8Array([7]) }, 'exclusive');
      console.log(JSON.stringify(locks.snapshot().locks.map((l) => [l.tx, l.from, l.state])));
      locks.releaseAll(1);
      const store = Store.open('lib.th', { create: true });
      store.put(encodeKey(['users', 42]), encodeValue({ name: 'Ada' }));
      const [entry] = [...store.scan({ prefix: encodeKey(['users']) })];
      console.log(JSON.stringify({ key: keyToJson(entry.key), value: decodeValue(entry.value) }));
      store.close();
      const db = new ThunderheadLevel('level.th', { valueEncoding: 'json' });
      await db.sublevel('users', { valueEncoding: 'json' }).put('ada', { n: 1 });
      console.log(JSON.stringify(await db.sublevel('users', { valueEncoding: 'json' }).iterator().all()));
      await db.close();
    `);
    const result = node(['use.mjs']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['[[1,"07","held"]]', '{"key":["users",42],"value":{"name":"Ada"}}', '[["ada",{"n":1}]]']);
  });

  test('ships types that a NodeNext TypeScript project resolves', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['typed.ts'] }));
    writeFileSync(join(project, 'typed.ts'), `
      import { Store, encodeKey } from 'thunderhead';
      import { ThunderheadLevel } from 'thunderhead/level';
      import { LockManager, type LockMode } from 'thunderhead/locks';
      const store: Store = Store.open('t.th', { create: true });
      const mode: LockMode = 'shared';
      // @ts-expect-error not a lock mode: fails to compile only when the locks subpath's types are real
      const wrong: LockMode = 'sideways';
      const manager = new LockManager();
      const value: Buffer | undefined = store.get(encodeKey(['k']));
      // @ts-expect-error a number is not a path: fails to compile only when the types are real
      Store.open(42);
      const db = new ThunderheadLevel<string, string>('l.th');
      export const used = [value, db.location, mode, wrong, manager];
    `);
    const result = node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(project, 'tsconfig.json')]);
    expect(explain(result)).toBe('exit 0');
  });

  test('is the thunderhead command: npx thunderhead demo writes a store', () => {
    const result = spawnSync('npx', ['--no', 'thunderhead', 'demo', 'x.th'], { cwd: project, env: npmEnv(), encoding: 'utf8', timeout: 90_000 });
    expect(explain(result)).toMatch(/^exit 0/);
    const info = spawnSync('npx', ['--no', 'thunderhead', 'info', 'x.th', '--json'], { cwd: project, env: npmEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout)).toHaveProperty('info.path', 'x.th');
  });

  test('serves the inspector: npx thunderhead serve answers at the URL it prints', async () => {
    const store = join(project, 'x.th');
    if (!existsSync(store)) node([join(project, 'node_modules', 'thunderhead', 'bin', 'thunderhead.mjs'), 'demo', '--records', '100', store]);
    const child = spawn('npx', ['--no', 'thunderhead', 'serve', store], { cwd: project, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
        child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL: ${out}${err}`)));
      });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toMatch(/<script[^>]+src="[^"]*assets\/index-[^"]+\.js"/);
    } finally {
      // npx runs the command in a child: signal the whole group, then wait for it to go.
      if (child.exitCode === null && child.pid !== undefined) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGTERM');
        await gone;
      }
    }
  });
});
