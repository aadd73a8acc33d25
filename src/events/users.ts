// event_users: the latest traits per userId from this run's identify calls, merged trait by trait in timestamp order.
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';

interface UserState {
  /** Per trait: its value and the time of the identify that set it. */
  readonly traits: Map<string, {value: JsonValue; at: Instant}>;
  /** The columns the row takes from the latest identify: not the record, whose context is most of it. */
  latest: Latest;
  latestAt: Instant;
  identifies: number;
  lastModified: string;
}

/**
 * Identify records in any order → one row per user_id. A trait takes the value of the latest
 * identify (by `timestamp`, then `received_at`) that carries it; the other columns come from the
 * latest identify. Memory grows with distinct user ids (a few hundred bytes each plus their traits),
 * not with identify calls.
 */
export function createUserMerger() {
  const users = new Map<string, UserState>();
  return {
    add(identify: JsonObject): void {
      const userId = identify.user_id;
      if (typeof userId !== 'string' || userId === '') return;
      const at = timeOf(identify);
      let user = users.get(userId);
      if (!user) {
        user = {traits: new Map(), latest: latestOf(identify), latestAt: at, identifies: 0, lastModified: ''};
        users.set(userId, user);
      } else if (notBefore(at, user.latestAt)) {
        user.latest = latestOf(identify);
        user.latestAt = at;
      }
      user.identifies += 1;
      const lastModified = String(identify._sdc_last_modified);
      if (lastModified > user.lastModified) user.lastModified = lastModified;
      const traits = identify.traits;
      if (isObject(traits)) {
        // for-in, not Object.entries: no array per identify (traits come from JSON.parse: own keys only).
        for (const trait in traits) {
          const known = user.traits.get(trait);
          if (!known || notBefore(at, known.at))
            user.traits.set(trait, {value: traits[trait] as JsonValue, at});
        }
      }
    },
    get size(): number {
      return users.size;
    },
    *rows(): Generator<JsonObject> {
      for (const [userId, user] of users) {
        const {latest} = user;
        yield {
          user_id: userId,
          anonymous_id: latest.anonymous_id,
          traits: Object.fromEntries([...user.traits].map(([k, v]) => [k, v.value])),
          timestamp: latest.timestamp,
          received_at: latest.received_at,
          message_id: latest.message_id,
          identifies: user.identifies,
          _sdc_source_id: latest._sdc_source_id,
          _sdc_last_modified: user.lastModified,
        };
      }
    },
  };
}

interface Latest {
  readonly anonymous_id: JsonValue;
  readonly timestamp: JsonValue;
  readonly received_at: JsonValue;
  readonly message_id: JsonValue;
  readonly _sdc_source_id: JsonValue;
}

function latestOf(identify: JsonObject): Latest {
  return {
    anonymous_id: identify.anonymous_id ?? null,
    timestamp: identify.timestamp ?? null,
    received_at: identify.received_at ?? null,
    message_id: identify.message_id ?? null,
    _sdc_source_id: identify._sdc_source_id ?? null,
  };
}

type Instant = readonly [timestamp: number, receivedAt: number];

/** timestamp (else received_at), then received_at to break ties. */
function timeOf(identify: JsonObject): Instant {
  // Routing left these as UTC ISO strings or null: Date.parse is exact and cheap here.
  const received = typeof identify.received_at === 'string' ? Date.parse(identify.received_at) || 0 : 0;
  const ts = typeof identify.timestamp === 'string' ? Date.parse(identify.timestamp) : Number.NaN;
  return [Number.isNaN(ts) ? received : ts, received];
}

function notBefore(a: Instant, b: Instant): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
}
