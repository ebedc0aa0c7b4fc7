import type { MergeHost } from './merge';
import type { CherryPickOptions, MergeResult } from './merge-types';

/** Applies one version's changes to a branch (see Store.cherryPick). */
export function cherryPick(host: MergeHost, version: number | string, opts: CherryPickOptions = {}): MergeResult {
  void host;
  void version;
  void opts;
  throw new Error('not implemented yet');
}
