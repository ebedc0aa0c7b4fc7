/**
 * `thunderhead/level`: an abstract-level database on a Thunderhead store file, for code written
 * against `level` / `classic-level`. Imports the engine's public API only.
 */
export { ThunderheadLevel, type ThunderheadLevelOptions } from './thunderhead-level';
export { ThunderheadIterator } from './iterator';
export { ThunderheadSnapshot } from './snapshot';
