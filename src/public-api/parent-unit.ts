// A parent stream and its children: the parent is read once and feeds both its own records and each child.
import type {EngineEvent} from '../engine/context.js';
import {asStreamFailure, streamsFailed} from '../engine/failures.js';
import {ForbiddenError, HttpError} from '../shared/errors.js';
import {isObject, type JsonValue} from '../shared/json.js';
import {iso} from '../shared/time.js';
import {forbiddenWarning, skipReason} from './forbidden.js';
import {parentFieldsNeeded, slimParents} from './parent-fields.js';
import {
  envelopeItems,
  feedsChild,
  fillPath,
  pageRecords,
  parentQuery,
  readStream,
  slicePages,
  totalEntries,
} from './reader.js';
import {type DerivedRun, derivedRecords, inversePairs, listingPairs} from './relations.js';
import type {ApiContext, ApiRun, Unit} from './source.js';
import {type StreamDef, streamByName} from './streams.js';

type ChildPhase = 'waiting' | 'running' | 'finished' | 'forbidden' | 'failed';

interface ChildProgress {
  readonly run: ApiRun;
  /** Set while resuming: the children of parents up to this id were already emitted. */
  resumeAfter: string | undefined;
  /** This run will not hold every record: it resumed after a parent, or one parent's list was forbidden. */
  partial: boolean;
  phase: ChildPhase;
  /** Children derived from this child's listings (the other side of the same edges). */
  readonly mirrors: DerivedRun[];
  /** The newest replication value (ms) of an incremental child, its bookmark once every parent is read. */
  newest: number;
  /** One of its listings has been answered in this run (a later 404 is about that parent, not the plan). */
  answered: boolean;
}

/**
 * Pages through the parent; emits its records when it is selected; for each parent id runs each
 * child's listing and then a PARENT_DONE (the child's resume point). A child resumes after the
 * last completed parent; if that parent has disappeared, its children are read again for all
 * parents in a second pass (at-least-once, never a silent gap). Returns the completed streams.
 *
 * One bad stream costs one stream here too: a parent record that does not fit stops the parent's
 * own stream while its list still feeds the children; a child that fails stops alone. A failure of
 * the parent's list itself escapes to the engine, which stops the whole group.
 */
