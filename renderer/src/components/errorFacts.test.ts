import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/transport';
import { errorFacts } from './ErrorPanel';

describe('errorFacts', () => {
  it('pulls what and where out of a corrupt-file message', () => {
    const f = errorFacts(new ApiError('CORRUPT', '/data/x.th is damaged: bad checksum at byte 1500000; run `thunderhead check /data/x.th`'), '/data/x.th');
    expect(f).toMatchObject({ title: 'The store file is damaged', code: 'CORRUPT', offset: 1_500_000, file: '/data/x.th', where: 'byte 1,500,000 (0x0016e360)' });
  });
  it('names the file even without the path given', () => {
    const f = errorFacts(new ApiError('NOT_A_STORE', '/tmp/c.th is not a Thunderhead store (no header)'));
    expect(f.file).toBe('/tmp/c.th');
    expect(f.offset).toBeNull();
    expect(f.where).toBe('the file header (byte 0)');
  });
  it('copes with anything thrown', () => {
    expect(errorFacts('weird').title).toBe('Something went wrong');
  });
});
