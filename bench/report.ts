/** Turns a {@link BenchReport} into text tables (terminal) and Markdown (docs/BENCHMARKS.md). */
import { ratioOf, statOf, type BenchReport, type CaseResult, type MachineInfo, type TargetResult } from './results';
import type { MetricColumn, MetricKey } from './workloads/types';

/** A table before rendering. A row shorter than the headers is a note (its last cell spans the rest). */
export interface Table {
  readonly headers: readonly string[];
  readonly align: readonly ('l' | 'r')[];
  readonly rows: readonly (readonly string[])[];
}

/** Milliseconds with a unit that keeps three significant digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes in B / KiB / MiB / GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  if (b < 1024) return `${sign}${b.toFixed(0)} B`;
  if (b < 1024 ** 2) return `${sign}${(b / 1024).toFixed(1)} KiB`;
  if (b < 1024 ** 3) return `${sign}${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${sign}${(b / 1024 ** 3).toFixed(2)} GiB`;
}

/** Operations per second, abbreviated. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(0)}k`;
  if (perSecond >= 100) return perSecond.toFixed(0);
  return perSecond.toFixed(1);
}

/** A ratio, two decimals (three below 0.1). */
export function formatRatio(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return 'n/a';
  return r < 0.1 ? r.toFixed(3) : r.toFixed(2);
}

function formatColumn(value: number, unit: MetricColumn['unit']): string {
  if (unit === 'ms') return formatMs(value);
  if (unit === 'bytes') return formatBytes(value);
  return Number.isFinite(value) ? String(Math.round(value)) : '—';
}

function ratioLabel(key: MetricKey, c: CaseResult): string {
  if (key === 'ms') return 'TH/peer';
  const col = c.columns.find((x) => x.key === key);
  const name = col?.label ?? (key === 'deviceBytes' ? 'device' : key);
  return `TH/peer (${name})`;
}

/** The table of one case: one row per peer. */
export function caseTable(c: CaseResult): Table {
  const per = c.perOp ? ' /op' : '';
  const headers = ['peer', `median${per}`, 'min', 'max', 'ops/s', `written${per}`, `device${per}`];
  if (c.perOp) headers.push('flushes /op', 'file growth /op');
  headers.push('peak RSS', ...c.columns.map((x) => x.label + (c.perOp && x.key === 'metric:appended' ? ' /op' : '')), ...c.ratios.map((k) => ratioLabel(k, c)));
  const rows: string[][] = [];
  for (const p of c.peers) {
    if (p.status !== 'ok') {
      const why = p.status === 'error' ? `ERROR: ${p.reason ?? ''}` : `${p.status}: ${p.reason ?? ''}`;
      rows.push([p.peer, why]);
      continue;
    }
    const time = statOf(p, 'ms', c.perOp);
    const opsPerSec = c.perOp ? 1000 / time.median : (p.samples[0]!.ops * 1000) / time.median;
    const row = [
      p.peer,
      formatMs(time.median),
      formatMs(time.min),
      formatMs(time.max),
      formatRate(opsPerSec),
      formatBytes(statOf(p, 'writeBytes', c.perOp).median),
      formatBytes(statOf(p, 'deviceBytes', c.perOp).median),
    ];
    if (c.perOp) {
      const fl = statOf(p, 'deviceFlushes', c.perOp).median;
      row.push(Number.isFinite(fl) ? fl.toFixed(2) : '—', formatBytes(statOf(p, 'fileGrowth', c.perOp).median));
    }
    row.push(formatBytes(statOf(p, 'peakRss', false).median));
    for (const col of c.columns) row.push(formatColumn(statOf(p, col.key, c.perOp).median, col.unit));
    for (const key of c.ratios) row.push(p.peer === 'thunderhead' ? '—' : formatRatio(ratioOf(c, key, p.peer)));
    rows.push(row);
  }
  return { headers, align: headers.map((_, i) => (i === 0 ? 'l' : 'r')), rows };
}

