// Writes Singer lines to stdout in batches, waiting for 'drain' (backpressure) and surfacing EPIPE.
import type {Writable} from 'node:stream';
import {PipeClosedError} from '../shared/errors.js';

export interface LineWriter {
  /** Resolves once the chunk is accepted (immediately, or after 'drain'); rejects when the pipe closed. */
  write(chunk: string): Promise<void>;
  /** Resolves when everything written so far has been flushed to the OS. */
  flush(): Promise<void>;
}

export function createLineWriter(
  out: Writable,
  onClosed: (error: PipeClosedError) => void = () => {},
): LineWriter {
  let closed = false;
  let failure: PipeClosedError | undefined;
  const fail = (error: NodeJS.ErrnoException): void => {
    if (closed) return;
    closed = true;
    const closedPipe =
      error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED'
        ? new PipeClosedError('the downstream target closed the pipe (stdout); stopping the sync', {
            cause: error,
          })
        : new PipeClosedError(`cannot write to stdout: ${error.message}`, {cause: error});
    failure = closedPipe;
    onClosed(closedPipe);
  };
  out.on('error', fail);

  const waitFor = (ready: (resolve: () => void) => void): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onError = (): void =>
        reject(failure ?? new PipeClosedError('stdout closed before the output was written'));
      out.once('error', onError);
      out.once('close', onError);
      ready(() => {
        out.off('error', onError);
        out.off('close', onError);
        resolve();
      });
    });

  return {
    async write(chunk) {
      if (failure) throw failure;
      if (out.write(chunk)) return;
      await waitFor((resolve) => out.once('drain', resolve));
      if (failure) throw failure;
    },
    async flush() {
      if (failure) throw failure;
      await waitFor((resolve) => out.write('', () => resolve()));
      if (failure) throw failure;
    },
  };
}
