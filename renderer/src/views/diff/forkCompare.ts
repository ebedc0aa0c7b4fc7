/**
 * "Changes since the fork": when two branches are compared, what one side did is the diff from
 * their merge base to that branch, not from the other branch's head (which lists everything the
 * other side did as undone). Pure: which comparison applies, and what its label says.
 */

/** How two versions are compared: from the merge base (`fork`) or head to head (`two-way`). */
export type CompareMode = 'fork' | 'two-way';

/** True when `a` and `b` are two different branches (only then has "since the fork" a meaning). O(branches). */
export function comparesBranches(a: string, b: string, branches: readonly string[]): boolean {
  return a !== b && branches.includes(a) && branches.includes(b);
}

/**
 * What the Diff compares: in `fork` mode for two branches, from their merge base (once known)
 * to `b`; otherwise `a` to `b`. `base` undefined: still being looked up (the fork is not known
 * yet, so nothing is compared); null: the branches share no version (compared head to head).
 */
export function effectiveFrom(a: string, b: string, branches: readonly string[], mode: CompareMode, base: number | null | undefined): string | undefined {
  if (mode === 'two-way' || !comparesBranches(a, b, branches)) return a;
  if (base === undefined) return undefined;
  return base === null ? a : `#${base}`;
}

/** The line above the list saying which comparison is shown. */
export function compareLabel(a: string, b: string, branches: readonly string[], mode: CompareMode, base: number | null | undefined): string | null {
  if (!comparesBranches(a, b, branches)) return null;
  if (mode === 'two-way') return `Two-way: ${a}'s head → ${b}'s head (what ${a} did since the fork shows as undone)`;
  if (base === undefined) return `Finding where ${b} forked from ${a}…`;
  if (base === null) return `${a} and ${b} share no version: comparing their heads`;
  return `Changes on ${b} since it forked from ${a} (merge base #${base})`;
}
