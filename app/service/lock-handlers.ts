/**
 * Handlers of the methods in `app/contract/locks.ts` (issue 7): the inspector side of the lock
 * monitor. Each attachment is one socket to a monitored process (`app/monitor/client.ts`); it
 * runs as a job so that closing the service (which cancels every job) detaches it, and it ends
 * on its own with `lock.detached` when the process exits or the socket drops. The demo workload
 * is a child process on a temporary copy of the demo store, held by a job of the session that
 * started it, so it never outlives that session (tab, socket, window) nor writes the demo itself.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyView, LockEventBatch, LockSnapshotData, lockMethods } from '../contract';
import { discover } from '../monitor/advert';
import { connectMonitor, discoverMonitor, type MonitorClient } from '../monitor/client';
import type { WireBatch } from '../monitor/protocol';
import type { HandlersOf, ServiceContext } from './context';
import { ServiceError } from './errors';
import { fromHex, keyView } from './contract-data';
import { cliCommand } from '../cli/invocation';

/** How long `locks.startDemo` waits for the workload's advert. */
const DEMO_START_TIMEOUT_MS = 20_000;

interface Attachment {
  readonly id: string;
  readonly client: MonitorClient;
  /** Ends the attachment's job (and so the attachment). */
  end(reason: string): void;
}

/** Hex → KeyView, decoding each distinct key of one reply once. */
function keyMapper(): (hex: string) => KeyView {
  const seen = new Map<string, KeyView>();
  return (hex) => {
    let view = seen.get(hex);
    if (!view) seen.set(hex, (view = keyView(fromHex(hex))));
    return view;
  };
}

/** A snapshot with its keys decoded. */
export function snapshotView(s: LockSnapshotData<string>): LockSnapshotData {
  const k = keyMapper();
  return {
    ...s,
    groups: { ...s.groups, rows: s.groups.rows.map((g) => ({ ...g, from: k(g.from), to: g.to === null ? null : k(g.to) })) },
    timeline: s.timeline.map((w) => ({ ...w, from: k(w.from), to: w.to === null ? null : k(w.to) })),
    contention: s.contention.map((b) => ({ ...b, first: b.first === null ? null : k(b.first), last: b.last === null ? null : k(b.last) })),
  };
}

/** A batch with its keys decoded. */
export function batchView(b: WireBatch): LockEventBatch {
  const k = keyMapper();
  return { ...b, sample: b.sample.map((e) => ({ ...e, from: k(e.from), to: e.to === null ? null : k(e.to) })) };
}

/** The directory holding `bin/thunderhead.mjs`, searched upward from this file (bundlers move it). */
function findRepoRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'bin', 'thunderhead.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** A running contention demo: its workload child and the temporary copy it writes. */
interface Demo {
  readonly path: string;
  /** Stops the workload (SIGTERM lets it remove its advert) and resolves once its copy is gone. */
  stop(reason: string): Promise<void>;
}

