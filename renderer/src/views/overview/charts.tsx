/** Small charts for the overview: d3 scales, React-rendered SVG and HTML (theme via CSS). */
import { scaleBand, scaleLinear } from 'd3';
import { Fragment, useRef } from 'react';
import type { StoreSizesData } from '../../../../app/contract';
import { useElementSize } from '../../components/useSize';
import { bucketLabels, clampFraction, niceMax } from '../../lib/fill';
import { formatBytes, formatCount, formatPercent, formatShortCount } from '../../lib/format';

export interface BarRow {
  readonly label: string;
  readonly value: number;
  /** Scale maximum; defaults to the largest value. */
  readonly max?: number;
  readonly text: string;
}

/** Horizontal labelled bars (one per row). */
export function BarList({ rows, kind, ariaLabel }: { rows: readonly BarRow[]; kind: 'fill' | 'buffer'; ariaLabel: string }) {
  const max = Math.max(1e-9, ...rows.map((r) => r.max ?? r.value));
  return (
    <div className="barlist" role="list" aria-label={ariaLabel}>
      {rows.map((r) => (
        <div className="barlist-row" role="listitem" key={r.label}>
          <span className="barlist-label">{r.label}</span>
          <span className={`barlist-track bar-${kind}`}>
            <span className="barlist-bar" style={{ width: `${clampFraction(r.value / (r.max ?? max)) * 100}%` }} />
          </span>
          <span className="barlist-text mono">{r.text}</span>
        </div>
      ))}
    </div>
  );
}

/** The leaf fill histogram: 10 buckets of 10%, counts of leaves in each. */
export function FillHistogram({ counts }: { counts: readonly number[] }) {
  const wrap = useRef<HTMLDivElement>(null);
  // Drawn at the container's pixel width so text keeps its size however wide the card is.
  const width = Math.max(280, useElementSize(wrap).width || 420);
  const height = 180;
  const m = { top: 10, right: 8, bottom: 34, left: 40 };
  const labels = bucketLabels(counts.length);
  const yMax = niceMax(Math.max(0, ...counts));
  const x = scaleBand<number>()
    .domain(counts.map((_, i) => i))
    .range([m.left, width - m.right])
    .padding(0.18);
  const y = scaleLinear().domain([0, yMax]).range([height - m.bottom, m.top]);
  const ticks = y.ticks(4);
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <div ref={wrap} className="chart-wrap">
    <svg className="chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Leaf fill histogram over ${formatCount(total)} leaves`}>
      {ticks.map((t) => (
        <g key={t}>
          <line className="grid" x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} />
          <text className="axis" x={m.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
            {formatShortCount(t)}
          </text>
        </g>
      ))}
      {counts.map((c, i) => {
        const bx = x(i) ?? 0;
        const h = y(0) - y(c);
        return (
          <g key={i}>
            <rect className={`hist-bar${i >= 9 ? ' hist-full' : i < 3 ? ' hist-low' : ''}`} x={bx} y={y(c)} width={x.bandwidth()} height={Math.max(c > 0 ? 1 : 0, h)} rx={2}>
              <title>{`${labels[i]}: ${formatCount(c)} leaves (${formatPercent(total ? c / total : 0)})`}</title>
            </rect>
            {i % 2 === 0 && (
              <text className="axis" x={bx + x.bandwidth() / 2} y={height - m.bottom + 14} textAnchor="middle">
                {Math.round((i * 100) / counts.length)}%
              </text>
            )}
          </g>
        );
      })}
      <text className="axis" x={width - m.right} y={height - m.bottom + 14} textAnchor="end">
        100%
      </text>
      <text className="axis axis-title" x={(m.left + width - m.right) / 2} y={height - 4} textAnchor="middle">
        leaf fill (share of node size)
      </text>
    </svg>
    </div>
  );
}

/**
 * Where the file's bytes go, with the names `thunderhead info` uses (app/service/sizes.ts):
 * on disk = used + preallocated tail; used = reachable + dead. A stacked bar of the three
 * parts, then each size labelled, exact bytes in `data-bytes`.
 */
export function SpaceBar({ sizes }: { sizes: StoreSizesData }) {
  const total = Math.max(1, sizes.fileBytes);
  const parts = [
    { key: 'reachable', cls: 'live', bytes: sizes.reachableBytes, label: 'reachable', title: 'Used bytes a retained version, the catalog or the header still reaches' },
    { key: 'dead', cls: 'dead', bytes: sizes.deadBytes, label: 'dead', title: 'Used bytes no version reaches any more; compaction drops them' },
    { key: 'preallocated', cls: 'tail', bytes: sizes.preallocatedBytes, label: 'preallocated tail', title: 'Zero-filled space reserved ahead of the next commits' },
  ] as const;
  return (
    <div className="livedead">
      <div className="livedead-track" role="img" aria-label={`${formatPercent(sizes.reachableBytes / total)} reachable, ${formatPercent(sizes.deadBytes / total)} dead, ${formatPercent(sizes.preallocatedBytes / total)} preallocated`}>
        {parts.map((p) => (
          <span key={p.key} className={`livedead-${p.cls}`} style={{ width: `${(p.bytes / total) * 100}%` }} title={p.title} />
        ))}
      </div>
      <dl className="kv small space-sizes">
        <dt>File size on disk</dt>
        <dd className="mono" data-testid="size-file" data-bytes={sizes.fileBytes}>{formatBytes(sizes.fileBytes)}</dd>
        <dt>Bytes used</dt>
        <dd className="mono" data-testid="size-used" data-bytes={sizes.usedBytes}>{formatBytes(sizes.usedBytes)}</dd>
        {parts.map((p) => (
          <Fragment key={p.key}>
            <dt title={p.title}>
              <i className={`sw sw-${p.cls}`} /> {p.label[0]?.toUpperCase()}{p.label.slice(1)}
            </dt>
            <dd className="mono" data-testid={`size-${p.key}`} data-bytes={p.bytes}>
              {formatBytes(p.bytes)} <span className="dim">({formatPercent(p.bytes / total)})</span>
            </dd>
          </Fragment>
        ))}
      </dl>
      <div className="dim small">On disk = used + preallocated tail; used = reachable + dead. The same numbers as <span className="mono">thunderhead info</span>.</div>
    </div>
  );
}