export async function* runParentUnit(
  unit: Unit,
  ctx: ApiContext,
): AsyncGenerator<EngineEvent[], ReadonlySet<string>> {
  const children: ChildProgress[] = unit.children.map((run) => {
    const resumeAfter = ctx.state.bookmarks[run.def.name]?.last_completed_parent;
    if (resumeAfter !== undefined)
      ctx.log.info(`stream ${run.def.name}: resuming after parent ${resumeAfter}`);
    return {
      run,
      resumeAfter,
      partial: resumeAfter !== undefined,
      phase: resumeAfter === undefined ? 'running' : 'waiting',
      mirrors: unit.derived.filter((d) => d.how.kind === 'inverse' && d.how.host === run.def.name),
      newest: Number.NEGATIVE_INFINITY,
      answered: false,
    };
  });
  // Grandchildren come after every direct child, so that a child they read through is heard first.
  children.sort((a, b) => Number(throughChild(a, unit.rootDef)) - Number(throughChild(b, unit.rootDef)));
  const intermediates = new Set(
    children.filter((c) => throughChild(c, unit.rootDef)).map((c) => c.run.def.parent?.stream as string),
  );
  const listings = unit.derived.filter((d) => d.how.kind === 'listing');
  const completed = new Set<string>();
  const parentDef = unit.rootDef;
  const {root} = unit;
  // Once a page's own records are out, its children need only a few fields of each parent.
  const slim = parentFieldsNeeded(
    children.map((c) => c.run.def),
    children.some((c) => c.mirrors.length > 0),
    parentDef.name,
  );
  try {
    for (let pass = 0; pass < 2; pass++) {
      let parentsDone = 0;
      for await (const body of slicePages(parentDef, ctx, parentDef.path, parentDef.query ?? {})) {
        const items = envelopeItems(body, parentDef, parentDef.path);
        if (root && !root.failed && pass === 0) yield rootRecords(root, items, ctx);
        if (pass === 0) {
          const time = iso(ctx.now());
          const batch = listings.flatMap((d) =>
            d.how.kind === 'listing'
              ? derivedRecords(d, listingPairs(items, d.how.parentField), time, ctx)
              : [],
          );
          if (batch.length > 0) yield batch;
        }
        if (slim) slimParents(items, slim);
        // Nobody left to feed: the parent's own stream is done or failed, every child stopped.
        const rootNeeds =
          pass === 0 && ((root !== undefined && !root.failed) || listings.some((d) => !d.run.failed));
        if (!rootNeeds && children.every((c) => c.phase === 'failed' || c.phase === 'forbidden')) break;
        const parents = totalEntries(body);
        for (const item of items) {
          // The whole unit ends with its last parent: every stream of it is that far along.
          if (parents !== undefined) {
            parentsDone += 1;
            for (const run of unit.runs) run.progress = {done: parentsDone - 1, total: parents};
          }
          const id = isObject(item) && typeof item.id === 'string' ? item.id : undefined;
          if (id === undefined) continue;
          const done: EngineEvent[] = [];
          // This parent's listing of each child that a grandchild reads through, when it was read anyway.
          const heard = new Map<string, JsonValue[]>();
          for (const child of children) {
            if (child.phase === 'waiting') {
              if (child.resumeAfter === id) child.phase = 'running';
              continue;
            }
            if (child.phase !== 'running') continue;
            const {name} = child.run.def;
            if (throughChild(child, parentDef)) {
              child.newest = Math.max(child.newest, yield* grandchildOfParent(child, item, id, heard, ctx));
            } else {
              const listing: JsonValue[] = [];
              const hear = intermediates.has(name)
                ? (items: readonly JsonValue[]) => listing.push(...items)
                : undefined;
              child.newest = Math.max(child.newest, yield* childOfParent(child, item, id, ctx, hear));
              if (hear && child.phase === 'running') heard.set(name, listing);
            }
            if (child.phase === 'running') done.push({type: 'PARENT_DONE', stream: name, parentId: id});
          }
          if (done.length > 0) yield done;
        }
      }
      const lost = children.filter((c) => c.phase === 'waiting');
      if (lost.length === 0) break;
      ctx.log.warn(
        `${lost.map((c) => c.run.def.name).join(', ')}: parent ${lost[0]?.resumeAfter} is gone since the interrupted run; ` +
          'reading the children of every parent again',
      );
      for (const child of children) {
        if (child.phase === 'waiting') Object.assign(child, {phase: 'running', partial: false});
        else if (child.phase === 'running') child.phase = 'finished';
      }
    }
    if (root && !root.failed) completed.add(root.def.name);
  } catch (error) {
    ctx.log.warn(`${forbiddenWarning(parentDef, error, ctx)} (its child streams cannot be read without it)`);
    // The parent's records may have been emitted already; only a run that got nothing is skipped.
    if (unit.root && unit.root.pages === 0) unit.root.skipped = skipReason(parentDef, error);
    for (const run of unit.runs) if (run !== unit.root) run.skipped ??= `403 on parent ${parentDef.name}`;
    return completed;
  }
  for (const {run} of listings) if (!run.failed) completed.add(run.def.name);
  // A partial child did not emit every record in this run: activating this run's version for it
  // would make the target drop rows that still exist.
  const done = children.filter((c) => c.phase !== 'failed');
  for (const child of done) {
    if (child.phase !== 'forbidden' && !child.partial) completed.add(child.run.def.name);
    for (const {run} of child.mirrors) {
      if (child.phase === 'forbidden') run.skipped ??= child.run.skipped;
      else if (!run.failed && completed.has(child.run.def.name)) completed.add(run.def.name);
    }
  }
  // Every parent is read: an incremental child's bookmark moves now, never past the run's signpost.
  const advances: EngineEvent[] = done.flatMap(({run, newest}) =>
    run.def.replicationKey && newest > Number.NEGATIVE_INFINITY
      ? [
          {
            type: 'ADVANCE',
            stream: run.def.name,
            key: run.def.replicationKey,
            value: iso(Math.min(newest, ctx.signpost)),
          },
        ]
      : [],
  );
  // A derived child read every record or none: no resume point of its own is left behind.
  const derived = unit.derived.map((d) => d.run).filter((r) => !r.failed);
  yield [
    ...advances,
    ...[...done.map((c) => c.run), ...derived].map(
      (run): EngineEvent => ({type: 'PARENT_DONE', stream: run.def.name, parentId: undefined}),
    ),
  ];
  return completed;
}

/** The parent's own records of one page; a failure of its own stops its stream, not the children. */
function rootRecords(root: ApiRun, items: JsonValue[], ctx: ApiContext): EngineEvent[] {
  try {
    return pageRecords(root, items, iso(ctx.now())).batch;
  } catch (error) {
    const failure = asStreamFailure(error, ctx.config);
    if (!failure) throw error;
    return streamsFailed([root], failure, ctx.log);
  }
}

/**
 * One parent's child listing. A 404 (the parent was deleted meanwhile) or a 403 on one parent is
 * a warning about that parent; a 403 on a feature-gated child means the whole feature is missing,
 * so the child is skipped for the rest of the run (one warning, not one per parent).
 */
