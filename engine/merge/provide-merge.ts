/**
 * Every store's merge, mergeBase and cherryPick methods run the functions of this folder: the
 * core only knows the hook (store/merge-hook.ts). engine/index.ts loads this file.
 */
import { provideMerge } from '../store/merge-hook';
import { cherryPick } from './cherry-pick';
import { mergeVersions } from './merge';
import { mergeBase } from './merge-base';

provideMerge({ mergeBase, merge: mergeVersions, cherryPick });
