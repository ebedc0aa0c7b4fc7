/**
 * `demo FILE [--records N]`: builds a realistic store to explore — structured tuple keys of
 * several kinds, nested values, references between records, a few large (off-tree) values, and
 * a history worth drawing: several commits with messages, two snapshots, a range delete and a
 * side branch. Deterministic for a given --seed. The recipe is in resources/demo-recipe.md.
 */
import { Command, Option } from 'commander';
import { Store, type Transaction } from '../../../engine/index';
import type { CommandContext } from '../context';
import { UsageError } from '../errors';
import { cliCommand } from '../invocation';
import {
  configRecords, DEMO_MIN_RECORDS, documentRecords, eventRecord, eventTimes, orderRecord, planDemo, Random, userRecord,
  type DemoRecord, type DemoValue,
} from '../demo-data';
import { parsePositiveInt } from '../options';
import { progressBar, type Progress } from '../progress';
import { encodeDemoKey, encodeDemoValue } from '../records';
import { formatBytes } from '../render';

/**
 * Records per commit while importing. A transaction holds its writes in memory until commit,
 * so a million-record import is split into commits of this size: large enough that the tree
 * takes each as one big batch, small enough to bound memory.
 */
export const DEMO_COMMIT_RECORDS = 100_000;

interface DemoOptions { records: number; seed: number }

/** Writes records in commits of at most {@link DEMO_COMMIT_RECORDS}, naming parts when split. */
function importInCommits(
  store: Store,
  message: string,
  count: number,
  make: (i: number) => DemoRecord,
  tick: () => void,
): void {
  const parts = Math.max(1, Math.ceil(count / DEMO_COMMIT_RECORDS));
  for (let part = 0; part < parts; part++) {
    const start = part * DEMO_COMMIT_RECORDS;
    const end = Math.min(count, start + DEMO_COMMIT_RECORDS);
    const tx = store.begin();
    try {
      for (let i = start; i < end; i++) {
        const record = make(i);
        tx.put(encodeDemoKey(record.key), encodeDemoValue(record.value));
        tick();
      }
      tx.commit({ message: parts === 1 ? message : `${message} (part ${part + 1} of ${parts})` });
    } catch (error) {
      tx.abort();
      throw error;
    }
  }
}

/** Runs `fn` in one transaction on `branch` and commits it with `message`. */
function commitOn(store: Store, branch: string | undefined, message: string, fn: (tx: Transaction) => void): void {
  const tx = store.begin(branch ? { branch } : {});
  try {
    fn(tx);
    tx.commit({ message });
  } catch (error) {
    tx.abort();
    throw error;
  }
}

function put(tx: Transaction, record: DemoRecord): void {
  tx.put(encodeDemoKey(record.key), encodeDemoValue(record.value));
}

/** Builds the demo in an open, empty store. Returns the number of records in the head. */
export function buildDemo(store: Store, total: number, seed: number, progress: Progress): number {
  const plan = planDemo(total);
  const random = new Random(seed);
  let written = 0;
  const planned = total + plan.expired;
  const tick = (): void => {
    written++;
    if ((written & 1023) === 0) progress.update(written, planned, `${written.toLocaleString('en-US')} records`);
  };

  commitOn(store, undefined, 'create config and documents', (tx) => {
    for (const record of [...configRecords(1, plan.users + 1), ...documentRecords(random)]) {
      put(tx, record);
      tick();
    }
  });
  importInCommits(store, `import ${plan.users} users`, plan.users, (i) => userRecord(random, i + 1), tick);

  // Remember some pending orders so a later commit can ship them,
  // and the first orders, which the experiment branch reprices.
  const pending: DemoRecord[] = [];
  const firstOrders: DemoRecord[] = [];
  importInCommits(store, `import ${plan.orders} orders`, plan.orders, (i) => {
    const record = orderRecord(random, i + 1, plan.users);
    if ((record.value as { status: string }).status === 'pending' && pending.length < 5000) pending.push(record);
    if (firstOrders.length < 200) firstOrders.push(record);
    return record;
  }, tick);

  const times = eventTimes(random, plan.events + plan.expired);
  let cutoff: { ts: number; seq: number } | undefined;
  importInCommits(store, `ingest ${plan.events + plan.expired} events`, plan.events + plan.expired, (i) => {
    const { ts, seq } = times.next().value as { ts: number; seq: number };
    if (i === plan.expired) cutoff = { ts, seq };
    return eventRecord(random, ts, seq, plan.users);
  }, tick);

  store.snapshot('imported', { message: 'after the initial import' });

  commitOn(store, undefined, `ship ${Math.ceil(pending.length / 2)} pending orders`, (tx) => {
    pending.forEach((record, i) => {
      if (i % 2 === 0) put(tx, { key: record.key, value: { ...(record.value as Record<string, DemoValue>), status: 'shipped' } });
    });
  });

  // One range-delete message removes the oldest events, however many there are.
  commitOn(store, undefined, `expire the ${plan.expired} oldest events`, (tx) => {
    if (cutoff) tx.deleteRange(encodeDemoKey(['events']), encodeDemoKey(['events', cutoff.ts, cutoff.seq]));
  });

  commitOn(store, undefined, 'config: enable lock monitor, API v2', (tx) => {
    for (const record of configRecords(2, plan.users + 1)) put(tx, record);
  });
  store.snapshot('v2', { message: 'release 2 configuration' });

  store.branch('experiment');
  commitOn(store, 'experiment', `experiment: 10% off the first ${firstOrders.length} orders`, (tx) => {
    for (const { key, value } of firstOrders) {
      const order = value as Record<string, DemoValue>;
      put(tx, { key, value: { ...order, total: Math.round((order.total as number) * 90) / 100 } });
    }
  });

  commitOn(store, undefined, `register ${plan.lateUsers} new users`, (tx) => {
    for (let i = 0; i < plan.lateUsers; i++) {
      put(tx, userRecord(random, plan.users + i + 1));
      tick();
    }
  });
  progress.update(planned, planned);
  return total;
}

/** Adds `demo` to `program`. */
export function registerDemoCommand(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('create a demo store: users, orders (referencing users), events, config, large documents, and a history')
    .argument('<file>', 'store file to create (must not exist)')
    .addOption(new Option('--records <n>', 'records in the final head').argParser(parsePositiveInt).default(20_000))
    .addOption(new Option('--seed <n>', 'seed of the generator (same seed, same store)').argParser(parsePositiveInt).default(1))
    .action(async (file: string, opts: DemoOptions) => {
      if (opts.records < DEMO_MIN_RECORDS) throw new UsageError(`--records must be at least ${DEMO_MIN_RECORDS}`);
      const started = Date.now();
      // Durability per commit buys nothing while building a fresh file: close() syncs at the end.
      const store = Store.create(file, { durable: false });
      const progress = progressBar(ctx.io.stderr, 'building demo');
      let records: number;
      try {
        records = buildDemo(store, opts.records, opts.seed, progress);
      } finally {
        progress.done();
        store.close();
      }
      const reopened = Store.open(file, { readOnly: true });
      let summary: string;
      try {
        const info = reopened.info();
        summary =
          `created ${file}: ${records.toLocaleString('en-US')} records, ${info.versions} versions, ` +
          `snapshots imported and v2, branches main and experiment, ${formatBytes(info.fileSize)} ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)}s`;
      } finally {
        reopened.close();
      }
      await ctx.out.line(summary);
      const cli = cliCommand();
      await ctx.out.line(`try: ${cli} scan ${file} --prefix '["orders", 7]'`);
      await ctx.out.line(`     ${cli} log ${file} --graph`);
    });
}
