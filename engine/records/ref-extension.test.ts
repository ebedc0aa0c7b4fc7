import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refArb } from './arbitraries';
import { Ref } from './ref';
import { decodeValue, encodeValue } from './value';

/**
 * The Ref extension's bytes are pinned: these were written by the hand-written packer this
 * module had before msgpackr packed the payload (041154f). Short encodings are kept whole,
 * long ones as `sha256:<digest>:<length>`.
 */
const WRITTEN_BEFORE: Readonly<Record<string, string>> = {
  'key only': 'c7065491c403206100',
  'tuple key': 'c70e5491c40b20757365727300158102c0',
  'view': 'd85492c404158102c0c40720757365727300',
  'view and version': 'c7155493c404158102c0c40b207573657273002065750003',
  'version 0': 'd75493c403206b00c000',
  'version 1': 'd75493c403206b00c001',
  'version 127': 'd75493c403206b00c07f',
  'version 128': 'c7095493c403206b00c0cc80',
  'version 255': 'c7095493c403206b00c0ccff',
  'version 256': 'c70a5493c403206b00c0cd0100',
  'version 65535': 'c70a5493c403206b00c0cdffff',
  'version 65536': 'c70c5493c403206b00c0ce00010000',
  'version 4294967295': 'c70c5493c403206b00c0ceffffffff',
  'version 4294967296': 'd85493c403206b00c0cf0000000100000000',
  'version 1099511627781': 'd85493c403206b00c0cf0000010000000005',
  'version 9007199254740991': 'd85493c403206b00c0cf001fffffffffffff',
  'version name of 1 bytes': 'c7095493c403206b00c0a176',
  'version name of 31 bytes': 'c7275493c403206b00c0bf76767676767676767676767676767676767676767676767676767676767676',
  'version name of 32 bytes': 'c7295493c403206b00c0d9207676767676767676767676767676767676767676767676767676767676767676',
  'version name of 255 bytes': 'sha256:2afa34375e6069ffc29f0573fe8854516fb80c95582127b01131e824f90a6320:268',
  'version name of 256 bytes': 'sha256:82015003104d29fb0ff0bf1d689af1cba65a38d94a5e3cfc3fb40723fbcf6952:270',
  'version name of 65535 bytes': 'sha256:45dc6e9137f692076c19a477c1c0b6c5a3955c0b78c51aa8d46f439045b33e82:65551',
  'version name of 65536 bytes': 'sha256:930371c3c3a4086b2afb01704c52632d5eeb0678092b4578f88978afa6f55cb3:65554',
  'version name multibyte': 'c73f5493c403206b00c0d936736ec3a47073686f7420e2988120f09d849e736ec3a47073686f7420e2988120f09d849e736ec3a47073686f7420e2988120f09d849e',
  'version name 31 chars 62 bytes': 'c7475493c403206b00c0d93ec3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4c3a4',
  'key of 200 chars': 'sha256:8951d147a8310a818eb88eb520392ea3faf913c382ff5098fc0799ee1acc4e50:211',
  'key of 300 chars': 'sha256:ed5891d9c9cbfb6915d4b8213adfa0b275381715e5e04c7410c3f62ed72c984c:313',
  'key of 70000 chars': 'sha256:5b78a9ef7da99a3f26229f5579d38289ebd32e262f08b0b6eaf83f278830dfe6:70017',
  'view of 70000 chars': 'sha256:bca42179ed8c7a121cf733aea6172073b0cb83234322ca8431558ae924ff8ab6:70019',
  'refs inside a value': '82a16192c7065491c403207800c7095493c403207900c0a16ea162c7115492c407207a0015814600c4050205158080',
};

/** The values whose bytes are pinned above, by name. */
function refCases(): { name: string; value: unknown }[] {
  const s = (n: number, c = 'v') => c.repeat(n);
  const cases: { name: string; value: unknown }[] = [
    { name: 'key only', value: new Ref('a') },
    { name: 'tuple key', value: new Ref(['users', 7]) },
    { name: 'view', value: new Ref(7, { view: ['users'] }) },
    { name: 'view and version', value: new Ref(7, { view: ['users', 'eu'], version: 3 }) },
  ];
  for (const v of [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) cases.push({ name: `version ${v}`, value: new Ref(['k'], { version: v }) });
  for (const n of [1, 31, 32, 255, 256, 65535, 65536]) cases.push({ name: `version name of ${n} bytes`, value: new Ref(['k'], { version: s(n) }) });
  cases.push({ name: 'version name multibyte', value: new Ref(['k'], { version: 'snäpshot ☁ 𝄞'.repeat(3) }) });
  cases.push({ name: 'version name 31 chars 62 bytes', value: new Ref(['k'], { version: 'ä'.repeat(31) }) });
  for (const n of [200, 300, 70000]) cases.push({ name: `key of ${n} chars`, value: new Ref(['k', s(n, 'x')]) });
  cases.push({ name: 'view of 70000 chars', value: new Ref(1, { view: [s(70000, 'y')] }) });
  cases.push({ name: 'refs inside a value', value: { a: [new Ref('x'), new Ref('y', { version: 'n' })], b: new Ref(['z', 1n << 70n], { view: [null, true, 1.5] }) } });
  return cases;
}

function digest(bytes: Buffer): string {
  return bytes.length <= 200 ? bytes.toString('hex') : `sha256:${createHash('sha256').update(bytes).digest('hex')}:${bytes.length}`;
}

describe('the Ref extension on disk', () => {
  it('writes the bytes it always wrote: every header size of key, view, version id and name', () => {
    const cases = refCases();
    expect(cases.map((c) => c.name)).toEqual(Object.keys(WRITTEN_BEFORE));
    for (const c of cases) expect(digest(encodeValue(c.value)), c.name).toBe(WRITTEN_BEFORE[c.name]);
  });

  it('decodes bytes written before and encodes them again identically', () => {
    for (const [name, hex] of Object.entries(WRITTEN_BEFORE)) {
      if (hex.startsWith('sha256:')) continue;
      const bytes = Buffer.from(hex, 'hex');
      expect(encodeValue(decodeValue(bytes)).toString('hex'), name).toBe(hex);
    }
    for (const c of refCases()) expect(digest(encodeValue(decodeValue(encodeValue(c.value)))), c.name).toBe(WRITTEN_BEFORE[c.name]);
  });

  it('round-trips any Ref byte for byte, alone and among other values', () => {
    fc.assert(
      fc.property(fc.array(refArb, { minLength: 1, maxLength: 4 }), (refs) => {
        const bytes = encodeValue({ refs, one: refs[0] });
        const back = decodeValue(bytes) as { refs: Ref[]; one: Ref };
        expect(back.refs.every((r, i) => r.equals(refs[i]))).toBe(true);
        expect(encodeValue(back)).toEqual(bytes);
      }),
      { seed: 0x7ef5, numRuns: 300 },
    );
  });
});
