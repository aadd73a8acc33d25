// Item generators for access management: users, user groups and their members, roles and invites.

import {EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, ROLES} from './names.js';
import {chance, idFor, int, pick, type Rng, rngFor} from './random.js';
import type {Collection, JsonObject, Workspace} from './types.js';

export const ROLE_COUNT = ROLES.length;

// Roles are Segment-wide, so their ids do not depend on the workspace seed.
export function role(_ws: Workspace, k: number): JsonObject {
  const [name, description] = ROLES[k % ROLES.length] as [string, string];
  return {id: idFor(0, 'role', k, 27), name, description};
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

export function minimalUser(ws: Workspace, u: number): JsonObject {
  const rng = rngFor(ws.seed, 'user-name', u);
  const first = pick(rng, FIRST_NAMES);
  const last = pick(rng, LAST_NAMES);
  const email = `${ascii(first)}.${ascii(last)}${u}@${pick(rng, EMAIL_DOMAINS)}`;
  return {id: idFor(ws.seed, 'user', u), name: `${first} ${last}`, email};
}

function permissions(ws: Workspace, rng: Rng): JsonObject[] {
  const owner = chance(rng, 0.3);
  const roleIndex = owner ? 0 : int(rng, 1, ROLE_COUNT - 1);
  const workspacePermission: JsonObject = {
    roleName: ROLES[roleIndex]?.[0],
    roleId: idFor(0, 'role', roleIndex, 27),
    resources: [
      {
        id: ws.id,
        type: 'WORKSPACE',
        labels: chance(rng, 0.3) ? [{key: 'environment', value: 'production'}] : [],
      },
    ],
  };
  if (owner || chance(rng, 0.5)) return [workspacePermission];
  const sourceCount = ws.collections.sources?.count ?? 0;
  const sourcePermission: JsonObject = {
    roleName: ROLES[4]?.[0],
    roleId: idFor(0, 'role', 4, 27),
    resources: [{id: idFor(ws.seed, 'source', int(rng, 0, sourceCount - 1)), type: 'SOURCE'}],
    labels: [],
  };
  return [workspacePermission, sourcePermission];
}

export function user(ws: Workspace, u: number): JsonObject {
  const item = minimalUser(ws, u);
  const rng = rngFor(ws.seed, 'user', u);
  if (chance(rng, 0.9)) item.permissions = permissions(ws, rng);
  return item;
}

function memberCount(ws: Workspace, g: number): number {
  return int(rngFor(ws.seed, 'group-members', g), 3, 8);
}

export function userGroup(ws: Workspace, g: number): JsonObject {
  const rng = rngFor(ws.seed, 'group', g);
  const item: JsonObject = {
    id: idFor(ws.seed, 'group', g),
    name: `${pick(rng, ['Analytics', 'Marketing', 'Engineering', 'Data', 'Support', 'Growth'])} Team ${g + 1}`,
    memberCount: memberCount(ws, g),
  };
  if (chance(rng, 0.85)) item.permissions = permissions(ws, rng);
  return item;
}

/** Members are consecutive users starting at a seeded offset, so they are distinct while groups are small. */
export function groupUsers(ws: Workspace, g: number): Collection<JsonObject> {
  const userCount = ws.collections.users?.count ?? 1;
  const start = int(rngFor(ws.seed, 'group-start', g), 0, userCount - 1);
  return {
    count: Math.min(memberCount(ws, g), userCount),
    item: (k) => minimalUser(ws, (start + k) % userCount),
  };
}

export function invite(ws: Workspace, i: number): string {
  const rng = rngFor(ws.seed, 'invite', i);
  return `${ascii(pick(rng, FIRST_NAMES))}.invitee${i}@${pick(rng, EMAIL_DOMAINS)}`;
}
