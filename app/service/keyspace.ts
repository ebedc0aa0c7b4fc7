/**
 * `keyspace.analyze`: where the records and bytes are, by tuple prefix, at any version. The
 * engine's `analyzeKeySpaceAsync` does the pass (keys and value lengths only, yielding between
 * slices); this turns its report into the contract's plain data: prefixes as keys (Records
 * filters by them) with a label a person reads, the largest records as keys.
 */
import type { AtVersion, Json, KeySpacePrefix, KeySpaceResult, KeySpaceTotals } from '../contract';
import { analyzeKeySpaceAsync } from './engine';
import type { PrefixUsage, Store } from './engine';
import { ServiceError } from './errors';
import type { JobContext } from './jobs';
import { readerAt } from './time-travel';
import { keyView } from './views';

/**
 * Analyses the head (or `at`) by tuple prefix, `depth` levels deep, keeping the `top` largest
 * prefixes per level and records. O(records) key reads, no value decoded.
 */
export async function analyzeKeys(store: Store, options: { readonly depth: 1 | 2; readonly top: number; readonly at?: AtVersion }, job: JobContext): Promise<KeySpaceResult> {
  const reader = readerAt(store, options.at);
  let report;
  try {
    report = await analyzeKeySpaceAsync(reader, {
      byPrefix: options.depth,
      top: options.top,
      onProgress: (done) => job.progress(done, -1, 'records'),
      signal: job.signal,
    });
  } catch (error) {
    // The engine stops on the job's signal: that is a cancel, not a failure.
    if (job.signal.aborted) throw new ServiceError('CANCELLED', 'keyspace.analyze was cancelled');
    throw error;
  }
  job.progress(report.totals.records, report.totals.records, 'done');
  return {
    version: reader.version,
    totals: totals(report.totals),
    prefixes: report.prefixes.map(prefixData),
    omitted: report.omitted,
    other: totals(report.other),
    largest: report.largest.map((r) => ({ key: keyView(r.key), bytes: r.bytes })),
  };
}

function totals(t: KeySpaceTotals): KeySpaceTotals {
  return { records: t.records, keyBytes: t.keyBytes, valueBytes: t.valueBytes, largeValueBytes: t.largeValueBytes };
}

/** A prefix as plain data, labelled by its last element (its parent names the rest). */
function prefixData(p: PrefixUsage): KeySpacePrefix {
  const prefix = keyView(p.keyPrefix);
  const elements = Array.isArray(prefix.json) ? (prefix.json as readonly Json[]) : [prefix.json];
  const base = { ...totals(p), label: elementText(elements[elements.length - 1] ?? null), prefix, omitted: p.omitted };
  return p.children.length > 0 ? { ...base, children: p.children.map(prefixData) } : base;
}

/** One tuple element as text: strings bare, everything else as JSON. */
function elementText(element: Json): string {
  return typeof element === 'string' ? element : JSON.stringify(element);
}