/** The summary: every target with its measured value. */
export function summaryTable(targets: readonly TargetResult[]): Table {
  const rows = targets.map((t) => [
    String(t.issue),
    t.label,
    t.goal,
    t.value === null ? 'n/a' : t.unit === 'ms' ? formatMs(t.value) : formatRatio(t.value),
    t.status === 'met' ? 'met' : t.status === 'missed' ? 'MISSED' : 'n/a',
  ]);
  return { headers: ['issue', 'target (Thunderhead / other)', 'goal', 'measured', 'status'], align: ['r', 'l', 'r', 'r', 'l'], rows };
}

/** Fixed-width text rendering. */
export function renderText(table: Table): string {
  const n = table.headers.length;
  const full = table.rows.filter((r) => r.length === n);
  const widths = table.headers.map((h, i) => Math.max(h.length, ...full.map((r) => r[i]!.length), ...(i === 0 ? table.rows.map((r) => r[0]!.length) : [])));
  const line = (cells: readonly string[]): string => {
    if (cells.length < n) return cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ');
    return cells.map((c, i) => (table.align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  };
  return [line(table.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

/** GitHub Markdown rendering. */
export function renderMarkdown(table: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${table.headers.map(esc).join(' | ')} |`,
    `|${table.align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...table.rows.map((r) => `| ${[...r, ...new Array<string>(Math.max(0, table.headers.length - r.length)).fill('')].map(esc).join(' | ')} |`),
  ].join('\n');
}

/** One line describing the machine. */
export function machineLine(m: MachineInfo): string {
  return `${m.cpus} × ${m.cpuModel}, ${formatBytes(m.memoryBytes)} RAM, ${m.platform} (kernel ${m.kernel}), Node ${m.node}, disk ${m.disk}, ${m.date}`;
}

/** The whole report as text (what the CLI prints at the end, after the per-case tables). */
export function summaryText(report: BenchReport): string {
  return [`Summary — ${machineLine(report.machine)}`, renderText(summaryTable(report.targets))].join('\n');
}

/** The whole report as the Markdown of docs/BENCHMARKS.md. */
export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const cfg = report.config;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${cfg.quick ? ' -- --quick' : ''}\` on ${m.date.slice(0, 10)}. Do not edit by hand: rerun with`,
    '`npm run bench -- --json bench/results/latest.json --markdown docs/BENCHMARKS.md`.',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpus} × ${m.cpuModel}`,
    `- RAM: ${formatBytes(m.memoryBytes)}`,
    `- OS: ${m.platform}, kernel ${m.kernel}`,
    `- Node: ${m.node}`,
    `- Disk holding the stores: ${m.disk}`,
    `- Size: ${cfg.records} records (small size ${cfg.small}), 24-byte random keys, 150-byte values, fixed seed; ${cfg.runs} run(s) per peer, median shown`,
    '',
    'Every commit of every persistent peer is durable (fsync): lmdb default sync, LevelDB `sync: true`, SQLite WAL with',
    '`synchronous = FULL`, Thunderhead `durable` (default). "written" is what the process passed to write syscalls',
    '(/proc/self/io wchar: the stores\' own writes; write_bytes is in the JSON as dirtiedBytes, but on kernels with large',
    'page-cache folios it counts a whole folio for a small append),',
    '"device" the bytes the disk holding the stores received (/proc/diskstats; shared with anything else writing to it),',
    `"peak RSS" the whole process (the dataset included)${cfg.peakRssPerRun ? ', reset before each run' : ' over its lifetime'}.`,
    '"TH/peer" is Thunderhead\'s median divided by the peer\'s: below 1 Thunderhead is faster (or smaller).',
    '',
    '## Targets (issues 4 and 19)',
    '',
    renderMarkdown(summaryTable(report.targets)),
    '',
    '## Workloads',
  ];
  for (const c of report.cases) {
    out.push('', `### ${c.title}`, '', `_${c.method}._`, '', renderMarkdown(caseTable(c)));
    for (const p of c.peers) if (p.note) out.push('', `Note (${p.peer}): ${p.note}`);
  }
  out.push('');
  return out.join('\n');
}
