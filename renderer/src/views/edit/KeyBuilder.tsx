/**
 * Builds a key: tuple elements one by one (string / int / float / bytes / bool / null), or raw
 * bytes as hex. Reports the built key input (or why it cannot be built) on every change.
 */
import { useEffect, useState } from 'react';
import type { KeyInput } from '../../../../app/contract';
import { Segmented } from '../../components/Empty';
import { IconX } from '../../components/Icons';
import { buildHexKey, buildKey, type Built, type ElementType, type KeyElement } from './keyBuilder';

const TYPES: readonly { value: ElementType; label: string }[] = [
  { value: 'string', label: 'string' },
  { value: 'int', label: 'int' },
  { value: 'float', label: 'float' },
  { value: 'bytes', label: 'bytes (hex)' },
  { value: 'bool', label: 'bool' },
  { value: 'null', label: 'null' },
];

const PLACEHOLDER: Record<ElementType, string> = { string: 'users', int: '42', float: '1.5', bytes: '0a1b', bool: 'true', null: '' };

/** Initial state of a {@link KeyBuilder}: tuple elements, or hex for raw byte keys. */
export interface KeyDraft {
  readonly mode: 'tuple' | 'hex';
  readonly elements: readonly KeyElement[];
  readonly hex: string;
}

/** An empty draft: one string element. */
export const EMPTY_KEY: KeyDraft = { mode: 'tuple', elements: [{ type: 'string', text: '' }], hex: '' };

/** The key builder: typed tuple elements, or raw hex. */
export function KeyBuilder({ initial, onChange, autoFocus = false }: { initial: KeyDraft; onChange: (built: Built<KeyInput>) => void; autoFocus?: boolean }) {
  const [mode, setMode] = useState(initial.mode);
  const [elements, setElements] = useState<readonly KeyElement[]>(initial.elements);
  const [hex, setHex] = useState(initial.hex);
  const built = mode === 'hex' ? buildHexKey(hex) : buildKey(elements);

  useEffect(() => {
    onChange(mode === 'hex' ? buildHexKey(hex) : buildKey(elements));
    // onChange is a setter from the parent: the key depends only on what is typed.
  }, [mode, elements, hex]);

  const set = (i: number, e: KeyElement) => setElements(elements.map((x, j) => (j === i ? e : x)));

  return (
    <div className="key-builder" data-testid="key-builder">
      <div className="key-builder-head">
        <span className="field-label">Key</span>
        <Segmented
          label="Key kind"
          size="small"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'tuple', label: 'Tuple', title: 'A tuple of typed elements (sorts element by element)' },
            { value: 'hex', label: 'Raw hex', title: 'Raw key bytes typed as hex' },
          ]}
        />
      </div>
      {mode === 'hex' ? (
        <input className="input mono" value={hex} onChange={(e) => setHex(e.target.value)} placeholder="0a1b2c" spellCheck={false} aria-label="Key bytes (hex)" data-testid="key-hex" autoFocus={autoFocus} />
      ) : (
        <ol className="key-elements">
          {elements.map((e, i) => (
            <li key={i} className="key-element">
              <span className="dim mono small">{i + 1}</span>
              <select className="input input-small" value={e.type} onChange={(ev) => set(i, { type: ev.target.value as ElementType, text: ev.target.value === 'bool' ? 'true' : e.text })} aria-label={`Element ${i + 1} type`} data-testid="key-element-type">
                {TYPES.map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.label}
                  </option>
                ))}
              </select>
              {e.type === 'bool' ? (
                <select className="input input-small grow" value={e.text} onChange={(ev) => set(i, { ...e, text: ev.target.value })} aria-label={`Element ${i + 1}`}>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input
                  className="input input-small mono grow"
                  value={e.text}
                  disabled={e.type === 'null'}
                  onChange={(ev) => set(i, { ...e, text: ev.target.value })}
                  placeholder={PLACEHOLDER[e.type]}
                  spellCheck={false}
                  aria-label={`Element ${i + 1}`}
                  data-testid="key-element"
                  autoFocus={autoFocus && i === 0}
                />
              )}
              <button type="button" className="btn btn-ghost btn-icon btn-tiny" title="Remove this element" aria-label={`Remove element ${i + 1}`} onClick={() => setElements(elements.filter((_, j) => j !== i))} disabled={elements.length === 1}>
                <IconX size={12} />
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setElements([...elements, { type: 'int', text: '' }])} data-testid="key-add-element">
              + Element
            </button>
          </li>
        </ol>
      )}
      {!built.ok && <div className="field-error small">{built.error}</div>}
    </div>
  );
}
