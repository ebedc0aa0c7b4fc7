/**
 * The desktop package's config (electron-builder.yml), checked without the Electron binary this
 * machine cannot download: against electron-builder's own schema, and by a real
 * `electron-builder --linux --dir` run over a stand-in Electron distribution — an executable
 * holding Electron's fuse wire at Electron's defaults — so the real packager writes the real
 * app.asar and @electron/fuses flips the real wire. Then: which fuses are set, which files are
 * packed, and that `npm run dist` says in one line when Electron cannot be fetched.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesFromArgv } from '../main/security';

const ROOT = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const asar = require('@electron/asar') as { listPackage(path: string, options: object): string[] };
const fuses = require('@electron/fuses') as { getCurrentFuseWire(path: string): Promise<Record<string, number | string>>; FuseV1Options: Record<string, number> };
// app-builder-lib creates a jiti (config file loader) when loaded, whose file cache would land in
// the run's temp directory; nothing here loads a config through it.
process.env.JITI_FS_CACHE = 'false';
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: unknown, logger: unknown): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { buildIfStale, ensureDemo } = (await import(join(ROOT, 'scripts', 'lib.mjs'))) as { buildIfStale(): void; ensureDemo(path: string, extra?: string[]): void };

interface BuilderConfig {
  readonly appId: string;
  readonly files: readonly string[];
  readonly extraResources: readonly { from: string; to: string }[];
  readonly electronFuses: Record<string, boolean>;
  readonly fileAssociations: readonly { ext: string; name: string; role?: string }[];
  readonly linux: { target: readonly string[]; icon: string };
  readonly mac: { target: readonly string[]; icon: string };
  readonly win: { target: readonly string[]; icon: string };
  readonly [key: string]: unknown;
}

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const dir = mkdtempSync(join(tmpdir(), 'thunderhead-dist-'));
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's own defaults, in wire order: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect,
// EmbeddedAsarIntegrity, OnlyLoadAppFromAsar, BrowserProcessV8Snapshot, FileProtocolPrivileges.
const ELECTRON_DEFAULT_WIRE = '10110001';
let packed: string[] = [];
let wire: Record<string, number | string> = {};

beforeAll(async () => {
  buildIfStale();
  const electronDist = join(dir, 'electron');
  mkdirSync(electronDist);
  const binary = join(electronDist, 'electron');
  writeFileSync(binary, Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n#'), Buffer.from(SENTINEL), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]), Buffer.from(ELECTRON_DEFAULT_WIRE), Buffer.from('\n')]));
  chmodSync(binary, 0o755);
  const demo = join(dir, 'demo.th');
  ensureDemo(demo, ['--records', '100']);
  const output = join(dir, 'out');
  const testConfig = join(dir, 'electron-builder.json');
  writeFileSync(testConfig, JSON.stringify({ ...config, electronDist, directories: { ...(config.directories as object), output }, extraResources: [{ from: demo, to: 'demo.th' }] }));
  // electron-builder keeps caches (jiti's) in the temp directory: give it one inside ours.
  const temp = join(dir, 'tmp');
  mkdirSync(temp);
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--config', testConfig, '--publish', 'never', '--linux', '--dir'], { cwd: ROOT, encoding: 'utf8', timeout: 100_000, env: { ...process.env, TMPDIR: temp } });
  if (result.status !== 0) throw new Error(`electron-builder --dir failed (${result.status}): ${result.stdout}\n${result.stderr}`);
  const unpacked = join(output, 'linux-unpacked');
  packed = asar.listPackage(join(unpacked, 'resources', 'app.asar'), {}).map((file) => file.replaceAll('\\', '/'));
  wire = await fuses.getCurrentFuseWire(join(unpacked, 'thunderhead'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  test("is valid against electron-builder's schema, with the three platforms' targets and icons", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('dev.thunderhead.inspector');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    for (const platform of [config.linux, config.mac, config.win]) expect(platform.icon).toBe('resources/icon.png');
    // electron-builder makes .icns and .ico from a PNG of at least 512×512.
    const png = readFileSync(join(ROOT, 'resources', 'icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  test('sets the fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar integrity and asar-only loading; encrypted cookies', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    const state = (fuse: string): string => String.fromCharCode(Number(wire[fuses.FuseV1Options[fuse]]));
    // Read back from the packaged binary: the packager really flipped them.
    expect(state('RunAsNode')).toBe('0');
    expect(state('EnableNodeOptionsEnvironmentVariable')).toBe('0');
    expect(state('EnableNodeCliInspectArguments')).toBe('0');
    expect(state('EnableEmbeddedAsarIntegrityValidation')).toBe('1');
    expect(state('OnlyLoadAppFromAsar')).toBe('1');
    expect(state('EnableCookieEncryption')).toBe('1');
    expect(state('GrantFileProtocolExtraPrivileges')).toBe('0');
  });

  test('associates .th files with the app, and main opens what the OS passes it', () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'th', name: 'Thunderhead store' })]);
    // Windows and Linux pass the double-clicked file on the command line (Linux's %U may be a
    // file:// URL); macOS sends 'open-file', which main/index.ts handles before and after ready.
    expect(filesFromArgv(['C:\\Program Files\\Thunderhead\\thunderhead.exe', 'D:\\stores\\app.th'], true)).toEqual(['D:\\stores\\app.th']);
    expect(filesFromArgv(['/opt/Thunderhead/thunderhead', 'file:///home/ada/app.th'], true)).toEqual(['/home/ada/app.th']);
  });

  test('packs the runtime only, with every package main imports', () => {
    for (const needed of ['/package.json', `/${pkg.main}`, '/out/preload/index.cjs', '/out/renderer/index.html']) expect(packed).toContain(needed);
    const ours = packed.filter((file) => file !== '/node_modules' && !file.startsWith('/node_modules/'));
    expect(ours.filter((file) => !/^\/(out\/(main|preload|renderer)(\/|$)|out$|package\.json$)/.test(file))).toEqual([]);
    const unwanted = packed.filter((file) => /\.test\.|\.map$|\.tsx?$|\/screenshots\/|\/bench\//.test(file) && !file.endsWith('.d.ts'));
    expect(unwanted).toEqual([]);
    const modules = new Set(packed.filter((file) => /^\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(file)).map((file) => file.slice('/node_modules/'.length)));
    for (const dev of ['electron', 'tsx', 'esbuild', 'typescript', 'vite', 'vitest', 'react', '@playwright/test', 'electron-builder', 'tape']) expect(modules.has(dev)).toBe(false);
    // Every bare import of the main bundle is packed (or is Node's or Electron's own).
    // Comments dropped first: prose such as `from "…"` in a kept doc comment is not an import.
    const main = readFileSync(join(ROOT, pkg.main), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const imported = new Set([...main.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"'./][^"']*)["']/g)].map((m) => m[1]));
    const packageOf = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    const missing = [...imported].filter((spec) => !spec.startsWith('node:') && !builtinModules.includes(spec) && spec !== 'electron' && !modules.has(packageOf(spec)));
    expect(missing).toEqual([]);
    expect(imported.size).toBeGreaterThan(1);
  });

  test('npm run dist says in one line, and exits 1, when the Electron binary cannot be fetched', () => {
    const cache = join(dir, 'electron-cache');
    mkdirSync(cache, { recursive: true });
    // An unreachable mirror and an empty cache: the same failure as a box without internet.
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'dist.mjs'), '--linux'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache },
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run dist: cannot fetch the Electron \d+\.\d+\.\d+ binary for linux-x64 \(.+\); run it where/);
    expect(result.stdout).toBe('');
  });
});
