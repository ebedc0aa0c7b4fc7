/**
 * Picks a version: type an id (`12` or `#12`), a snapshot or a branch name, or choose one of
 * the suggestions from `versions.list` (snapshots, branches, then the newest versions). Free
 * text stays allowed so any version can be named, and a wrong name gets the service's own
 * "no version, snapshot or branch named …" message where it is used.
 */
import { useId } from 'react';
import type { LineageResult } from '../../../../app/contract';
import { useCall } from '../../api/hooks';

/** Most versions offered as suggestions (any other can still be typed). */
export const SUGGESTED_VERSIONS = 200;

/** One suggestion: what goes in the field, and what the list says about it. */
export interface VersionOption {
  readonly value: string;
  readonly label: string;
}

/** Suggestions from a lineage page: snapshots (newest first), branches, then versions by id. */
export function versionOptions(lineage: LineageResult | undefined): VersionOption[] {
  if (!lineage) return [];
  const out: VersionOption[] = [];
  for (const s of [...lineage.snapshots].reverse()) out.push({ value: s.name, label: `snapshot → #${s.version}${s.message ? ` · ${s.message}` : ''}` });
  for (const b of lineage.branches) out.push({ value: b.name, label: `branch head #${b.head}${b.name === lineage.defaultBranch ? ' (default)' : ''}` });
  for (const v of lineage.versions) out.push({ value: `#${v.id}`, label: `${v.branch} · ${v.message || '(no message)'}` });
  return out;
}

/** The lineage suggestions for a store (shared by every picker on screen through the query cache). */
export function useVersionOptions(storeId: string): VersionOption[] {
  const q = useCall('versions.list', { storeId, limit: SUGGESTED_VERSIONS });
  return versionOptions(q.data);
}

/** A version typed by a person, as the service takes it (the engine resolves names and "#id"). */
export function parseVersionRef(text: string): string | null {
  const t = text.trim();
  return t === '' ? null : t;
}

/** Props of {@link VersionPicker}. */
export interface VersionPickerProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly options: readonly VersionOption[];
  readonly invalid?: boolean;
  readonly testId: string;
  /** Class of the label (colours the side: `side-a`, `side-b`). */
  readonly labelClass?: string;
  readonly placeholder?: string;
}

/** A text field with version suggestions. */
export function VersionPicker({ label, value, onChange, options, invalid = false, testId, labelClass, placeholder = 'id, snapshot or branch' }: VersionPickerProps) {
  const listId = useId();
  return (
    <label className={`version-picker${invalid ? ' invalid' : ''}`}>
      <span className={labelClass}>{label}</span>
      <input
        className="input input-small mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        list={listId}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid || undefined}
        data-testid={testId}
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.value} value={o.value} label={o.label} />
        ))}
      </datalist>
    </label>
  );
}
