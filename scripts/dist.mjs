// `npm run dist [-- --linux] [--mac] [--win]`: the desktop app with electron-builder, from
// electron-builder.yml. Without a platform flag it builds for this host (Linux: AppImage and
// deb; macOS: dmg; Windows: nsis); a dmg can only be made on macOS.
// electron-builder packs the Electron release zip of each target platform, which it downloads;
// this script fetches those first (the same cache and mirrors, ELECTRON_MIRROR included), and
// where that fails it says so in one line and exits 1 before building anything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildIfStale, ensureDemo, run } from './lib.mjs';

const PLATFORM_FLAGS = { '--linux': 'linux', '--mac': 'darwin', '--win': 'win32' };
const HOST_FLAG = { linux: '--linux', darwin: '--mac', win32: '--win' };

/** The platforms asked for on the command line, or this host's. */
export function targetPlatforms(argv, host = process.platform) {
  const asked = argv.filter((arg) => arg in PLATFORM_FLAGS).map((arg) => PLATFORM_FLAGS[arg]);
  if (asked.length > 0) return [...new Set(asked)];
  if (!(host in HOST_FLAG)) throw new Error(`no desktop target for this host (${host}): pass --linux, --mac or --win`);
  return [host];
}

/** The Electron version the app is built with: the installed electron package's. */
function electronVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Why an error happened, in one line: the innermost cause's code or message. */
function reasonOf(error) {
  let e = error;
  while (e && typeof e === 'object' && 'cause' in e && e.cause) e = e.cause;
  const text = e instanceof Error ? (('code' in e && e.code) || e.message) : String(e);
  const outer = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return text && !outer.includes(String(text)) ? `${outer}: ${text}` : outer;
}

/** Downloads (or finds in the cache) the Electron zip of each platform; throws one line when one cannot be had. */
async function fetchElectron(platforms) {
  const { downloadArtifact } = await import('@electron/get');
  const version = electronVersion();
  for (const platform of platforms) {
    const arch = platform === process.platform ? process.arch : 'x64';
    try {
      await downloadArtifact({ version, artifactName: 'electron', platform, arch });
    } catch (error) {
      throw new Error(`cannot fetch the Electron ${version} binary for ${platform}-${arch} (${reasonOf(error)}); run it where the Electron releases can be downloaded, or set ELECTRON_MIRROR`, { cause: error });
    }
  }
}

async function main(argv) {
  const platforms = targetPlatforms(argv);
  await fetchElectron(platforms);
  buildIfStale();
  ensureDemo(join(ROOT, 'resources', 'demo.th'));
  const flags = argv.some((arg) => arg in PLATFORM_FLAGS) ? argv : [...argv, HOST_FLAG[process.platform]];
  run('electron-builder', process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', '--publish', 'never', ...flags]);
}

if (process.argv[1] && process.argv[1].endsWith('dist.mjs')) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    console.error(`npm run dist: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