async function* childOfParent(
  child: ChildProgress,
  parent: JsonValue,
  parentId: string,
  ctx: ApiContext,
  /** Told each page's items (a grandchild reads through them). */
  hear?: (items: readonly JsonValue[]) => void,
): AsyncGenerator<EngineEvent[], number> {
  const {def} = child.run;
  const mirror =
    child.mirrors.length === 0 && !hear
      ? undefined
      : (items: readonly JsonValue[]) => {
          hear?.(items);
          const time = iso(ctx.now());
          return child.mirrors.flatMap((m) => derivedRecords(m, inversePairs(parent, items), time, ctx));
        };
  const none = Number.NEGATIVE_INFINITY;
  try {
    const newest = yield* readStream(child.run, ctx, parentId, isObject(parent) ? parent : {}, mirror);
    child.answered = true;
    return newest;
  } catch (error) {
    // A child that hides behind a 404 and whose very first listing is one: the plan lacks the
    // feature (as for a gated list read as a whole), not one parent gone; one warning, skipped.
    if (error instanceof HttpError && error.status === 404 && def.featureHiddenBy404 && !child.answered) {
      ctx.log.warn(forbiddenWarning(def, error, ctx));
      child.phase = 'forbidden';
      child.run.skipped = skipReason(def, error);
      return none;
    }
    if (error instanceof HttpError && error.status === 404) {
      ctx.log.warn(`stream ${def.name}: parent ${parentId} is gone (404); skipping its ${def.name}`);
      return none;
    }
    if (!(error instanceof ForbiddenError)) {
      const failure = asStreamFailure(error, ctx.config);
      if (!failure) throw error;
      child.phase = 'failed';
      yield streamsFailed([child.run], failure, ctx.log);
      return none;
    }
    // Without a plan feature to blame, the 403 is about this one parent's list.
    const onlyThisParent = !def.feature;
    ctx.log.warn(
      forbiddenWarning(def, error, ctx, onlyThisParent ? `the ${def.name} of parent ${parentId}` : ''),
    );
    if (onlyThisParent) child.partial = true;
    else {
      child.phase = 'forbidden';
      child.run.skipped = skipReason(def);
    }
    return none;
  }
}

/** A grandchild: its parent stream is a child of the unit's root (ParentLink names the middle one). */
function throughChild(child: ChildProgress, rootDef: StreamDef): boolean {
  const via = child.run.def.parent?.stream;
  return via !== undefined && via !== rootDef.name;
}

/**
 * One root parent's grandchild listings: one per item of the middle stream's listing of that parent
 * which feeds the grandchild (ParentLink.when). The middle listing is the one its own stream just
 * read when it is selected and still running, else it is read here without emitting anything.
 * A 403 on the middle listing skips the grandchild (it cannot be read without it).
 */
async function* grandchildOfParent(
  child: ChildProgress,
  root: JsonValue,
  rootId: string,
  heard: ReadonlyMap<string, JsonValue[]>,
  ctx: ApiContext,
): AsyncGenerator<EngineEvent[], number> {
  const {def} = child.run;
  const viaDef = streamByName(def.parent?.stream as string) as StreamDef;
  let middle = heard.get(viaDef.name);
  if (middle === undefined) {
    try {
      middle = await listAll(viaDef, root, rootId, ctx);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return Number.NEGATIVE_INFINITY;
      if (error instanceof ForbiddenError && !ctx.config.strict_streams) {
        ctx.log.warn(`stream ${def.name} skipped: ${error.message} on its parent ${viaDef.name}`);
        child.phase = 'forbidden';
        child.run.skipped = `403 on parent ${viaDef.name}`;
        return Number.NEGATIVE_INFINITY;
      }
      const failure = asStreamFailure(error, ctx.config);
      if (!failure) throw error;
      child.phase = 'failed';
      yield streamsFailed([child.run], failure, ctx.log);
      return Number.NEGATIVE_INFINITY;
    }
  }
  let newest = Number.NEGATIVE_INFINITY;
  for (const item of middle) {
    if (!feedsChild(def, item) || !isObject(item) || typeof item.id !== 'string') continue;
    newest = Math.max(newest, yield* childOfParent(child, item, item.id, ctx));
    if (child.phase !== 'running') break;
  }
  return newest;
}

/** Every item of a child's listing for one parent, read for a grandchild only (nothing emitted). */
async function listAll(
  def: StreamDef,
  parent: JsonValue,
  parentId: string,
  ctx: ApiContext,
): Promise<JsonValue[]> {
  const record = isObject(parent) ? parent : {};
  const path = fillPath(def, parentId, record);
  const items: JsonValue[] = [];
  for await (const body of slicePages(def, ctx, path, {...def.query, ...parentQuery(def, record)}))
    items.push(...envelopeItems(body, def, path));
  return items;
}
