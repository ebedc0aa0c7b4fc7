/** A key in monospace: the decoded tuple with typed colours, or raw hex. */
import type { Json, KeyView } from '../../../app/contract';
import { hexToPrintable, partialTokens, tupleTokens, type Token } from '../lib/keys';
import { spacedHex } from '../lib/format';

export function Tokens({ tokens, className }: { tokens: readonly Token[]; className?: string }) {
  return (
    <span className={`mono tokens${className ? ` ${className}` : ''}`}>
      {tokens.map((t, i) => (
        <span key={i} className={`tok-${t.kind}`}>
          {t.text}
        </span>
      ))}
    </span>
  );
}

export function TupleText({ json }: { json: Json }) {
  return <Tokens tokens={tupleTokens(json)} />;
}

export function KeyText({ k, showHex = false }: { k: KeyView; showHex?: boolean }) {
  if (!showHex && !k.decoded && k.partial) {
    // A pivot cut mid-element: what decodes, then the cut mark; the hex on hover.
    return (
      <span title={`A key prefix cut inside an element (suffix truncation): 0x${k.hex}`} data-partial="true">
        <Tokens tokens={partialTokens(k.partial)} />
      </span>
    );
  }
  if (showHex || !k.decoded) {
    return (
      <span className="mono key-hex" title={hexToPrintable(k.hex)}>
        {k.hex === '' ? <span className="tok-null">(empty)</span> : spacedHex(k.hex)}
      </span>
    );
  }
  return <TupleText json={k.json} />;
}
