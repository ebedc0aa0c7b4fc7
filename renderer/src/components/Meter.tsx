/** A thin labelled bar for fill (blue) and buffer occupancy (teal). */
import { clampFraction, fillLevel } from '../lib/fill';
import { formatPercent } from '../lib/format';

export function Meter({ value, kind, label, title, compact = false }: { value: number; kind: 'fill' | 'buffer'; label?: string; title?: string; compact?: boolean }) {
  const level = fillLevel(value);
  return (
    <div className={`meter meter-${kind} meter-${level}${compact ? ' meter-compact' : ''}`} title={title ?? `${label ?? kind}: ${formatPercent(value)}`}>
      {label !== undefined && <span className="meter-label">{label}</span>}
      <span className="meter-track" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value * 100)} aria-label={label ?? kind}>
        <span className="meter-value" style={{ width: `${clampFraction(value) * 100}%` }} />
      </span>
      <span className="meter-text">{formatPercent(value, 0)}</span>
    </div>
  );
}
