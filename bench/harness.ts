/**
 * Measurement primitives: wall time (process.hrtime.bigint), peak RSS (reset per run through
 * /proc/self/clear_refs, read from VmHWM), bytes the process wrote (/proc/self/io write_bytes), and
 * bytes and flushes that reached the device holding the bench directory (/proc/diskstats).
 * Linux gives all of these without privileges; elsewhere the counters read as null.
 */
import { readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';

/** One measured run. Byte counters are null where the OS does not expose them. */
export interface Sample {
  /** Wall time of the measured section, milliseconds. */
  readonly ms: number;
  /** Operations in the measured section (records, reads, commits, scans…). */
  readonly ops: number;
  /**
   * Bytes this process handed to write syscalls (/proc/self/io wchar): what the stores wrote,
   * before the kernel's page granularity. (write_bytes, the page-cache bytes dirtied, is kept as
   * `dirtiedBytes`: with large folios a 300-byte append into a 2 MiB folio counts 2 MiB there.)
   */
  readonly writeBytes: number | null;
  /** Page-cache bytes this process dirtied (/proc/self/io write_bytes). */
  readonly dirtiedBytes: number | null;
  /** Bytes written to the bench directory's device by everyone (/proc/diskstats): journal and metadata included. */
  readonly deviceBytes: number | null;
  /** Flush (cache-barrier) requests the device completed. */
  readonly deviceFlushes: number | null;
  /** Growth of the store's files over the section (logical bytes appended); null for in-memory peers. */
  readonly fileGrowth: number | null;
  /** Peak resident set size during the section, bytes (whole process, dataset included). */
  readonly peakRss: number;
  /** Workload-specific numbers (file sizes, open time, bytes read…). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Reads a whole /proc file, or undefined off Linux. */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** I/O counters of this process. */
export interface ProcessIo {
  /** Bytes read from storage (read_bytes). */
  readonly readBytes: number;
  /** Bytes passed to write syscalls (wchar). */
  readonly writeBytes: number;
  /** Page-cache bytes dirtied (write_bytes). */
  readonly dirtiedBytes: number;
}

/** This process's I/O counters from /proc/self/io (all threads, so lmdb's and LevelDB's too). */
export function processIo(): ProcessIo | null {
  const text = readProc('/proc/self/io');
  if (!text) return null;
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  const out = { readBytes: field('read_bytes'), writeBytes: field('wchar'), dirtiedBytes: field('write_bytes') };
  return Number.isFinite(out.writeBytes) ? out : null;
}

/** Cumulative counters of one block device. */
export interface DeviceCounters {
  readonly sectorsRead: number;
  readonly sectorsWritten: number;
  readonly flushes: number;
}

/** The block device that holds a directory, read from /proc/diskstats. */
export class DeviceProbe {
  private constructor(
    /** Kernel name, e.g. "vda" or "nvme0n1p2". */
    readonly name: string,
    readonly major: number,
    readonly minor: number,
  ) {}

  /**
   * Finds the device of `dir`: its st_dev major:minor if /proc/diskstats lists it, else the
   * source device of its mount in /proc/self/mountinfo (for filesystems whose st_dev is
   * anonymous, e.g. btrfs). Returns the reason when there is none (tmpfs, overlay, not Linux).
   */
  static forPath(dir: string): DeviceProbe | string {
    const stats = readProc('/proc/diskstats');
    if (!stats) return '/proc/diskstats is not readable';
    const dev = statSync(dir).dev;
    // Linux dev_t: major in bits 8..19 (and 32..), minor in bits 0..7 and 20..31.
    const candidates: [number, number][] = [[Math.floor(dev / 256) & 0xfff, (dev & 0xff) | ((Math.floor(dev / 0x100000) & 0xfff) << 8)]];
    const mount = mountOf(dir);
    if (mount) {
      candidates.push(mount.majorMinor);
      if (mount.source.startsWith('/dev/')) {
        try {
          const rdev = statSync(mount.source).rdev;
          candidates.push([Math.floor(rdev / 256) & 0xfff, (rdev & 0xff) | ((Math.floor(rdev / 0x100000) & 0xfff) << 8)]);
        } catch {
          // the source node may not exist inside a container; the other candidates remain
        }
      }
    }
    for (const [major, minor] of candidates) {
      const line = stats.split('\n').find((l) => {
        const f = l.trim().split(/\s+/);
        return Number(f[0]) === major && Number(f[1]) === minor;
      });
      if (line) return new DeviceProbe(line.trim().split(/\s+/)[2]!, major, minor);
    }
    return `no block device in /proc/diskstats for ${dir}${mount ? ` (${mount.fsType} from ${mount.source})` : ''}`;
  }

  /** Current counters. */
  read(): DeviceCounters {
    const text = readProc('/proc/diskstats') ?? '';
    for (const l of text.split('\n')) {
      const f = l.trim().split(/\s+/);
      if (Number(f[0]) === this.major && Number(f[1]) === this.minor) {
        return { sectorsRead: Number(f[5]), sectorsWritten: Number(f[9]), flushes: Number(f[18] ?? 0) };
      }
    }
    return { sectorsRead: 0, sectorsWritten: 0, flushes: 0 };
  }
}

/** The mount holding `dir` (longest matching mount point in /proc/self/mountinfo). */
export function mountOf(dir: string): { mountPoint: string; majorMinor: [number, number]; fsType: string; source: string } | undefined {
  const text = readProc('/proc/self/mountinfo');
  if (!text) return undefined;
  const real = realpathSync(dir);
  let best: { mountPoint: string; majorMinor: [number, number]; fsType: string; source: string } | undefined;
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const f = left.split(' ');
    const mountPoint = (f[4] ?? '').replace(/\\040/g, ' ');
    const inside = real === mountPoint || real.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
    if (!inside || (best && best.mountPoint.length > mountPoint.length)) continue;
    const [maj, min] = (f[2] ?? '0:0').split(':').map(Number) as [number, number];
    const [fsType = '', source = ''] = right.split(' ');
    best = { mountPoint, majorMinor: [maj, min], fsType, source };
  }
  return best;
}

/**
 * Peak RSS of one section. On Linux, writing "5" to /proc/self/clear_refs resets VmHWM, so each run
 * gets its own peak; elsewhere it falls back to process.resourceUsage().maxRSS (lifetime peak).
 */
export class PeakRss {
  private readonly resettable: boolean;

  constructor() {
    this.resettable = PeakRss.tryReset();
  }

  private static tryReset(): boolean {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      return readProc('/proc/self/status')?.includes('VmHWM') ?? false;
    } catch {
      return false;
    }
  }

  /** Starts a new section. */
  reset(): void {
    if (this.resettable) PeakRss.tryReset();
  }

  /** Peak RSS in bytes since the last reset (or since start of the process). */
  peak(): number {
    if (this.resettable) {
      const kb = /VmHWM:\s+(\d+)/.exec(readProc('/proc/self/status') ?? '')?.[1];
      if (kb) return Number(kb) * 1024;
    }
    return process.resourceUsage().maxRSS * 1024;
  }

  /** Whether peaks are per section (true) or lifetime (false). */
  get perSection(): boolean {
    return this.resettable;
  }
}

