// What a 403 means for a stream: skip it with one warning naming the likely missing feature, or fail (strict_streams).
import {ForbiddenError, type HttpError} from '../shared/errors.js';
import type {EngineEvent, RunContext, StreamRun} from '../engine/context.js';
import type {StreamDef} from './streams.js';

/** Runs a stream; a 403 skips it with one WARN (unless strict_streams). Returns the streams that completed. */
export async function* guarded(
  run: StreamRun,
  ctx: RunContext,
  events: AsyncGenerator<EngineEvent[]>,
): AsyncGenerator<EngineEvent[], Set<string>> {
  try {
    yield* events;
    return new Set([run.def.name]);
  } catch (error) {
    if (!(error instanceof ForbiddenError) || ctx.config.strict_streams) throw error;
    ctx.log.warn(forbiddenAdvice(run.def, error));
    return new Set();
  }
}

export function forbiddenAdvice(def: StreamDef, error: HttpError): string {
  const need = def.feature
    ? `it likely needs the ${def.feature} feature on your plan`
    : 'the token likely lacks a permission it needs';
  return `stream ${def.name} skipped: ${error.message}; ${need}. Deselect the stream, or set strict_streams: true to make this fatal`;
}
