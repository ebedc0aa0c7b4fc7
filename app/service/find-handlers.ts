/**
 * Handlers of the find methods in `app/contracts/find.ts`: rows by position and the position of
 * a key (app/service/positions.ts), checking a query's text, and the key-space breakdown (a
 * job over the engine's `analyzeKeySpace`).
 */
import { VALUE_PREVIEW_BYTES } from '../contract';
import type { RecordRow, findMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';
import { analyzeKeys } from './keyspace';
import { keyBytes, rangeOptions } from './keys';
import { countIn, entryAt, indexOf } from './positions';
import { checkQuery } from './query';
import { readerAt } from './time-travel';
import { PREVIEW_LIMITS, keyView, valueView } from './views';

/** The handlers, given the service's context. */
export function findHandlers(context: ServiceContext): HandlersOf<keyof typeof findMethods> {
  return {
    'records.pageAt': ({ storeId, range, index, limit, at }) => {
      const reader = readerAt(context.get(storeId).store, at);
      const options = rangeOptions(range);
      const total = countIn(reader, options);
      const first = index < total ? entryAt(reader, index, options) : undefined;
      const rows: RecordRow[] = [];
      let more = false;
      if (first !== undefined) {
        // From the position's key on, in scan order: one positional lookup, then a plain scan.
        const bound = options.reverse ? { to: Buffer.concat([first.key, Buffer.of(0)]) } : { from: first.key };
        for (const entry of reader.scan({ ...options, ...narrow(options, bound), limit: limit + 1 })) {
          if (rows.length === limit) {
            more = true;
            break;
          }
          const value = entry.large ? undefined : entry.value;
          rows.push({ key: keyView(entry.key), value: valueView(value, entry.valueLength, entry.large, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS) });
        }
      }
      return { rows, nextAfter: more ? rows[rows.length - 1]!.key.hex : null, version: reader.version, index, total };
    },

    'records.indexOf': ({ storeId, key, range, at }) => {
      const reader = readerAt(context.get(storeId).store, at);
      const { index, found } = indexOf(reader, keyBytes(key), rangeOptions(range));
      return { index, found, version: reader.version };
    },

    'query.check': ({ text, scope }) => checkQuery(text, scope),

    'keyspace.analyze': ({ storeId, depth, top, at, jobId }) =>
      context.jobs.run('keyspace.analyze', jobId, (job) => analyzeKeys(context.get(storeId).store, { depth, top, ...(at !== undefined ? { at } : {}) }, job)),
  };
}

/** Tightens `from`/`to` of a range to a bound (never widens it). */
function narrow(options: { from?: Uint8Array; to?: Uint8Array }, bound: { from?: Buffer; to?: Buffer }): { from?: Uint8Array; to?: Uint8Array } {
  const out: { from?: Uint8Array; to?: Uint8Array } = {};
  if (bound.from !== undefined) out.from = options.from !== undefined && Buffer.compare(options.from, bound.from) > 0 ? options.from : bound.from;
  if (bound.to !== undefined) out.to = options.to !== undefined && Buffer.compare(options.to, bound.to) < 0 ? options.to : bound.to;
  return out;
}
