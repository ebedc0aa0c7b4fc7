/**
 * The most contended ranges: a heat strip over the key space (one cell per bucket, from the
 * lowest to the highest locked key; hotter = more waiting there) and the hottest buckets named.
 */
import { memo } from 'react';
import type { KeyView } from '../../../../app/contract';
import { formatCount } from '../../lib/format';
import { keyText } from '../../lib/keys';
import type { BucketInput, HeatCell } from './heat';
import { formatDuration } from './labels';

function span(b: BucketInput<KeyView>): string {
  if (!b.first) return 'no locks';
  const a = keyText(b.first);
  const z = b.last ? keyText(b.last) : a;
  return a === z ? a : `${a} … ${z}`;
}

/** Re-rendered only when a new frame brings new buckets. */
export const HeatStrip = memo(function HeatStrip({ cells, hottest }: { cells: readonly HeatCell<KeyView>[]; hottest: readonly BucketInput<KeyView>[] }) {
  if (cells.length === 0) return <div className="empty small dim">No locks to place on the key space.</div>;
  const lo = cells.find((c) => c.bucket.first)?.bucket.first ?? null;
  const hi = [...cells].reverse().find((c) => c.bucket.last)?.bucket.last ?? null;
  return (
    <div className="heat" data-testid="heat-strip">
      <div className="heat-strip" role="img" aria-label="Contention over the key space">
        {cells.map((c) => (
          <span
            key={c.index}
            className="heat-cell"
            style={{ ['--heat' as string]: `${Math.round(c.heat * 100)}%`, ['--load' as string]: `${Math.round(c.load * 100)}%` }}
            title={`${span(c.bucket)}\n${c.bucket.held} held · ${c.bucket.waiting} waiting · ${formatDuration(c.bucket.waitMs)} waited`}
          />
        ))}
      </div>
      <div className="heat-ends small dim mono">
        <span className="ellipsis">{lo ? keyText(lo) : ''}</span>
        <span className="ellipsis">{hi ? keyText(hi) : ''}</span>
      </div>
      <ol className="heat-top">
        {hottest.map((b) => (
          <li key={b.index}>
            <span className="heat-swatch" style={{ ['--heat' as string]: `${Math.round((cells[b.index]?.heat ?? 0) * 100)}%` }} />
            <span className="ellipsis mono" title={span(b)}>
              {span(b)}
            </span>
            <span className="num mono dim">{formatCount(b.waiting)} waiting</span>
            <span className="num mono dim">{formatCount(b.held)} held</span>
            <span className="num mono">{formatDuration(b.waitMs)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
});
