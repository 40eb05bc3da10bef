/**
 * The site's nodes, `/qrs/servernodeconfiguration` (read-only here): a genuine monitor connection calls
 * `https://localhost/qrs/…` or one of these hosts (qrs-api.md §14). Kept beside SimState rather than in
 * it, one central node by default; tests add rim nodes with addServerNode.
 */
import { HttpError, type EntityType, type Row } from './entities.js';
import { BASE, type Shape } from './schema.js';
import type { BaseEntity, SimState } from './state.js';
import { stableId } from './seed-kb.js';

export interface ServerNodeEntity extends BaseEntity {
  name: string;
  hostName: string;
  isCentral: boolean;
}

export const KB_CENTRAL_NODE = 'qlikserver1.domain.local';

const SHAPE: Shape = {
  ...BASE,
  name: 'string',
  hostName: 'string',
  isCentral: 'bool',
};

const nodes = new WeakMap<SimState, Map<string, ServerNodeEntity>>();

function node(name: string, hostName: string, isCentral: boolean): ServerNodeEntity {
  return {
    id: stableId(`servernode:${hostName}`),
    createdDate: '2017-12-19T10:41:00.000Z',
    modifiedDate: '2017-12-19T10:41:00.000Z',
    modifiedByUserName: 'INTERNAL\\bootstrap',
    schemaPath: 'ServerNodeConfiguration',
    privileges: null,
    name,
    hostName,
    isCentral,
  };
}

export function serverNodes(state: SimState): Map<string, ServerNodeEntity> {
  let store = nodes.get(state);
  if (!store) {
    const central = node('Central', KB_CENTRAL_NODE, true);
    store = new Map([[central.id, central]]);
    nodes.set(state, store);
  }
  return store;
}

export function addServerNode(state: SimState, name: string, hostName: string): ServerNodeEntity {
  const n = node(name, hostName, false);
  serverNodes(state).set(n.id, n);
  return n;
}

const readOnly = (): never => {
  throw new HttpError(405, 'Method Not Allowed: the simulator serves server nodes read-only');
};

export const serverNodeType: EntityType<ServerNodeEntity> = {
  shape: SHAPE,
  store: serverNodes,
  full: (_state, e) => ({ ...e }) as Row,
  condensed: (full) => ({ id: full.id, name: full.name, hostName: full.hostName, privileges: full.privileges }),
  create: readOnly,
  update: readOnly,
  remove: readOnly,
};