/** Runs the garbage collector if node was started with --expose-gc (npm run bench does). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Measures one section; `ops` and `fileSize` describe it. */
export interface MeasureOptions {
  readonly ops: number;
  /** Current size of the store's files (NaN for in-memory peers); read before and after. */
  readonly fileSize?: () => number;
}

/** Process-wide measuring state: one device probe and one peak-RSS tracker. */
export class Meter {
  readonly rss = new PeakRss();

  constructor(readonly device: DeviceProbe | null) {}

  /** Times `fn` and collects every counter around it; `metrics` returned by `fn` are kept. */
  async measure(options: MeasureOptions, fn: () => Promise<Record<string, number> | void>): Promise<Sample> {
    collectGarbage();
    const sizeBefore = options.fileSize?.() ?? Number.NaN;
    this.rss.reset();
    const io0 = processIo();
    const dev0 = this.device?.read();
    const t0 = process.hrtime.bigint();
    const metrics = (await fn()) ?? {};
    const t1 = process.hrtime.bigint();
    const dev1 = this.device?.read();
    const io1 = processIo();
    const peakRss = this.rss.peak();
    const sizeAfter = options.fileSize?.() ?? Number.NaN;
    return {
      ms: Number(t1 - t0) / 1e6,
      ops: options.ops,
      writeBytes: io0 && io1 ? io1.writeBytes - io0.writeBytes : null,
      dirtiedBytes: io0 && io1 ? io1.dirtiedBytes - io0.dirtiedBytes : null,
      deviceBytes: dev0 && dev1 ? (dev1.sectorsWritten - dev0.sectorsWritten) * 512 : null,
      deviceFlushes: dev0 && dev1 ? dev1.flushes - dev0.flushes : null,
      fileGrowth: Number.isFinite(sizeBefore) && Number.isFinite(sizeAfter) ? sizeAfter - sizeBefore : null,
      peakRss,
      metrics,
    };
  }
}

/** Median (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median, min and max of a series. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Spread of the finite values of a series (NaN spread when none are finite). */
export function spread(values: readonly (number | null)[]): Spread {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(v), min: Math.min(...v), max: Math.max(...v) };
}