/** The handlers, given the service's context. */
export function lockHandlers(context: ServiceContext): HandlersOf<keyof typeof lockMethods> {
  const attachments = new Map<string, Attachment>();
  /** Each session's demo (one at a time). */
  const demos = new Map<string, Demo>();
  let nextId = 0;

  // A store by its open id, or a file the host granted (the monitor advert sits beside it).
  const pathOf = (ref: { path: string } | { file: string } | { storeId: string }): string =>
    'storeId' in ref ? context.get(ref.storeId).path : context.files.resolve(ref, 'store');

  const attachment = (id: string): Attachment => {
    const a = attachments.get(id);
    if (!a) throw new ServiceError('NOT_FOUND', `no attachment ${id}: it was detached or its process exited; attach again`);
    return a;
  };

  return {
    'locks.discover': (ref) => discoverMonitor(pathOf(ref)),

    'locks.attach': async (ref) => {
      const path = pathOf(ref);
      const id = `a${++nextId}`;
      let client: MonitorClient | null = null;
      let ended = false;
      let endJob: (() => void) | null = null;
      const finish = (reason: string): void => {
        if (ended) return;
        ended = true;
        attachments.delete(id);
        client?.close();
        endJob?.();
        context.emit({ type: 'lock.detached', attachmentId: id, reason });
      };
      // Connecting is the liveness probe: a refused socket makes the advert stale.
      const found = await discover(path, async (advert) => {
        try {
          client = await connectMonitor(advert, {
            onBatch: (batch) => {
              if (!ended) context.emit({ type: 'lock.events', attachmentId: id, batch: batchView(batch) });
            },
            onClose: (reason) => finish(reason),
          });
          return null;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      });
      const connected = client as MonitorClient | null;
      if (found.status !== 'live' || connected === null) {
        connected?.close();
        throw new ServiceError('NOT_FOUND', found.status === 'absent'
          ? `no lock monitor is running for ${path}: start one with \`${cliCommand()} workload ${path}\``
          : `the lock monitor advertised for ${path} is stale: ${found.staleReason ?? 'it does not answer'}`);
      }
      try {
        await connected.subscribe();
      } catch (error) {
        connected.close();
        throw new ServiceError('NOT_FOUND', error instanceof Error ? error.message : String(error));
      }
      // The process may have exited between hello and subscribe: then there is nothing to attach.
      if (ended || connected.closed) throw new ServiceError('NOT_FOUND', `the lock monitor of ${path} went away while attaching`);
      attachments.set(id, { id, client: connected, end: (reason) => finish(reason) });
      // Held as a job: service close cancels every job, which detaches.
      void context.jobs.run('locks.attach', `lock-attachment:${id}`, (job) => new Promise<void>((done) => {
        endJob = done;
        job.signal.addEventListener('abort', () => finish('the inspector service closed'), { once: true });
        if (ended) done();
      })).catch(() => undefined);
      const { hello } = connected;
      return { attachmentId: id, path, pid: hello.pid, hostname: hello.hostname, startedAt: hello.startedAt, stats: hello.stats };
    },

    'locks.detach': ({ attachmentId }) => {
      const a = attachments.get(attachmentId);
      if (!a) return { detached: false };
      a.end('detached');
      return { detached: true };
    },

    'locks.snapshot': async ({ attachmentId, offset, limit, buckets }) => {
      const a = attachment(attachmentId);
      try {
        return snapshotView(await a.client.snapshot({ offset, limit, buckets }));
      } catch (error) {
        throw new ServiceError('NOT_FOUND', error instanceof Error ? error.message : String(error));
      }
    },

    'locks.startDemo': async ({ clients, seconds }) => {
      const demo = context.options.demoPath ?? null;
      if (demo === null) throw new ServiceError('UNSUPPORTED', 'this host has no demo store');
      if (!existsSync(demo)) throw new ServiceError('NOT_FOUND', `the demo store ${demo} does not exist: create it with \`${cliCommand()} demo ${demo}\``);
      if (!statSync(demo).isFile()) throw new ServiceError('INVALID_ARGUMENT', `${demo} is not a file, so not a Thunderhead store`);
      const root = findRepoRoot();
      if (root === null) throw new ServiceError('UNSUPPORTED', 'the thunderhead command is not available beside this build');
      const scope = context.scope();
      await demos.get(scope.id)?.stop('a new contention demo started');
      // The workload writes thousands of versions: never into the demo everyone browses, but a
      // copy in a private temporary folder (mkdtemp makes it 0700) removed when the demo ends.
      const dir = mkdtempSync(join(tmpdir(), 'thunderhead-demo-'));
      const path = join(dir, 'contention-demo.th');
      try {
        copyFileSync(demo, path);
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      const child = spawn(process.execPath, [
        join(root, 'bin', 'thunderhead.mjs'), 'workload', path,
        '--clients', String(clients), '--seconds', String(seconds), '--deadlocks', '--range-locks',
      ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      let exited: string | null = null;
      let endReason = 'the workload finished';
      const gone = new Promise<void>((done) => {
        child.once('exit', (code, signal) => {
          exited = signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
          done();
        });
        child.once('error', (error) => {
          exited = error.message;
          done();
        });
      });
      // When the workload ends (its time is up, Stop, the session or service closing): views of
      // the copy close, the copy goes, and the UI hears why.
      const ended = gone.then(() => {
        if (demos.get(scope.id)?.path === path) demos.delete(scope.id);
        for (const open of [...context.stores.values()]) if (open.path === path) context.closeStore(open, `the contention demo stopped (${endReason}); its temporary copy was removed`);
        rmSync(dir, { recursive: true, force: true });
        context.emit({ type: 'lock.demoEnded', path, reason: endReason });
      });
      const stop = async (reason: string): Promise<void> => {
        endReason = reason;
        if (exited === null) child.kill('SIGTERM');
        await ended;
      };
      demos.set(scope.id, { path, stop });
      // The child lives as a job of this session: the session ending (or the service closing) stops it.
      void context.jobs.run('locks.startDemo', `lock-demo:${scope.id}:${child.pid ?? 'x'}:${Date.now()}`, (job) => {
        job.signal.addEventListener('abort', () => void stop('its session ended'), { once: true });
        return ended;
      }).catch(() => undefined);
      const file = context.files.grant(path, 'store').file;
      const deadline = Date.now() + DEMO_START_TIMEOUT_MS;
      for (;;) {
        if (exited !== null) {
          await ended;
          const why = stderr.trim().split('\n').pop()?.replace(/^thunderhead: /, '') ?? '';
          throw new ServiceError(exited === 'exit code 1' ? 'INVALID_ARGUMENT' : 'INTERNAL', `the demo workload stopped (${exited})${why ? `: ${why}` : ''}`);
        }
        const found = await discoverMonitor(path);
        if (found.status === 'live' && found.pid !== undefined && found.pid === child.pid) return { path, file, pid: found.pid, discovery: found };
        if (Date.now() > deadline) {
          await stop('it did not start in time');
          throw new ServiceError('INTERNAL', `the demo workload did not start its monitor within ${DEMO_START_TIMEOUT_MS / 1000} s`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    'locks.stopDemo': async () => {
      const demo = demos.get(context.scope().id);
      if (!demo) return { stopped: false };
      await demo.stop('stopped');
      return { stopped: true };
    },
  };
}

