/**
 * Filtered-scan workload (issue 18): a query on a value field over every record.
 *
 * One dataset of order documents (key `["orders", i]`, a MessagePack map of ~150 bytes with a
 * `status` that is "pending" for one record in five), loaded into Thunderhead and into
 * better-sqlite3 (the same keys as BLOBs, the same documents as JSON text). Timed, alternating
 * the order of the runs (ABBA) so drift in the machine's speed hits all of them alike:
 *
 * - Thunderhead unfiltered: every record in key order, each value decoded (`decodeValue`);
 * - Thunderhead filtered: `findRecords(store, parseQuery('status = "pending"'), { limit: 1000, after })`
 *   page after page with the cursor until it is null (the inspector's shape; no page is kept, as
 *   SQLite's rows are not);
 * - SQLite filtered: `SELECT k, v FROM kv WHERE json_extract(v, '$.status') = ?` (prepared,
 *   `.raw()`, every row iterated), the call shape of bench/peers/better-sqlite3.ts;
 * - SQLite unfiltered: `SELECT k, v FROM kv ORDER BY k` with `JSON.parse(v)` per row.
 *
 * The goal is filtered / unfiltered ≤ 1.5 for Thunderhead. Outside the peer harness (no other
 * peer has a query language): `npm run bench -- --only filtered-scan`, or
 * `node --expose-gc --import tsx bench/filtered-scan.ts [--records N]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { decodeValue, encodeKey, encodeValue, findRecords, parseQuery, Store } from '../engine/index';
import { Prng } from './data';
import { collectGarbage, median } from './harness';

/** Options of {@link filteredScanBench}. */
export interface FilteredScanOptions {
  /** Records in the store. Default 1,000,000. */
  readonly records?: number;
  /** Measured runs of each kind (median reported). Default 3. */
  readonly runs?: number;
  /** Also run SQLite (default true). */
  readonly sqlite?: boolean;
  /** Where the stores go (a temporary directory inside it, removed afterwards). */
  readonly dir?: string;
}

/** Median milliseconds of each kind of run, and what each returned. */
export interface FilteredScanResult {
  readonly records: number;
  readonly matches: number;
  readonly unfilteredMs: number;
  readonly filteredMs: number;
  /** filteredMs / unfilteredMs (goal ≤ 1.5). */
  readonly ratio: number;
  /** SQLite's medians, or why it did not run. */
  readonly sqlite: { readonly filteredMs: number; readonly unfilteredMs: number; readonly matches: number } | string;
  readonly runs: number;
}

/** Matches per findRecords page. */
const PAGE = 1000;
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];
const CITIES = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Accra', 'Quito'];
const SKUS = ['SKU-1001', 'SKU-1002', 'SKU-1003', 'SKU-1004', 'SKU-1005'];

/** The i-th order document (deterministic). */
function orderDoc(i: number, rng: Prng): Record<string, unknown> {
  const items = 1 + (rng.u32() % 2);
  return {
    status: STATUSES[rng.u32() % STATUSES.length],
    total: (rng.u32() % 100_000) / 100,
    customer: { id: rng.u32() % 50_000, city: CITIES[rng.u32() % CITIES.length] },
    items: Array.from({ length: items }, () => ({ sku: SKUS[rng.u32() % SKUS.length], qty: 1 + (rng.u32() % 4) })),
    placedAt: 1_700_000_000_000 + i * 1000,
  };
}

