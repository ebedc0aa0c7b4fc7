/**
 * Planted and hostile monitors: adverts another user (or a careless umask) could have written,
 * adverts naming other hosts, a FIFO or a symlink at the advert's name, a monitor that sends an
 * endless line or goes silent, and clients of a real monitor that never authenticate.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, symlinkSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockManager } from '../../engine/index';
import { tempDir } from '../cli/testing';
import { advertPath, readAdvert, writeAdvert } from './advert';
import { MAX_REPLY_LINE, connectMonitor, discoverMonitor } from './client';
import { MONITOR_FORMAT, type MonitorAdvert } from './protocol';
import { startMonitor } from './server';
import { waitFor } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

const isRoot = process.getuid?.() === 0;

/** A fake monitor on loopback TCP that runs `behave` for each connection; its advert is well-formed. */
async function fakeMonitor(file: string, behave: (socket: Socket) => void): Promise<{ server: Server; advert: MonitorAdvert }> {
  const server = createServer(behave);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const advert: MonitorAdvert = { format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store: file, startedAt: 1, transport: 'tcp', host: '127.0.0.1', port, token: 't' };
  writeAdvert(advert);
  return { server, advert };
}

/** Answers hello (and subscribe) like a monitor, then `after` on subscribe. */
function helloThen(after: (socket: Socket) => void): (socket: Socket) => void {
  return (socket) => {
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const request = JSON.parse(buffered.slice(0, newline)) as { id: number; cmd: string };
        buffered = buffered.slice(newline + 1);
        if (request.cmd === 'hello') {
          socket.write(`${JSON.stringify({ id: request.id, result: { format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store: '', startedAt: 1, stats: {} } })}\n`);
        } else if (request.cmd === 'subscribe') {
          socket.write(`${JSON.stringify({ id: request.id, result: { subscribed: true } })}\n`);
          after(socket);
        }
      }
    });
  };
}

describe('monitor adverts are believed only when this user could have written them', () => {
  it('ignores a live monitor\'s advert once it is open to other users, owned by someone else, or a symlink', async () => {
    const file = tmp.path('mode.th');
    const locks = new LockManager();
    const server = await startMonitor({ path: file, locks, transport: 'tcp' });
    try {
      expect(await discoverMonitor(file)).toMatchObject({ status: 'live' });
      chmodSync(advertPath(file), 0o644);
      const open = await discoverMonitor(file);
      expect(open).toMatchObject({ status: 'stale' });
      expect(open.staleReason).toMatch(/open to other users \(mode 0644\)/);
      chmodSync(advertPath(file), 0o600);
      expect(await discoverMonitor(file)).toMatchObject({ status: 'live' });
      if (isRoot) {
        // As root the test can make the file another user's, as a planted advert would be.
        chownSync(advertPath(file), 65534, 65534);
        const foreign = await discoverMonitor(file);
        expect(foreign).toMatchObject({ status: 'stale' });
        expect(foreign.staleReason).toMatch(/belongs to user 65534, not to you/);
        chownSync(advertPath(file), 0, 0);
      }
    } finally {
      await server.close();
    }
    // A symlink at the advert's name (to a perfectly good advert) is not followed.
    const real = tmp.path('real.th');
    writeAdvert({ format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store: real, startedAt: 1, transport: 'tcp', host: '127.0.0.1', port: 9, token: 't' });
    const linked = tmp.path('linked.th');
    symlinkSync(advertPath(real), advertPath(linked));
    expect(readAdvert(linked)).toEqual({ problem: expect.stringMatching(/symbolic link/) });
  });

  it('never contacts a non-loopback address an advert names', async () => {
    const file = tmp.path('remote.th');
    for (const host of ['192.0.2.10', '0.0.0.0', 'localhost', 'example.com', '::ffff:10.0.0.1']) {
      writeAdvert({ format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store: file, startedAt: 1, transport: 'tcp', host, port: 4000, token: 't' });
      const found = await discoverMonitor(file);
      expect(found, host).toMatchObject({ status: 'stale' });
      expect(found.staleReason, host).toMatch(/not a loopback address/);
      await expect(connectMonitor({ format: MONITOR_FORMAT, pid: 1, hostname: 'h', store: file, startedAt: 1, transport: 'tcp', host, port: 4000, token: 't' })).rejects.toThrow(/not a loopback address/);
    }
  });

  it('refuses a FIFO at the advert\'s name at once instead of blocking on it', async () => {
    const file = tmp.path('fifo.th');
    const fifo = advertPath(file);
    expect(spawnSync('mkfifo', ['-m', '600', fifo]).status).toBe(0);
    // A writer that fills the FIFO if someone opens it for reading: code that blocks on the open
    // would read its text (and call it "not JSON") instead of hanging forever.
    const writer = spawn('sh', ['-c', `printf 'not an advert' > '${fifo}'`], { stdio: 'ignore' });
    try {
      const found = await discoverMonitor(file);
      expect(found).toMatchObject({ status: 'stale' });
      expect(found.staleReason).toMatch(/not a regular file/);
    } finally {
      writer.kill('SIGKILL');
    }
  });
});

