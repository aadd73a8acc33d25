// What a 403 means for a stream: skip it with one warning naming the likely missing feature, or fail (strict_streams).
import type {EngineEvent} from '../engine/context.js';
import {ForbiddenError, type HttpError} from '../shared/errors.js';
import type {ApiContext, ApiRun} from './source.js';
import type {StreamDef} from './streams.js';

/**
 * The one 403 policy: returns the warning to log when `error` is a 403 the run survives (the
 * stream, or one parent's list of it, is skipped), and rethrows anything else, a 403 included
 * under strict_streams.
 */
export function forbiddenWarning(def: StreamDef, error: unknown, ctx: ApiContext, scope = ''): string {
  if (!(error instanceof ForbiddenError) || ctx.config.strict_streams) throw error;
  return scope ? `stream ${def.name}: ${error.message}; skipping ${scope}` : forbiddenAdvice(def, error);
}

/** Runs a stream; a 403 skips it with one WARN (unless strict_streams). Returns the streams that completed. */
export async function* skipIfForbidden(
  run: ApiRun,
  ctx: ApiContext,
  events: AsyncGenerator<EngineEvent[]>,
): AsyncGenerator<EngineEvent[], ReadonlySet<string>> {
  try {
    yield* events;
    return new Set([run.def.name]);
  } catch (error) {
    ctx.log.warn(forbiddenWarning(run.def, error, ctx));
    run.skipped = skipReason(run.def);
    return new Set();
  }
}

/** Why a forbidden stream was skipped, short enough for a summary table's note. */
export function skipReason(def: StreamDef): string {
  return `403, ${def.feature ? `needs ${def.feature}` : 'token lacks a permission'}`;
}

function forbiddenAdvice(def: StreamDef, error: HttpError): string {
  const need = def.feature
    ? `it likely needs the ${def.feature} feature on your plan`
    : 'the token likely lacks a permission it needs';
  return `stream ${def.name} skipped: ${error.message}; ${need}. Deselect the stream, or set strict_streams: true to make this fatal`;
}
