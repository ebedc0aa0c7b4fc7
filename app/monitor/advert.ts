/**
 * The advert file beside a store (`<file>.monitor.json`): written atomically when a monitor
 * starts, removed when it stops or its process exits. After a SIGKILL it stays behind, so
 * readers check it before trusting it: the pid must be alive and the endpoint must answer.
 *
 * Anyone who can write the store's directory can plant a file at that name, so an advert is
 * believed only when it could have come from a monitor of this user: a regular file (opened
 * with O_NOFOLLOW | O_NONBLOCK, so a symlink is refused and a FIFO cannot block the event
 * loop), owned by the current user, with no permission bits for group or others (monitors
 * write 0600), at most {@link MAX_ADVERT_BYTES}, naming a loopback address or a socket path.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { MonitorDiscovery } from '../contract/locks';
import { MONITOR_FORMAT, type MonitorAdvert } from './protocol';
import { processAlive } from '../../engine/store/writer-lock';

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
  // 'wx': never write through a file (or symlink) planted at the temporary name.
  writeFileSync(temp, `${JSON.stringify(advert, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
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
  const read = readAdvertFile(path);
  if (read === null || 'problem' in read) return;
  let current: { pid?: unknown };
  try {
    current = JSON.parse(read.text) as { pid?: unknown };
  } catch {
    return;
  }
  if (current?.pid !== pid) return;
  rmSync(path, { force: true });
}

/** Largest advert read (a real one is a few hundred bytes). */
export const MAX_ADVERT_BYTES = 64 * 1024;

/**
 * Reads an advert file safely: its text, `null` when there is none, or why it is not believed.
 * Never blocks (O_NONBLOCK: a FIFO is refused by fstat, not waited on) and never follows a
 * symlink (O_NOFOLLOW). O(size), at most {@link MAX_ADVERT_BYTES}.
 */
export function readAdvertFile(path: string): { text: string } | { problem: string } | null {
  let fd: number;
  try {
    // O_NOFOLLOW and O_NONBLOCK are 0 where the platform lacks them (Windows).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'ELOOP') return { problem: `the advert ${path} is a symbolic link; monitors write a regular file, so it is ignored` };
    return { problem: `the advert ${path} cannot be read (${code ?? 'error'})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `the advert ${path} is not a regular file; it is ignored` };
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      return { problem: `the advert ${path} belongs to user ${stat.uid}, not to you (${uid}); another user may have planted it, so it is ignored` };
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      return { problem: `the advert ${path} is open to other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); monitors write it 0600, so it is ignored` };
    }
    if (stat.size > MAX_ADVERT_BYTES) return { problem: `the advert ${path} is ${stat.size} bytes, more than an advert can be; it is ignored` };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { text: buffer.subarray(0, read).toString('utf8') };
  } catch (error) {
    return { problem: `the advert ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}

/** True for a literal loopback address (127.0.0.0/8 or ::1); names such as `localhost` are not trusted. O(1). */
export function isLoopbackAddress(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** The advert beside a store: the parsed advert, `null` when there is none, or why it cannot be used. O(advert size). */
export function readAdvert(storePath: string): { advert: MonitorAdvert } | { problem: string } | null {
  const path = advertPath(storePath);
  const file = readAdvertFile(path);
  if (file === null || 'problem' in file) return file;
  let raw: unknown;
  try {
    raw = JSON.parse(file.text);
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
  if (a.transport === 'tcp' && (!isLoopbackAddress(a.host!) || a.port! < 1 || a.port! > 65535)) {
    return { problem: `the advert ${path} names ${JSON.stringify(a.host)} port ${a.port}, not a loopback address; monitors listen on 127.0.0.1 only, so it is ignored` };
  }
  if (a.transport === 'unix' && !isAbsolute(a.socket!)) return { problem: `the advert ${path} names a socket by a relative path; it is ignored` };
  return { advert: a as MonitorAdvert };
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
  if (advert.hostname === hostname() && !processAlive(advert.pid)) {
    return { ...facts, status: 'stale', staleReason: `process ${advert.pid} is not running (it exited without removing its advert)` };
  }
  const refused = await probe(advert);
  if (refused !== null) return { ...facts, status: 'stale', staleReason: refused };
  return { ...facts, status: 'live' };
}