describe('hostile monitor endpoints', () => {
  it('drops a monitor that sends a line longer than any reply can be, without waiting for the rest', async () => {
    const file = tmp.path('endless.th');
    const { server, advert } = await fakeMonitor(file, (socket) => {
      socket.on('error', () => undefined);
      // No newline, ever: only the cap ends this.
      const chunk = 'x'.repeat(1 << 20);
      let sent = 0;
      const pump = (): void => {
        while (sent <= MAX_REPLY_LINE + (4 << 20) && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    try {
      await expect(connectMonitor(advert, { timeoutMs: 60_000 })).rejects.toThrow(/line longer than \d+ bytes/);
    } finally {
      server.close();
    }
  }, 60_000);

  it('ends an attachment whose monitor stops sending heartbeats', async () => {
    const file = tmp.path('silent.th');
    const { server, advert } = await fakeMonitor(file, helloThen(() => undefined));
    let reason: string | null = null;
    try {
      const client = await connectMonitor(advert, { heartbeatTimeoutMs: 200, onClose: (r) => (reason = r) });
      await client.subscribe();
      await waitFor(() => reason !== null, 20_000, 'onClose');
      expect(reason).toMatch(/heartbeat stopped/);
      expect(client.closed).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('monitor server and unauthenticated clients', () => {
  it('records no events until a client presents the token, drops clients that never do, and idle ones', async () => {
    const file = tmp.path('auth.th');
    const locks = new LockManager();
    let listening = 0;
    const watched = {
      snapshot: () => locks.snapshot(),
      stats: () => locks.stats(),
      on: (listener: Parameters<LockManager['on']>[0]) => {
        listening++;
        const off = locks.on(listener);
        return () => {
          listening--;
          off();
        };
      },
    };
    const server = await startMonitor({ path: file, locks: watched, transport: 'tcp', authTimeoutMs: 1000, idleTimeoutMs: 1000 });
    const port = server.advert.port as number;
    const closedSocket = (socket: Socket): Promise<void> => new Promise((resolve) => {
      // Read (and drop) what comes, so the server's FIN is seen.
      socket.resume();
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    try {
      // Connected, never authenticated: once the server has answered its garbage (so it surely
      // holds the connection), nothing is recorded; then it is dropped.
      const stranger = netConnect({ host: '127.0.0.1', port });
      const answered = new Promise<void>((resolve) => stranger.once('data', () => resolve()));
      stranger.write('garbage\n');
      await answered;
      expect(listening).toBe(0);
      await closedSocket(stranger);
      expect(listening).toBe(0);
      // A wrong token changes nothing either.
      const liar = netConnect({ host: '127.0.0.1', port });
      const liarGone = closedSocket(liar);
      liar.write(`${JSON.stringify({ id: 1, token: 'wrong', cmd: 'subscribe' })}\n`);
      await liarGone;
      expect(listening).toBe(0);
      // With the token: recorded while it is there; dropped after idling unsubscribed; then no longer recorded.
      const friend = netConnect({ host: '127.0.0.1', port });
      const welcomed = new Promise<void>((resolve) => friend.once('data', () => resolve()));
      friend.write(`${JSON.stringify({ id: 1, token: server.advert.token, cmd: 'hello' })}\n`);
      // The hello reply is sent after the token was accepted: recording has begun by then.
      await welcomed;
      expect(listening).toBe(1);
      await closedSocket(friend);
      await waitFor(() => listening === 0, 10_000, 'recording to stop');
      expect(existsSync(advertPath(file))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('the advert a monitor writes passes every check (mode 0600, owner, loopback)', async () => {
    const file = tmp.path('own.th');
    const server = await startMonitor({ path: file, locks: new LockManager(), transport: 'tcp' });
    try {
      const read = readAdvert(file);
      expect(read).toMatchObject({ advert: { transport: 'tcp', host: '127.0.0.1' } });
      expect(await discoverMonitor(file)).toMatchObject({ status: 'live' });
    } finally {
      await server.close();
    }
  });
});
