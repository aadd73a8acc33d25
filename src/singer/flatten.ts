// Meltano-style schema flattening: nested objects become parent__child columns, deeper values JSON strings.
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';

interface Column {
  readonly name: string;
  readonly path: readonly string[];
  /** Objects past the depth, free-form objects and arrays are written as JSON text. */
  readonly asJson: boolean;
}

export interface Flattener {
  readonly schema: JsonObject;
  record(record: JsonObject): JsonObject;
}

const SEPARATOR = '__';

/** Plans the columns once per stream; each record is then one pass over that plan. */
export function createFlattener(schema: JsonObject, maxDepth: number): Flattener {
  const columns: Column[] = [];
  const properties: JsonObject = {};
  const walk = (props: JsonObject, path: string[], depth: number): void => {
    for (const [name, raw] of Object.entries(props)) {
      const property = isObject(raw) ? raw : {};
      const here = [...path, name];
      const types = new Set([property.type].flat());
      const nested = isObject(property.properties) ? property.properties : undefined;
      if (types.has('object') && nested && depth < maxDepth) {
        walk(nested, here, depth + 1);
        continue;
      }
      const asJson = types.has('object') || types.has('array');
      const column = here.join(SEPARATOR);
      columns.push({name: column, path: here, asJson});
      properties[column] = asJson
        ? {type: ['null', 'string'], description: `${String(property.description ?? '')} (JSON text)`.trim()}
        : types.has('null') || path.length === 0
          ? property
          : {...property, type: ['null', ...[...types].map(String)]};
    }
  };
  walk(isObject(schema.properties) ? schema.properties : {}, [], 0);
  return {
    schema: {...schema, properties},
    record(record) {
      const out: JsonObject = {};
      for (const column of columns) {
        let value: JsonValue | undefined = record;
        for (const key of column.path) value = isObject(value) ? value[key] : undefined;
        out[column.name] =
          value === undefined || value === null ? null : column.asJson ? JSON.stringify(value) : value;
      }
      return out;
    },
  };
}
