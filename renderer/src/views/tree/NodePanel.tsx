/**
 * The node panel: level, address (offset, length, kind, checksum), the journal chain, the
 * shared prefix, keys decompressed and as stored, the hitchhiker buffer's messages and the
 * children with their key bounds.
 */
import { useState, type ReactNode } from 'react';
import type { AddressData, KeyView, NodeData, PathStep } from '../../../../app/contract';
import type { ApiError } from '../../api/transport';
import { CopyButton } from '../../components/CopyButton';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconRecords, IconX } from '../../components/Icons';
import { KeyText } from '../../components/KeyText';
import { Meter } from '../../components/Meter';
import { Spinner } from '../../components/Progress';
import { formatBytes, formatCount, formatOffset, spacedHex } from '../../lib/format';
import { hexToPrintable } from '../../lib/keys';
import { childBounds, levelLabel } from './model';

type Tab = 'buffer' | 'keys' | 'children';

export function NodePanel({
  address,
  node,
  error,
  height,
  step,
  searchKeyHex,
  onClose,
  onSelectChild,
  onShowKey,
}: {
  address: AddressData | null;
  node: NodeData | undefined;
  error: ApiError | undefined;
  height: number;
  step: PathStep | undefined;
  searchKeyHex: string | null;
  onClose: () => void;
  onSelectChild: (a: AddressData) => void;
  onShowKey: (k: KeyView) => void;
}) {
  const [tab, setTab] = useState<Tab | null>(null);
  const [hexKeys, setHexKeys] = useState(false);
  const kind = node?.kind ?? (address?.kind === 'leaf' ? 'leaf' : 'internal');
  const defaultTab: Tab = kind === 'internal' && (node?.buffer.length ?? 0) > 0 ? 'buffer' : 'keys';
  // The panel outlives the node it shows: a tab picked on an internal node (Buffer, Children)
  // does not exist on a leaf, so a leaf opened next ("Find path") falls back to its Keys.
  const active = tab !== null && (kind === 'internal' || tab === 'keys') ? tab : defaultTab;
  const touching = new Set(step?.messages.map((m) => m.seq) ?? []);

  return (
    <div className="node-panel" data-testid="node-panel">
      <div className="panel-head">
        <div>
          <div className="panel-title">{address ? levelLabel(address.level, height, kind) : 'Node'}</div>
          {address && <div className="mono small dim">{formatOffset(address.offset)}</div>}
        </div>
        <span className="grow" />
        <button type="button" className="btn btn-ghost btn-icon" aria-label="Close node panel" title="Close (Esc)" onClick={onClose}>
          <IconX />
        </button>
      </div>
      <div className="panel-body scroll">
        {error && <ErrorPanel error={error} compact />}
        {!node && !error && <Spinner label="Reading the node…" />}
        {address && (
          <dl className="facts">
            <dt>Level</dt>
            <dd>
              {address.level} {address.level === height - 1 ? '(root)' : address.level === 0 ? '(leaves)' : ''}
            </dd>
            <dt>Kind</dt>
            <dd>{address.kind === 'delta' ? 'internal · journal segment' : address.kind}</dd>
            <dt>Offset</dt>
            <dd className="mono">
              {formatCount(address.offset)} <span className="dim">({formatOffset(address.offset)})</span>
            </dd>
            <dt>Length</dt>
            <dd className="mono">{formatBytes(address.length)}</dd>
            <dt>Checksum</dt>
            <dd className="mono">{address.checksum.toString(16).padStart(8, '0')}</dd>
            {node && (
              <>
                <dt>Encoded</dt>
                <dd className="mono">{formatBytes(node.encodedBytes)}</dd>
              </>
            )}
          </dl>
        )}
        {node && (
          <>
            <div className="panel-meters">
              <Meter value={node.fill} kind="fill" label={node.kind === 'leaf' ? 'Fill (of node size)' : 'Fill (of fanout)'} />
              {node.kind === 'internal' && <Meter value={node.bufferFill} kind="buffer" label={`Buffer · ${formatCount(node.buffer.length)} msgs · ${formatBytes(node.bufferBytes)}`} />}
            </div>

            <div className="panel-section">
              <div className="section-title">
                Shared prefix <span className="dim small">{formatCount(node.prefix.length)} bytes, stored once</span>
                <span className="grow" />
                {node.prefix.length > 0 && <CopyButton text={node.prefix.hex} label="Hex" title="Copy the prefix as hex" />}
              </div>
              {node.prefix.length > 0 ? (
                <div className="mono small prefix-box" title={hexToPrintable(node.prefix.hex)}>
                  {spacedHex(node.prefix.hex)}
                  <div className="dim">{hexToPrintable(node.prefix.hex)}</div>
                </div>
              ) : (
                <div className="small dim">No prefix shared by every key.</div>
              )}
            </div>

            {node.chain.length > 1 && (
              <div className="panel-section">
                <div className="section-title">
                  Journal chain <span className="dim small">newest segment first, then the base image</span>
                </div>
                <table className="mini-table mono small">
                  <tbody>
                    {node.chain.map((a, i) => (
                      <tr key={`${a.offset}-${i}`}>
                        <td className="dim">{i === node.chain.length - 1 ? 'base' : `seg ${node.chain.length - 1 - i}`}</td>
                        <td>{formatOffset(a.offset)}</td>
                        <td className="num">{formatBytes(a.length)}</td>
                        <td className="dim">{a.kind}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}

            <div className="tabs" role="tablist">
              {node.kind === 'internal' && (
                <TabButton on={active === 'buffer'} onClick={() => setTab('buffer')} testId="tab-buffer">
                  Buffer <span className="count">{formatCount(node.buffer.length)}</span>
                </TabButton>
              )}
              <TabButton on={active === 'keys'} onClick={() => setTab('keys')} testId="tab-keys">
                {node.kind === 'leaf' ? 'Keys' : 'Pivots'} <span className="count">{formatCount(node.keys.length)}</span>
              </TabButton>
              {node.kind === 'internal' && (
                <TabButton on={active === 'children'} onClick={() => setTab('children')} testId="tab-children">
                  Children <span className="count">{formatCount(node.children.length)}</span>
                </TabButton>
              )}
              <span className="grow" />
              <label className="check small" title="Show keys and pivots as raw hex bytes">
                <input type="checkbox" checked={hexKeys} onChange={(e) => setHexKeys(e.target.checked)} data-testid="panel-hex-keys" />
                <span>Hex</span>
              </label>
            </div>

            {active === 'buffer' && node.kind === 'internal' && (
              <div role="tabpanel" data-testid="buffer-messages">
                {node.buffer.length === 0 ? (
                  <div className="small dim pad">The buffer is empty: no writes are waiting to move down from this node.</div>
                ) : (
                  <table className="mini-table small">
                    <thead>
                      <tr>
                        <th className="num col-seq">seq</th>
                        <th className="col-op">op</th>
                        <th>key</th>
                        <th className="num col-size">value</th>
                      </tr>
                    </thead>
                    <tbody>
                      {node.buffer.map((m) => (
                        <tr key={m.seq} className={touching.has(m.seq) || (searchKeyHex !== null && m.key.hex === searchKeyHex) ? 'hit' : ''} data-testid="buffer-message">
                          <td className="num mono dim">{m.seq}</td>
                          <td>
                            <span className={`op op-${m.op}`}>{m.op}</span>
                          </td>
                          <td className="ellipsis-cell">
                            <KeyText k={m.key} showHex={hexKeys} />
                            {m.end && (
                              <>
                                <span className="dim"> … </span>
                                <KeyText k={m.end} showHex={hexKeys} />
                              </>
                            )}
                          </td>
                          <td className="num mono">{m.op === 'put' ? formatBytes(m.valueLength) : '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            )}

            {active === 'keys' && (
              <div role="tabpanel">
                <table className="mini-table small">
                  <thead>
                    <tr>
                      <th className="num col-idx">#</th>
                      <th>{node.kind === 'leaf' ? 'key' : 'pivot'}</th>
                      <th className="col-stored" title="Bytes shared with the node prefix [n], then the suffix actually stored">as stored</th>
                      {node.kind === 'leaf' && <th className="num col-size">value</th>}
                      {node.kind === 'leaf' && <th className="col-act" />}
                    </tr>
                  </thead>
                  <tbody>
                    {node.keys.map((k, i) => {
                      const s = node.stored[i];
                      const v = node.values[i];
                      return (
                        <tr key={i} className={searchKeyHex === k.hex ? 'hit' : ''}>
                          <td className="num mono dim">{i}</td>
                          <td className="ellipsis-cell" data-testid="node-key">
                            <KeyText k={k} showHex={hexKeys} />
                          </td>
                          <td className="mono ellipsis-cell stored" title={s ? `${s.shared} shared bytes + ${s.suffixHex.length / 2} stored` : ''}>
                            {s ? (
                              <>
                                <span className="dim">[{s.shared}]</span> {s.suffixHex || <span className="dim">∅</span>}
                              </>
                            ) : (
                              '—'
                            )}
                          </td>
                          {node.kind === 'leaf' && (
                            <td className="num mono">
                              {v ? formatBytes(v.length) : '—'}
                              {v?.large && <span className="tag tag-large">L</span>}
                            </td>
                          )}
                          {node.kind === 'leaf' && (
                            <td>
                              <button type="button" className="btn btn-icon btn-ghost btn-tiny" title="Open in Records" aria-label="Open in Records" onClick={() => onShowKey(k)}>
                                <IconRecords size={12} />
                              </button>
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}

            {active === 'children' && node.kind === 'internal' && (
              <div role="tabpanel">
                <table className="mini-table small">
                  <thead>
                    <tr>
                      <th className="num col-idx">#</th>
                      <th>covers keys from</th>
                      <th className="col-offset">offset</th>
                      <th className="num col-size">length</th>
                    </tr>
                  </thead>
                  <tbody>
                    {node.children.map((c, i) => {
                      const b = childBounds(node, i);
                      const onPath = step && step.index === i;
                      return (
                        <tr key={`${c.offset}-${i}`} className={`clickable${onPath ? ' hit' : ''}`} onClick={() => onSelectChild(c)} title="Select this child">
                          <td className="num mono dim">{i}</td>
                          <td className="ellipsis-cell">{b.lower ? <KeyText k={b.lower} showHex={hexKeys} /> : <span className="dim">−∞</span>}</td>
                          <td className="mono">{formatOffset(c.offset)}</td>
                          <td className="num mono">{formatBytes(c.length)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function TabButton({ on, onClick, children, testId }: { on: boolean; onClick: () => void; children: ReactNode; testId: string }) {
  return (
    <button type="button" role="tab" aria-selected={on} className={`tab${on ? ' on' : ''}`} onClick={onClick} data-testid={testId}>
      {children}
    </button>
  );
}
