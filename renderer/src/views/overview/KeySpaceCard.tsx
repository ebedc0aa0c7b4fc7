/**
 * The Overview's key-space breakdown: a treemap of the key space by tuple prefix (level 1,
 * click to drill into level 2), sized by bytes or by records, at the version being browsed,
 * and the largest records. `keyspace.analyze` runs as a job (progress, cancel); every prefix
 * and record opens in Records (filtered by the prefix, or at the key).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeySpacePrefix, KeySpaceResult } from '../../../../app/contract';
import { useJob } from '../../api/hooks';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { KeyText } from '../../components/KeyText';
import { ProgressBar } from '../../components/Progress';
import { useElementSize } from '../../components/useSize';
import { formatBytes, formatCount } from '../../lib/format';
import { keyText, keyToInputText } from '../../lib/keys';
import { useSession } from '../../shell/session';
import { keySpaceCells, levelOf, measureOf, measureText, type KeySpaceCell, type KeySpaceMeasure } from './keyspaceLayout';

const CHART_HEIGHT = 300;
const MEASURES: readonly { value: KeySpaceMeasure; label: string; title: string }[] = [
  { value: 'bytes', label: 'Bytes', title: 'Area = key and value bytes' },
  { value: 'records', label: 'Records', title: 'Area = number of records' },
];

/** The key-space card; `at` is the version browsed (the head when undefined). */
export function KeySpaceCard({ storeId, at, path }: { storeId: string; at: number | undefined; path: string }) {
  const job = useJob('keyspace.analyze');
  const session = useSession();
  const [measure, setMeasure] = useState<KeySpaceMeasure>('bytes');
  const [drill, setDrill] = useState<string | null>(null);
  const { run } = job;
  const analyze = useCallback(() => {
    setDrill(null);
    void run({ storeId, depth: 2, top: 20, ...(at !== undefined ? { at } : {}) });
  }, [run, storeId, at]);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    analyze();
  }, [analyze]);

  const result = job.result;
  const openPrefix = (cell: KeySpaceCell) => {
    if (!cell.prefix) return;
    session.navigate('records', { kind: 'records.prefix', prefix: `(${keyToInputText(cell.prefix)})` });
  };

  return (
    <div className="card keyspace-card" data-testid="keyspace">
      <div className="card-title keyspace-title">
        <span>Keys by prefix</span>
        {result && (
          <nav className="keyspace-crumbs small" aria-label="Key-space level">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setDrill(null)} disabled={drill === null}>
              All prefixes
            </button>
            {drill !== null && <span className="dim">›</span>}
            {drill !== null && <span className="mono" data-testid="keyspace-drill">{drill}</span>}
          </nav>
        )}
        <span className="grow" />
        <Segmented label="Size by" size="small" value={measure} options={MEASURES} onChange={setMeasure} />
        {!job.running && (
          <button type="button" className="btn btn-small" onClick={analyze} data-testid="keyspace-analyze">
            {result ? 'Again' : 'Analyze'}
          </button>
        )}
      </div>
      {job.running && <ProgressBar progress={job.progress} label="Reading every key" unit="records" onCancel={job.cancel} />}
      {job.cancelled && !result && (
        <div className="dim small">
          Cancelled.{' '}
          <button type="button" className="btn btn-small" onClick={analyze}>
            Run it
          </button>
        </div>
      )}
      {job.error && <ErrorPanel error={job.error} path={path} />}
      {result && <KeySpaceBody result={result} measure={measure} drill={drill} onDrill={setDrill} onOpen={openPrefix} onKey={(k) => session.navigate('records', { kind: 'records.jump', key: { hex: k.hex }, label: keyText(k) })} />}
    </div>
  );
}

function KeySpaceBody({ result, measure, drill, onDrill, onOpen, onKey }: { result: KeySpaceResult; measure: KeySpaceMeasure; drill: string | null; onDrill: (d: string) => void; onOpen: (c: KeySpaceCell) => void; onKey: (k: KeySpaceResult['largest'][number]['key']) => void }) {
  const wrap = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(wrap);
  const cells = keySpaceCells(result, drill, measure, Math.floor(width), CHART_HEIGHT);
  const level = levelOf(result, drill);
  const total = measureOf(level.total, measure);
  return (
    <div className="keyspace-body">
      <div className="small dim">
        {level.parent ? `Inside ${level.parent.label}: ` : ''}
        {formatCount(level.total.records)} records · {formatBytes(level.total.keyBytes)} of keys · {formatBytes(level.total.valueBytes)} of values · version #{formatCount(result.version)}
        {level.parent ? ' · click a prefix to see its records' : ' · click a prefix to look inside'}
      </div>
      <div className="keyspace-chart" ref={wrap} style={{ height: `${CHART_HEIGHT}px` }}>
        {total === 0 ? (
          <div className="dim small pad">No records at this version.</div>
        ) : (
          <svg width={Math.floor(width)} height={CHART_HEIGHT} role="img" aria-label={`Key space by ${measure}`}>
            {cells.map((c) => (
              <g
                key={c.id}
                className={`keyspace-cell tone-${c.tone < 0 ? 'rest' : c.tone}${c.prefix ? ' clickable' : ''}`}
                transform={`translate(${c.x},${c.y})`}
                onClick={() => (c.drillable ? onDrill(c.label) : onOpen(c))}
                data-testid="keyspace-cell"
                data-label={c.label}
              >
                <title>{c.title}</title>
                <rect width={Math.max(0, c.width)} height={Math.max(0, c.height)} rx={3} />
                {c.showLabel && (
                  <text x={6} y={16} className="keyspace-label">
                    {c.label.length > 24 ? `${c.label.slice(0, 23)}…` : c.label}
                  </text>
                )}
                {c.showValue && (
                  <text x={6} y={31} className="keyspace-value">
                    {measureText(c.value, measure)} · {(c.share * 100).toFixed(c.share < 0.1 ? 1 : 0)}%
                  </text>
                )}
              </g>
            ))}
          </svg>
        )}
      </div>
      {level.parent && (
        <button type="button" className="btn btn-small keyspace-open" onClick={() => level.parent && onOpen(cellOf(level.parent))} data-testid="keyspace-open-parent">
          Show all of {level.parent.label} in Records
        </button>
      )}
      <div className="keyspace-largest">
        <div className="card-subtitle small">Largest records</div>
        <ol className="keyspace-largest-list" data-testid="keyspace-largest">
          {result.largest.slice(0, 10).map((r) => (
            <li key={r.key.hex}>
              <button type="button" className="linklike ellipsis" onClick={() => onKey(r.key)} title="Show this record in Records">
                <KeyText k={r.key} />
              </button>
              <span className="mono dim">{formatBytes(r.bytes)}</span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}

/** A cell for a whole prefix (the drilled parent), to open it in Records. */
function cellOf(p: KeySpacePrefix): KeySpaceCell {
  return { id: p.prefix.hex, label: p.label, value: 0, share: 1, x: 0, y: 0, width: 0, height: 0, prefix: p.prefix, drillable: false, title: '', showLabel: false, showValue: false, tone: 0 };
}
