// What a 403 (or a 404 on a plan-gated list) means for a stream: skip it with one warning naming the likely missing feature, or fail (strict_streams).
import type {EngineEvent} from '../engine/context.js';
import {ForbiddenError, HttpError} from '../shared/errors.js';
import type {ApiContext, ApiRun} from './source.js';
import type {StreamDef} from './streams.js';

/**
 * The one skip policy: returns the warning to log when `error` is a refusal the run survives (the
 * stream, or one parent's list of it, is skipped), and rethrows anything else, a refusal included
 * under strict_streams. A refusal is a 403, or a 404 on the list of a plan-gated stream read as a
 * whole (`scope` empty): the spec lists 404 for every list endpoint, and a workspace without the
 * feature (Engage, say) may answer 404 on `/spaces` rather than 403.
 */
export function forbiddenWarning(def: StreamDef, error: unknown, ctx: ApiContext, scope = ''): string {
  const refused = error instanceof ForbiddenError || (gatedNotFound(def, error) && !scope);
  if (!refused || ctx.config.strict_streams) throw error;
  return scope ? `stream ${def.name}: ${error.message}; skipping ${scope}` : forbiddenAdvice(def, error);
}

/** Runs a stream; a refusal skips it with one WARN (unless strict_streams). Returns the streams that completed. */
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
    run.skipped = skipReason(run.def, error);
    return new Set();
  }
}

/** Why a refused stream was skipped, short enough for a summary table's note. */
export function skipReason(def: StreamDef, error?: unknown): string {
  const status = error instanceof HttpError && error.status === 404 ? 404 : 403;
  return `${status}, ${def.feature ? `needs ${def.feature}` : 'token lacks a permission'}`;
}

function gatedNotFound(def: StreamDef, error: unknown): error is HttpError {
  return def.feature !== undefined && error instanceof HttpError && error.status === 404;
}

function forbiddenAdvice(def: StreamDef, error: HttpError): string {
  const need = def.feature
    ? `it likely needs the ${def.feature} feature on your plan`
    : 'the token likely lacks a permission it needs';
  return `stream ${def.name} skipped: ${error.message}; ${need}. Deselect the stream, or set strict_streams: true to make this fatal`;
}
