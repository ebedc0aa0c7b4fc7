/**
 * The advert file beside a store (`<file>.monitor.json`): written atomically when a monitor
 * starts, removed when it stops or its process exits. After a SIGKILL it stays behind, so
 * readers check it before trusting it: the pid must be alive and the endpoint must answer.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { MonitorDiscovery } from '../contracts/locks';
import { MONITOR_FORMAT, type MonitorAdvert } from './protocol';

/** The advert's path for a store file. */
export function advertPath(storePath: string): string {
  return `${resolve(storePath)}.monitor.json`;
}

/** The Unix socket's path for a store file. */
export function socketPath(storePath: string): string {
  return `${resolve(storePath)}.monitor.sock`;
}

/**
 * Writes the advert atomically (a temporary file renamed over it), readable by its owner only:
 * it carries the token, and a reader must never see half of it.
 */
export function writeAdvert(advert: MonitorAdvert): string {
  const target = advertPath(advert.store);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(advert, null, 2)}\n`, { mode: 0o600 });
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return target;
}

/** Removes the advert if it is still ours (another process may have replaced it meanwhile). */
export function removeAdvert(storePath: string, pid: number = process.pid): void {
  const path = advertPath(storePath);
  try {
    const current = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    if (current.pid !== pid) return;
  } catch {
    return;
  }
  rmSync(path, { force: true });
}

/** The advert beside a store: the parsed advert, `null` when there is none, or why it cannot be read. */
export function readAdvert(storePath: string): { advert: MonitorAdvert } | { problem: string } | null {
  const path = advertPath(storePath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    return { problem: `the advert ${path} cannot be read (${code ?? 'error'})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: `the advert ${path} is not JSON` };
  }
  const a = raw as Partial<MonitorAdvert> | null;
  if (a === null || typeof a !== 'object') return { problem: `the advert ${path} is not an object` };
  if (a.format !== MONITOR_FORMAT) return { problem: `the advert ${path} has format ${JSON.stringify(a.format)}, expected ${MONITOR_FORMAT}` };
  const okTransport = (a.transport === 'unix' && typeof a.socket === 'string')
    || (a.transport === 'tcp' && typeof a.host === 'string' && Number.isInteger(a.port));
  if (!Number.isInteger(a.pid) || typeof a.hostname !== 'string' || typeof a.token !== 'string'
    || typeof a.startedAt !== 'number' || typeof a.store !== 'string' || !okTransport) {
    return { problem: `the advert ${path} is missing fields` };
  }
  return { advert: a as MonitorAdvert };
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Looks at the advert beside `storePath` and decides live, stale or absent. `probe` checks that
 * the endpoint answers (the client's `hello`); it is skipped when the pid is already known dead.
 */
export async function discover(storePath: string, probe: (advert: MonitorAdvert) => Promise<string | null>): Promise<MonitorDiscovery> {
  const path = resolve(storePath);
  const base = { path, advertPath: advertPath(path) };
  const read = readAdvert(path);
  if (read === null) return { ...base, status: 'absent' };
  if ('problem' in read) return { ...base, status: 'stale', staleReason: read.problem };
  const { advert } = read;
  const facts = { ...base, pid: advert.pid, hostname: advert.hostname, startedAt: advert.startedAt, transport: advert.transport };
  // A pid only means something on the host that wrote it; elsewhere the socket decides alone.
  if (advert.hostname === hostname() && !pidAlive(advert.pid)) {
    return { ...facts, status: 'stale', staleReason: `process ${advert.pid} is not running (it exited without removing its advert)` };
  }
  const refused = await probe(advert);
  if (refused !== null) return { ...facts, status: 'stale', staleReason: refused };
  return { ...facts, status: 'live' };
}
