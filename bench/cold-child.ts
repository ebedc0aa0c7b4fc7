/**
 * Child process of the cold-reads workload: opens a closed store in a fresh process (no warm
 * caches in the store or in V8) and reads the keys listed in a file. Prints one line,
 * `@@cold {json}`, with the open and read times measured here, so process start-up is excluded.
 */
import { readFileSync } from 'node:fs';
import { KEY_BYTES } from './data';
import { processIo, PeakRss } from './harness';
import { PEERS, type PeerName } from './peers';
import { Tally } from './tally';

/** What the parent passes in argv[2]. */
export interface ColdRequest {
  readonly peer: PeerName;
  readonly dir: string;
  readonly workDir: string;
  readonly keysFile: string;
  readonly strict: boolean;
}

/** What the child prints after `@@cold `. */
export interface ColdResult {
  readonly openMs: number;
  readonly readMs: number;
  readonly answer: string;
  readonly peakRss: number;
  readonly readBytes: number | null;
  readonly writeBytes: number | null;
  readonly dirtiedBytes: number | null;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as ColdRequest;
  const factory = PEERS[request.peer];
  const loaded = await factory.load();
  if (loaded !== true) throw new Error(`${request.peer}: ${loaded}`);
  const bytes = readFileSync(request.keysFile);
  const keys: Buffer[] = [];
  for (let i = 0; i + KEY_BYTES <= bytes.length; i += KEY_BYTES) keys.push(bytes.subarray(i, i + KEY_BYTES));
  const tally = new Tally(request.strict);
  const rss = new PeakRss();
  const io0 = processIo();
  const t0 = process.hrtime.bigint();
  const peer = factory.create();
  await peer.open(request.dir, { create: false, workDir: request.workDir });
  const t1 = process.hrtime.bigint();
  // One call per key, as the warm per-key row: a cold point read, not a sorted batch.
  await peer.getEach(keys, tally);
  const t2 = process.hrtime.bigint();
  const io1 = processIo();
  await peer.close();
  const result: ColdResult = {
    openMs: Number(t1 - t0) / 1e6,
    readMs: Number(t2 - t1) / 1e6,
    answer: tally.digest(),
    peakRss: rss.peak(),
    readBytes: io0 && io1 ? io1.readBytes - io0.readBytes : null,
    writeBytes: io0 && io1 ? io1.writeBytes - io0.writeBytes : null,
    dirtiedBytes: io0 && io1 ? io1.dirtiedBytes - io0.dirtiedBytes : null,
  };
  process.stdout.write(`@@cold ${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`cold-child: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
