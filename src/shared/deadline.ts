// A per-request abort signal: fires after a timeout or when the run is aborted, held strongly until cleared.

export interface Deadline {
  readonly signal: AbortSignal;
  /** The request is over: stop the timer and let go of the run's signal. */
  clear(): void;
}

/**
 * Aborts `timeoutMs` after it is made (reason: a TimeoutError) or as soon as `run` aborts. Its own
 * timer, not `AbortSignal.any([AbortSignal.timeout(ms), run])`: on Node 20 the composite holds its
 * sources weakly and the timeout's timer holds its signal through a WeakRef, so a garbage
 * collection during the wait drops the timeout and a stalled request then waits forever
 * (nodejs/node#57736). Here the timer's closure keeps the controller alive until clear().
 */
export function deadline(timeoutMs: number, run?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  const onRunAbort = (): void => controller.abort(run?.reason);
  if (run?.aborted) onRunAbort();
  else run?.addEventListener('abort', onRunAbort, {once: true});
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      run?.removeEventListener('abort', onRunAbort);
    },
  };
}
