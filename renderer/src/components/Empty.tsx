import type { ReactNode } from 'react';

/** A calm placeholder for "nothing here yet", with what to do next. */
export function Empty({ icon, title, children }: { icon?: ReactNode; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      {icon && <div className="empty-icon">{icon}</div>}
      <div className="empty-title">{title}</div>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

/** A small segmented control (exclusive choice). */
export function Segmented<T extends string>({ value, options, onChange, label, size = 'normal' }: { value: T; options: readonly { value: T; label: ReactNode; title?: string }[]; onChange: (v: T) => void; label: string; size?: 'normal' | 'small' }) {
  return (
    <div className={`segmented${size === 'small' ? ' segmented-small' : ''}`} role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" role="radio" aria-checked={o.value === value} className={o.value === value ? 'on' : ''} title={o.title} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
