import { describe, expect, it } from 'vitest';
import { baseName, dirName, formatBytes, formatCount, formatOffset, formatPercent, formatShortCount, hexDump, spacedHex } from './format';

describe('format', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(3_199_621)).toBe('3.05 MiB');
    expect(formatBytes(150 * 1024)).toBe('150 KiB');
  });
  it('formats counts, percents and offsets', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.0004)).toBe('<0.1%');
    expect(formatShortCount(1234)).toBe('1.2k');
    expect(formatShortCount(1_500_000)).toBe('1.5M');
    expect(formatOffset(255)).toBe('0x000000ff');
  });
  it('splits paths with either separator', () => {
    expect(baseName('/a/b/demo.th')).toBe('demo.th');
    expect(baseName('C:\\data\\x.th')).toBe('x.th');
    expect(dirName('/a/b/demo.th')).toBe('/a/b');
    expect(dirName('demo.th')).toBe('');
  });
  it('dumps hex with offsets and printable ASCII', () => {
    expect(spacedHex('a1b2c3')).toBe('a1 b2 c3');
    const rows = hexDump('41424300ff', 4);
    expect(rows).toEqual([
      { offset: 0, hex: ['41', '42', '43', '00'], ascii: 'ABC·' },
      { offset: 4, hex: ['ff'], ascii: '·' },
    ]);
  });
});
