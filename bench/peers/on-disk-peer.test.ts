import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PEERS, type PeerName } from './index';
import { OnDiskPeer } from './on-disk-peer';

const root = mkdtempSync(join(tmpdir(), 'th-on-disk-peer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ON_DISK: readonly PeerName[] = ['thunderhead', 'lmdb', 'classic-level', 'better-sqlite3'];

describe('the on-disk peers share one handle, size and close (bench/peers/on-disk-peer.ts)', () => {
  it.each(ON_DISK)('%s: refuses before open, sizes its directory, closes twice, copies and removes stores', async (name) => {
    const factory = PEERS[name];
    expect(await factory.load()).toBe(true);
    const peer = factory.create();
    expect(peer).toBeInstanceOf(OnDiskPeer);
    await expect(peer.get(Buffer.from('k'))).rejects.toThrow(`${name}: not open`);

    const dir = join(root, name);
    await peer.open(dir, { create: true, workDir: join(root, `${name}-work`) });
    await peer.putDurable(Buffer.from('k'), Buffer.from('v'));
    expect(peer.fileSize()).toBeGreaterThan(0);
    await peer.close();
    await peer.close();
    await expect(peer.get(Buffer.from('k'))).rejects.toThrow(`${name}: not open`);

    const copy = join(root, `${name}-copy`);
    factory.copyStore(dir, copy);
    const reopened = factory.create();
    await reopened.open(copy, { create: false, workDir: join(root, `${name}-work`) });
    expect(Buffer.from((await reopened.get(Buffer.from('k')))!).toString()).toBe('v');
    await reopened.close();
    factory.removeStore(copy);
    factory.removeStore(dir);
  });
});
