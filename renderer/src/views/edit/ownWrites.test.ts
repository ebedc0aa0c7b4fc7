import { describe, expect, it } from 'vitest';
import { headNote, ownWrite, recordOwnWrite } from './ownWrites';

describe('headNote', () => {
  it('says nothing before the head moves', () => {
    expect(headNote(7, 0, undefined)).toBeNull();
  });

  it('says live when another process moved the head', () => {
    expect(headNote(8, 1, undefined)).toBe('live (v#8)');
  });

  it('names this window’s own commit, revert and undo', () => {
    expect(headNote(8, 1, { version: 8, kind: 'commit' })).toBe('committed v#8');
    expect(headNote(9, 2, { version: 9, kind: 'revert' })).toBe('reverted as v#9');
    expect(headNote(7, 3, { version: 7, kind: 'undo' })).toBe('undone back to v#7');
  });

  it('goes back to live when someone else commits after our write', () => {
    expect(headNote(9, 2, { version: 8, kind: 'commit' })).toBe('live (v#9)');
  });
});

describe('recordOwnWrite', () => {
  it('keeps the last write per store', () => {
    recordOwnWrite('s1', { version: 3, kind: 'commit' });
    recordOwnWrite('s1', { version: 4, kind: 'revert' });
    recordOwnWrite('s2', { version: 1, kind: 'undo' });
    expect(ownWrite('s1')).toEqual({ version: 4, kind: 'revert' });
    expect(ownWrite('s2')).toEqual({ version: 1, kind: 'undo' });
    expect(ownWrite('s3')).toBeUndefined();
  });
});
