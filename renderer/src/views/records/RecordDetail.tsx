/**
 * One record in full: the key (tuple or hex), the value (JSON tree or hex dump), copy buttons,
 * references as links. Page rows carry previews; the full value is fetched with
 * `records.value` only when the preview is cut or the value is large (and then only on
 * request above a size, since a blob can be megabytes).
 */
import { useState } from 'react';
import type { RecordRow, ValueView } from '../../../../app/contract';
import { useCall } from '../../api/hooks';
import { useRefStatus } from '../../api/useRefStatus';
import { CopyButton } from '../../components/CopyButton';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { HexView } from '../../components/HexView';
import { IconTree } from '../../components/Icons';
import { JsonTree } from '../../components/JsonTree';
import { KeyText } from '../../components/KeyText';
import { Spinner } from '../../components/Progress';
import { formatBytes, formatCount } from '../../lib/format';
import { keyText, type RefTarget } from '../../lib/keys';
import { formatJsonText } from '../../../../app/contract/json-text';
import type { StagedMark } from '../edit/useEdit';
import { useSession } from '../../shell/session';

/** Values up to this size load by themselves when selected; bigger ones wait for a click. */
const AUTO_LOAD_BYTES = 256 * 1024;

/** Whether the row's preview is the whole value, or the full value must be fetched. */
export function needsFullValue(v: ValueView): boolean {
  return !v.loaded || v.jsonTruncated || v.hexTruncated;
}

/**
 * `staged` says the record has an uncommitted change: `row.value` is then the staged value
 * (a preview, never replaced by the stored one), or the stored value of a staged delete.
 */
export function RecordDetail({ row, storeId, onRef, onShowInTree, staged }: { row: RecordRow; storeId: string; onRef: (r: RefTarget) => void; onShowInTree: () => void; staged?: StagedMark | undefined }) {
  const [keyMode, setKeyMode] = useState<'tuple' | 'hex'>(row.key.decoded ? 'tuple' : 'hex');
  const [valueMode, setValueMode] = useState<'json' | 'hex'>(row.value.decoded || !row.value.loaded ? 'json' : 'hex');
  const [loadRequested, setLoadRequested] = useState(false);
  // `records.value` reads the store: for a staged value it would bring back the old one.
  const stagedValue = staged === 'changed' || staged === 'added';
  const needFull = !stagedValue && needsFullValue(row.value);
  const autoLoad = row.value.length <= AUTO_LOAD_BYTES;
  // Time travel: the value as of the version the list shows.
  const at = useSession().at?.version;
  const full = useCall('records.value', needFull && (autoLoad || loadRequested) ? { storeId, key: { hex: row.key.hex }, ...(at !== undefined ? { at } : {}) } : null, { staleTime: 60_000 });
  const value: ValueView | null = needFull ? (full.data?.value ?? null) : row.value;
  const refStatus = useRefStatus(storeId, value?.decoded ? value.json : null, at);

  return (
    <div className="detail scroll" data-testid="record-detail">
      <section className="detail-section">
        <div className="detail-head">
          <span className="detail-title">Key</span>
          <span className="dim small">{formatCount(row.key.length)} bytes</span>
          <span className="grow" />
          {row.key.decoded && (
            <Segmented
              label="Key display"
              size="small"
              value={keyMode}
              onChange={setKeyMode}
              options={[
                { value: 'tuple', label: 'Tuple' },
                { value: 'hex', label: 'Hex' },
              ]}
            />
          )}
          <CopyButton text={() => (keyMode === 'hex' ? row.key.hex : keyText(row.key))} label="Copy" title="Copy the key" />
        </div>
        <div className="detail-key" data-testid="detail-key">
          <KeyText k={row.key} showHex={keyMode === 'hex'} />
        </div>
        {!row.key.decoded && <div className="small dim">Not a tuple encoding: shown as raw bytes.</div>}
        <div className="detail-actions">
          <button type="button" className="btn btn-small btn-ghost" onClick={onShowInTree} title="Show where this key lives in the tree">
            <IconTree size={14} /> Show in tree
          </button>
        </div>
      </section>

      <section className="detail-section grow-section">
        <div className="detail-head">
          <span className="detail-title">Value</span>
          <span className="dim small">{formatBytes(row.value.length)}</span>
          {row.value.large && <span className="tag tag-large" title="Stored off-tree in blob chunks">large · off-tree</span>}
          <span className="grow" />
          <Segmented
            label="Value display"
            size="small"
            value={valueMode}
            onChange={setValueMode}
            options={[
              { value: 'json', label: 'JSON' },
              { value: 'hex', label: 'Hex' },
            ]}
          />
          {value && <CopyButton text={() => (valueMode === 'hex' || !value.decoded ? value.hex : formatJsonText(value.json, 2))} label="Copy" title="Copy the value" />}
        </div>
        {stagedValue && (
          <div className="notice small" data-testid="detail-staged">
            Staged, not committed: this is the value the record will hold after you commit{row.value.jsonTruncated || row.value.hexTruncated ? ' (a preview; long parts are cut)' : ''}.
          </div>
        )}
        {staged === 'removed' && (
          <div className="notice small" data-testid="detail-staged">
            Staged for deletion: the record goes when you commit. This is the value it holds now.
          </div>
        )}

        {needFull && !autoLoad && !loadRequested && (
          <div className="lazy-value">
            <div>
              This value is <strong>{formatBytes(row.value.length)}</strong>
              {row.value.large ? ', stored off-tree' : ''}. It is loaded only when you ask.
            </div>
            <button type="button" className="btn btn-primary btn-small" onClick={() => setLoadRequested(true)} data-testid="load-value">
              Load value
            </button>
          </div>
        )}
        {needFull && full.isLoading && <Spinner label={`Loading ${formatBytes(row.value.length)}…`} />}
        {full.error && <ErrorPanel error={full.error} compact />}
        {full.data && !full.data.found && <div className="notice small">This key is no longer in the store (a newer commit removed it).</div>}

        {value && (
          <div className="value-body" data-testid="value-body">
            {valueMode === 'json' && value.decoded ? (
              <>
                {value.jsonTruncated && <div className="small warn">Preview: long strings and lists are cut.</div>}
                <JsonTree value={value.json} onRef={onRef} refStatus={refStatus} />
              </>
            ) : valueMode === 'json' && !value.decoded ? (
              <>
                <div className="small dim">Not MessagePack{value.decodeError ? ` (${value.decodeError})` : ''}: showing bytes.</div>
                <HexView hex={value.hex} truncatedFrom={value.length} />
              </>
            ) : (
              <>
                {value.hexTruncated && <div className="small dim">Showing the first {formatBytes(value.hex.length / 2)} of {formatBytes(value.length)}.</div>}
                <HexView hex={value.hex} truncatedFrom={value.length} />
              </>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
