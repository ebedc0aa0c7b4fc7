/**
 * What a workload gets from the runner: the configuration, the data, a meter, scratch directories
 * and loaded fixture stores. A fixture is built once per (peer, size) by one bulk insert, closed,
 * and then opened in place by read-only workloads or copied for mutating ones, so the 1M load is
 * not repeated for every workload.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from './data';
import { removePath } from './fsutil';
import type { Meter } from './harness';
import type { PeerFactory } from './peers/types';

/** Run parameters after the CLI defaults are applied. */
export interface BenchConfig {
  /** Records in the main dataset (1M full, 100k quick). */
  readonly records: number;
  /** Records in the small dataset (records / 100): the O(1) / O(changes) checks. */
  readonly small: number;
  /** Measured runs per peer and case. */
  readonly runs: number;
  /** records / 1M: scales commit and scan counts with --quick and --records. */
  readonly scale: number;
  /** Hash every byte of every returned record (slow; tests). */
  readonly strict: boolean;
  /** Directory holding every store of this run (removed afterwards). */
  readonly root: string;
}

/** A store directory and a side directory for its snapshot copies. */
export interface Slot {
  readonly dir: string;
  readonly workDir: string;
}

/** Runner state shared by the workloads. */
export class BenchContext {
  private next = 0;
  private readonly fixtureDirs = new Map<string, { factory: PeerFactory; dir: string }>();

  constructor(
    readonly config: BenchConfig,
    /** The main dataset. */
    readonly data: Dataset,
    /** The small dataset (a prefix of `data`). */
    readonly small: Dataset,
    readonly meter: Meter,
    /** Progress lines (stderr in the CLI, silent in tests). */
    readonly log: (line: string) => void,
  ) {}

  /** A fresh store directory (not created) and an existing, empty side directory. */
  scratch(label: string): Slot {
    const base = join(this.config.root, `${String(this.next++).padStart(3, '0')}-${label}`);
    const workDir = join(base, 'work');
    mkdirSync(workDir, { recursive: true });
    return { dir: join(base, 'store'), workDir };
  }

  /** Removes a slot made by `scratch` or `copyOf`. */
  release(factory: PeerFactory, slot: Slot): void {
    factory.removeStore(slot.dir);
    removePath(join(slot.dir, '..'));
  }

  /** The closed fixture store of `data` for this peer, loading it on first use. */
  async fixture(factory: PeerFactory, data: Dataset): Promise<string> {
    const key = `${factory.name}:${data.size}`;
    const known = this.fixtureDirs.get(key);
    if (known) return known.dir;
    this.log(`  loading ${data.size} records into ${factory.name} (fixture)`);
    const slot = this.scratch(`fixture-${factory.name}-${data.size}`);
    const peer = factory.create();
    await peer.open(slot.dir, { create: true, workDir: slot.workDir });
    try {
      await peer.bulkInsert(data.keys, data.values);
    } finally {
      await peer.close();
    }
    this.fixtureDirs.set(key, { factory, dir: slot.dir });
    return slot.dir;
  }

  /** Whether a fixture for (peer, size) exists already. */
  hasFixture(factory: PeerFactory, data: Dataset): boolean {
    return this.fixtureDirs.has(`${factory.name}:${data.size}`);
  }

  /** Makes a closed store (a bulk-insert result) the fixture of (peer, size). */
  adopt(factory: PeerFactory, data: Dataset, dir: string): void {
    this.fixtureDirs.set(`${factory.name}:${data.size}`, { factory, dir });
  }

  /** A private copy of the fixture, for a workload that changes the store. */
  async copyOf(factory: PeerFactory, data: Dataset): Promise<Slot> {
    const source = await this.fixture(factory, data);
    const slot = this.scratch(`copy-${factory.name}-${data.size}`);
    factory.copyStore(source, slot.dir);
    return slot;
  }

  /** Drops every fixture (in-memory peers keep theirs in a map). */
  dispose(): void {
    for (const { factory, dir } of this.fixtureDirs.values()) factory.removeStore(dir);
    this.fixtureDirs.clear();
  }
}
