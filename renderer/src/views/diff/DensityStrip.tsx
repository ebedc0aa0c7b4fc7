/**
 * The change-density strip: the key space cut into slices (`diff.density` buckets, cut at the
 * tree's pivots so each holds a similar amount of data), each bar as tall as its share of the
 * changes, coloured by kind. Clicking a slice jumps the list to its first change.
 */
import type { DiffDensityBucket } from '../../../../app/contract';
import { formatCount } from '../../lib/format';
import { keyText } from '../../lib/keys';

/** Props of {@link DensityStrip}. */
export interface DensityStripProps {
  readonly buckets: readonly DiffDensityBucket[];
  /** Index of the slice the list starts at (highlighted), or -1. */
  readonly active: number;
  readonly onJump: (index: number) => void;
}

/** Bar height of a slice: square-root scaled so one busy slice does not flatten the rest. */
export function barFraction(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  return Math.max(0.12, Math.sqrt(count / max));
}

/** The strip. */
export function DensityStrip({ buckets, active, onJump }: DensityStripProps) {
  const totals = buckets.map((b) => b.added + b.removed + b.changed);
  const max = Math.max(0, ...totals);
  const first = buckets[0]?.firstKey;
  const lastWithChanges = [...buckets].reverse().find((b) => b.firstKey !== null);
  return (
    <div className="density" data-testid="density">
      <div className="density-head">
        <span>Change density over the key space{first ? ` · first change ${keyText(first)}` : ''}</span>
        <span>
          {buckets.length} slices{lastWithChanges?.from ? ` · last busy slice from ${keyText(lastWithChanges.from)}` : ''}
        </span>
      </div>
      <div className="density-strip" role="toolbar" aria-label="Change density: click a slice to jump to its first change">
        {buckets.map((b, i) => {
          const total = totals[i]!;
          const h = barFraction(total, max);
          const where = b.from ? `from ${keyText(b.from)}` : 'from the start';
          const title = total === 0 ? `${where}: no changes` : `${where}: ${formatCount(b.added)} added, ${formatCount(b.removed)} removed, ${formatCount(b.changed)} changed — click to jump to ${keyText(b.firstKey!)}`;
          return (
            <button
              key={i}
              type="button"
              className={`density-bucket${i === active ? ' on' : ''}`}
              disabled={total === 0}
              title={title}
              aria-label={title}
              onClick={() => onJump(i)}
              data-testid="density-bucket"
              data-count={total}
            >
              {total > 0 && (
                <>
                  <i className="d-changed" style={{ height: `${(h * 100 * b.changed) / total}%` }} />
                  <i className="d-removed" style={{ height: `${(h * 100 * b.removed) / total}%` }} />
                  <i className="d-added" style={{ height: `${(h * 100 * b.added) / total}%` }} />
                </>
              )}
            </button>
          );
        })}
      </div>
    </div>
  );
}
