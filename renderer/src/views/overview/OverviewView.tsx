/**
 * Overview: the cheap facts at once (`store.info`), then the full walk (`store.analyze`, a job
 * with progress and cancel) for node counts, fill, buffer occupancy and live vs dead bytes.
 * The walk's result is cached per store version, so coming back does not walk again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TreeStatsData } from '../../../../app/contract';
import { useJob } from '../../api/hooks';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconRefresh } from '../../components/Icons';
import { ProgressBar } from '../../components/Progress';
import { formatBytes, formatCount, formatPercent, formatTime } from '../../lib/format';
import { histogramMean, levelsLeafFirst, totalNodes } from '../../lib/fill';
import { useOpenStore, useSession } from '../../shell/session';
import { BarList, FillHistogram, SpaceBar } from './charts';
import { KeySpaceCard } from './KeySpaceCard';

export function OverviewView() {
  const store = useOpenStore();
  const { info } = store;
  const job = useJob('store.analyze');
  const [walked, setWalked] = useState<number | null>(null);
  const stats = job.result;
  // Time travel: the walk reads that version (the shell remounts this view when it changes).
  const at = useSession().at?.version;
  // A walk of an older version (commits landed since) stays shown, marked, and is re-run on
  // request only, so a busy writer does not keep the host walking the whole tree.
  const stale = stats !== undefined && at === undefined && walked !== info.head.id;
  // Placeholder for figures the walk gives: pending while it runs, a dash if it failed.
  const pending = job.error || job.cancelled ? '—' : '…';

  const { run } = job;
  const analyze = useCallback(() => {
    const version = info.head.id;
    void run({ storeId: store.storeId, ...(at !== undefined ? { at } : {}) }).then((r) => {
      if (r) setWalked(version);
    });
  }, [run, info.head.id, store.storeId, at]);

  // Walk once, on first show; the user can cancel and re-run.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    analyze();
  }, [analyze]);

  return (
    <div className="overview scroll">
      <div className="view-head">
        <h2>Overview</h2>
        <span className="dim small">
          {at !== undefined ? `walked version #${formatCount(at)} · ` : ''}head #{formatCount(info.head.id)} · {formatTime(info.head.time)}
          {info.head.message ? ` · “${info.head.message}”` : ''}
        </span>
        <span className="grow" />
        {!job.running && (
          <button type="button" className="btn btn-small" onClick={analyze} data-testid="analyze">
            <IconRefresh size={14} /> {stats ? 'Analyze again' : 'Analyze'}
          </button>
        )}
      </div>

      <div className="stat-grid">
        <Stat label="File size on disk" value={formatBytes(info.diskBytes)} sub={`${formatBytes(info.fileSize)} used + ${formatBytes(info.diskBytes - info.fileSize)} preallocated tail`} testId="stat-file-size" />
        <Stat label="Format version" value={`v${info.formatVersion}`} />
        <Stat label="Versions" value={formatCount(info.versions)} sub={`branch ${info.branch}`} />
        <Stat label="Tree height" value={String(info.height)} sub={info.height === 1 ? 'a single leaf' : `${info.height - 1} internal level${info.height > 2 ? 's' : ''}`} />
        <Stat label="Records" value={stats ? formatCount(stats.records) : pending} sub={stats ? undefined : 'counted by the walk'} />
        <Stat label="Nodes" value={stats ? formatCount(totalNodes(stats.nodesPerLevel)) : pending} sub={stats ? `${formatCount(levelsLeafFirst(stats.nodesPerLevel)[0] ?? 0)} leaves` : undefined} />
        <Stat label="Dead bytes" value={stats ? formatBytes(stats.sizes.deadBytes) : pending} sub={stats ? `${formatPercent(stats.sizes.usedBytes > 0 ? stats.sizes.deadBytes / stats.sizes.usedBytes : 0)} of used · compact drops them` : 'measured by the walk'} />
        <Stat label="Large values" value={stats ? formatCount(stats.largeValues.count) : pending} sub={stats ? `${formatBytes(stats.largeValues.bytes)} off-tree` : undefined} />
      </div>

      <div className="params mono small dim">
        node size {formatBytes(info.params.nodeSize)} · fanout {info.params.fanout} · buffer {formatBytes(info.params.bufferSize)} · blob threshold {formatBytes(info.params.blobThreshold)}
        {info.writerPid !== undefined ? ` · writer pid ${info.writerPid}` : ''}
      </div>

      {stale && !job.running && (
        <div className="notice">
          New commits landed since this walk; the head is now #{formatCount(info.head.id)}.{' '}
          <button type="button" className="btn btn-small" onClick={analyze}>
            Analyze again
          </button>
        </div>
      )}
      {job.running && (
        <div className="card">
          <ProgressBar
            progress={job.progress}
            label={job.progress?.phase === 'records' ? 'Counting records (buffers applied)' : 'Walking every node of the tree'}
            unit={job.progress?.phase === 'records' ? 'records' : 'nodes'}
            onCancel={job.cancel}
          />
        </div>
      )}
      {job.cancelled && !stats && (
        <div className="notice">
          Analysis cancelled. Node counts, fill and occupancy need a full walk.{' '}
          <button type="button" className="btn btn-small" onClick={analyze}>
            Run it
          </button>
        </div>
      )}
      {job.error && <ErrorPanel error={job.error} path={info.path} />}

      {stats && <StatsCharts stats={stats} />}

      <KeySpaceCard storeId={store.storeId} at={at} path={info.path} />
    </div>
  );
}

function Stat({ label, value, sub, testId }: { label: string; value: string; sub?: string | undefined; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

function levelName(level: number, height: number): string {
  if (level === 0) return height === 1 ? 'L0 · root leaf' : 'L0 · leaves';
  if (level === height - 1) return `L${level} · root`;
  return `L${level}`;
}

function StatsCharts({ stats }: { stats: TreeStatsData }) {
  const levels = levelsLeafFirst(stats.nodesPerLevel).map((n, level) => ({ level, n })).reverse();
  const buffers = [...stats.bufferOccupancy].sort((a, b) => b.level - a.level);
  const mean = histogramMean(stats.leafFill);
  return (
    <div className="chart-grid">
      <div className="card chart-card">
        <div className="card-title">Nodes per level</div>
        <BarList
          rows={levels.map(({ level, n }) => ({ label: levelName(level, stats.height), value: n, text: formatCount(n) }))}
          kind="fill"
          ariaLabel="Nodes per level"
        />
      </div>
      <div className="card chart-card">
        <div className="card-title">
          Leaf fill <span className="dim small">mean ≈ {formatPercent(mean, 0)} of node size</span>
        </div>
        <FillHistogram counts={stats.leafFill} />
      </div>
      <div className="card chart-card">
        <div className="card-title">
          Buffer occupancy <span className="dim small">pending messages in internal nodes</span>
        </div>
        {buffers.length === 0 ? (
          <div className="dim small pad">No internal nodes: the tree is a single leaf, so there are no buffers.</div>
        ) : (
          <BarList
            rows={buffers.map((b) => ({
              label: levelName(b.level, stats.height),
              value: b.fill,
              max: 1,
              text: `${formatPercent(b.fill, 0)} · ${formatCount(b.messages)} msgs · ${formatBytes(b.bytes)}`,
            }))}
            kind="buffer"
            ariaLabel="Buffer occupancy per level"
          />
        )}
      </div>
      <div className="card chart-card">
        <div className="card-title">
          Space <span className="dim small">file size on disk, bytes used, dead bytes</span>
        </div>
        <SpaceBar sizes={stats.sizes} />
        <div className="kv small">
          <span>This version&apos;s tree</span>
          <span className="mono" title="Its nodes with their journal chains, and its large values">
            {formatBytes(stats.liveBytes)}
          </span>
          <span>Large values</span>
          <span className="mono">
            {formatCount(stats.largeValues.count)} · {formatBytes(stats.largeValues.bytes)}
          </span>
          <span>Records</span>
          <span className="mono">{formatCount(stats.records)}</span>
        </div>
      </div>
    </div>
  );
}
