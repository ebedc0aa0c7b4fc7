import { describe, expect, it } from 'vitest';
import { bucketLabels, clampFraction, fillLevel, histogramMean, levelsLeafFirst, liveShare, niceMax, totalNodes } from './fill';

describe('fill math', () => {
  it('clamps fractions for drawing', () => {
    expect(clampFraction(-1)).toBe(0);
    expect(clampFraction(Number.NaN)).toBe(0);
    expect(clampFraction(0.3)).toBe(0.3);
    expect(clampFraction(1.7)).toBe(1);
  });
  it('grades fill levels', () => {
    expect(fillLevel(0.1)).toBe('low');
    expect(fillLevel(0.5)).toBe('normal');
    expect(fillLevel(0.95)).toBe('high');
    expect(fillLevel(1.2)).toBe('over');
  });
  it('labels histogram buckets and estimates the mean', () => {
    expect(bucketLabels(10)[0]).toBe('0–10%');
    expect(bucketLabels(10)[9]).toBe('90–100%');
    expect(histogramMean([0, 0, 0, 0, 0, 0, 0, 0, 0, 4])).toBeCloseTo(0.95);
    expect(histogramMean([1, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBeCloseTo(0.5);
    expect(histogramMean(new Array(10).fill(0))).toBe(0);
  });
  it('shares live bytes and totals nodes', () => {
    expect(liveShare(0, 0)).toBe(1);
    expect(liveShare(3, 1)).toBe(0.75);
    expect(totalNodes([346, 7, 1])).toBe(354);
  });
  it('orders node counts leaves first whichever way they came', () => {
    expect(levelsLeafFirst([346, 7, 1])).toEqual([346, 7, 1]);
    expect(levelsLeafFirst([1, 7, 346])).toEqual([346, 7, 1]);
    expect(levelsLeafFirst([1])).toEqual([1]);
  });
  it('rounds axis maxima to 1-2-5 steps', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(346)).toBe(500);
    expect(niceMax(120)).toBe(200);
    expect(niceMax(1000)).toBe(1000);
  });
});
