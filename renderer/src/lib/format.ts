/** Number and size formatting for a dense, tabular UI. Pure functions. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.5 KiB"; exact bytes under 1 KiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 0) return `-${formatBytes(-n)}`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  if (u === 0) return `${v} B`;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** 0.4567 → "45.7%"; clamps to 0..100 for display only when asked. */
export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—';
  const p = fraction * 100;
  if (p !== 0 && Math.abs(p) < 0.1 && digits <= 1) return '<0.1%';
  return `${p.toFixed(p === 100 || p === 0 ? 0 : digits)}%`;
}

/** Short count: 1234 → "1.2k", 1234567 → "1.2M". */
export function formatShortCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return `${(n / 1e3).toFixed(a < 1e4 ? 1 : 0)}k`;
  if (a < 1e9) return `${(n / 1e6).toFixed(a < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** Byte offset in hex, as file viewers show it: 0x0001f2a0. */
export function formatOffset(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Milliseconds since the epoch → "2025-11-25 08:47:02" in local time. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—';
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "…/dir/demo.th" → "demo.th" (both separators: the path may come from Windows). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** "…/dir/demo.th" → "…/dir". */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? '' : path.slice(0, i);
}

/** Groups hex in bytes: "a1b2c3" → "a1 b2 c3". */
export function spacedHex(hex: string): string {
  return hex.replace(/(..)(?!$)/g, '$1 ');
}

/** Rows of a hex dump: offset, 16 bytes in hex, printable ASCII. */
export interface HexDumpRow {
  readonly offset: number;
  readonly hex: readonly string[];
  readonly ascii: string;
}

export function hexDump(hex: string, bytesPerRow = 16, maxRows = Infinity): HexDumpRow[] {
  const rows: HexDumpRow[] = [];
  const total = hex.length / 2;
  for (let off = 0; off < total && rows.length < maxRows; off += bytesPerRow) {
    const bytes: string[] = [];
    let ascii = '';
    for (let i = off; i < Math.min(total, off + bytesPerRow); i += 1) {
      const b = hex.slice(i * 2, i * 2 + 2);
      bytes.push(b);
      const c = parseInt(b, 16);
      ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '·';
    }
    rows.push({ offset: off, hex: bytes, ascii });
  }
  return rows;
}

/**
 * The serve host's allowed places in a few words: "/data or ~/exports" (folders only when
 * `foldersOnly`, for saving). O(places).
 */
export function placesText(places: { readonly files: readonly string[]; readonly dirs: readonly string[] }, foldersOnly = false): string {
  const all = foldersOnly ? places.dirs : [...places.dirs, ...places.files];
  if (all.length === 0) return foldersOnly ? 'no folder (start serve with --allow-dir)' : 'the files named on the command line';
  const shown = all.slice(0, 3).join(', ');
  return all.length > 3 ? `${shown} and ${all.length - 3} more` : shown;
}
