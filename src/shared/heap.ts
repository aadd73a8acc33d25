// Sizes V8's heap for a sync: it allocates a lot for a long time and keeps little, so memory should follow what it keeps.
import {PerformanceObserver} from 'node:perf_hooks';
import {getHeapSpaceStatistics, setFlagsFromString} from 'node:v8';

/**
 * V8's defaults suit a server that keeps what it allocates: old space may grow to several times
 * what survived the last full collection before the next one, and new space doubles up to
 * 2 × 16 MB as objects survive scavenges. A sync keeps 10-20 MB (a parent list, the state) while
 * it parses and prints hundreds of MB, so those defaults fill RSS with garbage: about 121 MB for
 * 100k records where a bare pager needs 81-84, and 201 MB for a whole scale-40 workspace. These
 * limits held them to about 87 and 147-152 MB at no CPU cost we could measure; with the reader's
 * batches of 250 records since, 78 and 128-136 MB (bench/results.md).
 * Old space grows 20% past what survived, not 50%: the whole workspace, four runs each in turn,
 * 151-162 MB at 50% and 147-152 at 20%, with the same CPU there and at 100k records.
 * New space is not capped lower: 8 MB cost 11-18% more CPU for 100k records.
 */
export const HEAP_GROWING_PERCENT = 20;
/** New space (both semi-spaces) stops growing at this size. */
export const NEW_SPACE_CAP_BYTES = 16 * 2 ** 20;

/** Flags a user may already have chosen (NODE_OPTIONS or node's own arguments): theirs win. */
const USER_CHOICES =
  /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|heap-growing-percent)\b/;

/**
 * Applies the limits to this process. Both flags are read by V8 at each collection, so setting
 * them after start-up takes effect. The semi-space maximum is fixed at start-up, so new space
 * is capped instead by stopping its growth once it reaches the cap (it grows only after a
 * collection, by doubling, so it stops exactly there). Returns whether anything was changed.
 */
export function keepHeapSmall(execArgv: readonly string[], nodeOptions: string): boolean {
  if (USER_CHOICES.test(`${execArgv.join(' ')} ${nodeOptions}`)) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (newSpaceSize() >= NEW_SPACE_CAP_BYTES) {
    setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  }
  const observer = new PerformanceObserver(() => {
    if (newSpaceSize() < NEW_SPACE_CAP_BYTES) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({entryTypes: ['gc']});
  return true;
}

function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}
