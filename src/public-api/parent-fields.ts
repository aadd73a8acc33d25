// What a parent stream's children read of each parent item, and the parent items cut down to that.
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import {type StreamDef, streamByName} from './streams.js';

/**
 * The fields of a parent item that its children read: its id, and what their paths, queries and
 * `when` name (a grandchild's through its middle stream, whose link names the parent's fields).
 * Undefined when the whole item is needed: a mirror emits the parent itself as a record.
 */
export function parentFieldsNeeded(
  children: readonly StreamDef[],
  mirrored: boolean,
  rootName: string,
): string[] | undefined {
  if (mirrored) return undefined;
  const fields = new Set(['id']);
  for (const def of children) {
    const link = def.parent;
    const toRoot = link && link.stream !== rootName ? streamByName(link.stream)?.parent : link;
    if (!toRoot) return undefined;
    const named = [
      ...Object.values(toRoot.query ?? {}),
      ...Object.values(toRoot.pathFields ?? {}),
      ...(toRoot.when ?? []),
    ];
    for (const field of named) fields.add(field);
  }
  return [...fields];
}

/**
 * Replaces each parent item of a page by a copy with only `fields`, once the parent's own records
 * are out. The children of a page of 1000 destinations take thousands of requests; holding the
 * whole items (settings, metadata: several MB) all that time made them most of a sync's live heap,
 * and V8 sizes the heap from what is live (whole workspace at scale 40: peak RSS 155 -> 145 MB).
 * The items are replaced, not changed: records already handed on may be those same objects.
 */
export function slimParents(items: JsonValue[], fields: readonly string[]): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObject(item)) continue;
    const copy: JsonObject = {};
    for (const field of fields) if (item[field] !== undefined) copy[field] = item[field] as JsonValue;
    items[i] = copy;
  }
}
