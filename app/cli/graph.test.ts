import { describe, expect, it } from 'vitest';
import { layoutGraph, type GraphNode } from './graph';

function draw(versions: GraphNode[]): string[] {
  return layoutGraph(versions).map((row) => (row.kind === 'version' ? `${row.lanes} ${versions[row.index].id}` : row.lanes));
}

describe('layoutGraph', () => {
  it('draws a straight line of versions', () => {
    expect(draw([{ id: 3, parents: [2] }, { id: 2, parents: [1] }, { id: 1, parents: [] }])).toEqual(['* 3', '* 2', '* 1']);
  });

  it('draws a fork where two branches share a parent', () => {
    const versions = [
      { id: 5, parents: [3] },
      { id: 4, parents: [2] },
      { id: 3, parents: [2] },
      { id: 2, parents: [1] },
      { id: 1, parents: [] },
    ];
    expect(draw(versions)).toEqual(['* 5', '| * 4', '* | 3', '|/', '* 2', '* 1']);
  });

  it('draws a merge with two parents', () => {
    const versions = [
      { id: 4, parents: [2, 3] },
      { id: 3, parents: [1] },
      { id: 2, parents: [1] },
      { id: 1, parents: [] },
    ];
    expect(draw(versions)).toEqual(['* 4', '|\\', '| * 3', '* | 2', '|/', '* 1']);
  });
});
