import { describe, expect, it } from 'vitest';
import { compareLabel, comparesBranches, effectiveFrom } from './forkCompare';

const branches = ['main', 'experiment'];

describe('changes since the fork', () => {
  it('applies only to two different branches', () => {
    expect(comparesBranches('main', 'experiment', branches)).toBe(true);
    expect(comparesBranches('main', 'main', branches)).toBe(false);
    expect(comparesBranches('#3', 'experiment', branches)).toBe(false);
    expect(comparesBranches('main', 'v1', branches)).toBe(false);
  });

  it('compares from the merge base by default, head to head one click away', () => {
    expect(effectiveFrom('main', 'experiment', branches, 'fork', 7)).toBe('#7');
    expect(effectiveFrom('main', 'experiment', branches, 'two-way', 7)).toBe('main');
    // The base is not known yet: nothing is compared (never the two-way diff by mistake).
    expect(effectiveFrom('main', 'experiment', branches, 'fork', undefined)).toBeUndefined();
    // No common version: head to head.
    expect(effectiveFrom('main', 'experiment', branches, 'fork', null)).toBe('main');
    // Not two branches: as typed.
    expect(effectiveFrom('#2', '#5', branches, 'fork', undefined)).toBe('#2');
  });

  it('says which comparison is shown', () => {
    expect(compareLabel('main', 'experiment', branches, 'fork', 7)).toBe('Changes on experiment since it forked from main (merge base #7)');
    expect(compareLabel('main', 'experiment', branches, 'two-way', 7)).toMatch(/^Two-way: main's head → experiment's head/);
    expect(compareLabel('#1', '#2', branches, 'fork', 7)).toBeNull();
  });
});