/** Runs the workload. O(records × runs). */
export async function filteredScanBench(opts: FilteredScanOptions = {}): Promise<FilteredScanResult> {
  const records = opts.records ?? 1_000_000;
  const runs = opts.runs ?? 3;
  const root = mkdtempSync(join(opts.dir ?? tmpdir(), 'th-bench-filtered-'));
  try {
    const rng = new Prng(0x18_0018);
    const keys: Buffer[] = new Array(records);
    const docs: Record<string, unknown>[] = new Array(records);
    for (let i = 0; i < records; i++) {
      keys[i] = encodeKey(['orders', i]);
      docs[i] = orderDoc(i, rng);
    }
    const store = Store.create(join(root, 'store.th'));
    let th: { unfilteredMs: number; filteredMs: number; matches: number };
    try {
      // Loaded in batches of 100k: one transaction per batch keeps the spill small.
      for (let start = 0; start < records; start += 100_000) {
        store.write((tx) => {
          for (let i = start; i < Math.min(records, start + 100_000); i++) tx.put(keys[i]!, encodeValue(docs[i]));
        });
      }
      const q = parseQuery('status = "pending"');
      const unfiltered = (): number => {
        let n = 0;
        for (const e of store.scan()) if (decodeValue(e.value) !== undefined) n++;
        if (n !== records) throw new Error(`unfiltered scan saw ${n} records, expected ${records}`);
        return n;
      };
      const filtered = (): number => {
        let n = 0;
        let after: Buffer | null = null;
        do {
          const page = findRecords(store, q, { limit: PAGE, ...(after ? { after } : {}) });
          n += page.entries.length;
          after = page.cursor;
        } while (after !== null);
        return n;
      };
      th = timeAlternating(runs, unfiltered, filtered);
    } finally {
      store.close();
    }
    let sqlite: FilteredScanResult['sqlite'] = 'not run';
    if (opts.sqlite !== false) sqlite = await sqliteRuns(root, keys, docs, runs);
    if (typeof sqlite !== 'string' && sqlite.matches !== th.matches) throw new Error(`SQLite found ${sqlite.matches} matches, Thunderhead ${th.matches}`);
    return { records, matches: th.matches, unfilteredMs: th.unfilteredMs, filteredMs: th.filteredMs, ratio: th.filteredMs / th.unfilteredMs, sqlite, runs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Median ms of `a` and of `b`, run in ABBA order; `b`'s result is the match count. */
function timeAlternating(runs: number, a: () => number, b: () => number): { unfilteredMs: number; filteredMs: number; matches: number } {
  const ta: number[] = [];
  const tb: number[] = [];
  let matches = -1;
  // One warm-up of each (the first pass reads the file into the cache and compiles the loops).
  a();
  b();
  for (let i = 0; i < runs * 2; i++) {
    const first = i % 4 === 0 || i % 4 === 3;
    collectGarbage();
    const t0 = performance.now();
    const r = first ? a() : b();
    const ms = performance.now() - t0;
    if (first) ta.push(ms);
    else {
      tb.push(ms);
      if (matches >= 0 && r !== matches) throw new Error(`filtered scan found ${r} then ${matches}`);
      matches = r;
    }
  }
  return { unfilteredMs: median(ta), filteredMs: median(tb), matches };
}

async function sqliteRuns(root: string, keys: readonly Buffer[], docs: readonly Record<string, unknown>[], runs: number): Promise<FilteredScanResult['sqlite']> {
  let Database: typeof import('better-sqlite3');
  try {
    Database = (await import('better-sqlite3')).default;
  } catch (e) {
    return `better-sqlite3 did not load: ${(e as Error).message.split('\n')[0]}`;
  }
  const db = new Database(join(root, 'kv.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE kv (k BLOB PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < keys.length; i++) insert.run(keys[i], JSON.stringify(docs[i]));
    })();
    const where = db.prepare("SELECT k, v FROM kv WHERE json_extract(v, '$.status') = ?").raw();
    const all = db.prepare('SELECT k, v FROM kv ORDER BY k').raw();
    const unfiltered = (): number => {
      let n = 0;
      for (const row of all.iterate() as Iterable<[Buffer, string]>) if (JSON.parse(row[1]) !== undefined) n++;
      return n;
    };
    const filtered = (): number => {
      let n = 0;
      for (const _row of where.iterate('pending')) n++;
      return n;
    };
    return timeAlternating(runs, unfiltered, filtered);
  } finally {
    db.close();
  }
}

/** The result as the lines `npm run bench` prints. */
export function filteredScanReport(r: FilteredScanResult): string {
  const ms = (x: number): string => `${x.toFixed(0)} ms`;
  const lines = [
    `${r.records.toLocaleString('en')} order documents, ${r.matches.toLocaleString('en')} match status = "pending"; median of ${r.runs} runs each, ABBA order`,
    `thunderhead  full scan + decodeValue       ${ms(r.unfilteredMs).padStart(9)}`,
    `thunderhead  findRecords pages of ${PAGE}      ${ms(r.filteredMs).padStart(9)}`,
    `thunderhead  filtered / unfiltered ratio   ${r.ratio.toFixed(2).padStart(9)}  (goal ≤ 1.5)`,
  ];
  if (typeof r.sqlite === 'string') lines.push(`better-sqlite3  n/a: ${r.sqlite}`);
  else {
    lines.push(`better-sqlite3  SELECT ... ORDER BY k + JSON.parse            ${ms(r.sqlite.unfilteredMs).padStart(9)}`);
    lines.push(`better-sqlite3  WHERE json_extract(v, '$.status') = ?       ${ms(r.sqlite.filteredMs).padStart(9)}`);
    lines.push(`thunderhead filtered / sqlite filtered       ${(r.filteredMs / r.sqlite.filteredMs).toFixed(2).padStart(9)}`);
  }
  lines.push('(how measured: one process, stores on the OS temp directory, warm cache after one untimed pass of each; Thunderhead values MessagePack, SQLite values JSON text in a WITHOUT ROWID table; every returned row iterated)');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--records');
  const records = at > 0 ? Number(process.argv[at + 1]) : undefined;
  filteredScanBench(records ? { records } : {}).then(
    (r) => process.stdout.write(`${filteredScanReport(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`filtered-scan: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
