/** A classic hex dump: offset, 16 bytes, ASCII. Rows beyond `maxRows` are summarized. */
import { useMemo } from 'react';
import { hexDump } from '../lib/format';

export function HexView({ hex, truncatedFrom, maxRows = 2048 }: { hex: string; truncatedFrom?: number; maxRows?: number }) {
  const rows = useMemo(() => hexDump(hex, 16, maxRows), [hex, maxRows]);
  const shownBytes = Math.min(hex.length / 2, maxRows * 16);
  const total = truncatedFrom ?? hex.length / 2;
  return (
    <div className="hex-view mono" aria-label="Hex dump">
      {rows.length === 0 && <div className="hex-row tok-null">(no bytes)</div>}
      {rows.map((r) => (
        <div className="hex-row" key={r.offset}>
          <span className="hex-off">{r.offset.toString(16).padStart(6, '0')}</span>
          <span className="hex-bytes">
            {r.hex.map((b, i) => (
              <span key={i} className={i === 8 ? 'hex-b gap' : 'hex-b'}>
                {b}
              </span>
            ))}
          </span>
          <span className="hex-ascii">{r.ascii}</span>
        </div>
      ))}
      {shownBytes < total && (
        <div className="hex-more">
          … {(total - shownBytes).toLocaleString('en-US')} more bytes not shown
        </div>
      )}
    </div>
  );
}
