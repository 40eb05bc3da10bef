/**
 * Entity shapes as the QRS OpenAPI describes them (reference/qrs-openapi-main-v38.22.0.json), reduced to
 * what the simulator needs: which property paths a filter or orderby may name, and how to compare them.
 * QRS validates filters against its schema, so a misspelt property is an error, not an empty result.
 */

export type ScalarKind = 'string' | 'guid' | 'date' | 'bool' | 'int';
export type FieldKind = ScalarKind | { object: Shape } | { array: FieldKind };
export type Shape = Record<string, FieldKind>;

/** The fields every QRS entity carries. */
export const BASE: Shape = {
  id: 'guid',
  createdDate: 'date',
  modifiedDate: 'date',
  modifiedByUserName: 'string',
  schemaPath: 'string',
  privileges: { array: 'string' },
};

const TAG: Shape = { id: 'guid', name: 'string', privileges: { array: 'string' } };

const CUSTOM_PROPERTY_VALUE: Shape = {
  ...BASE,
  value: 'string',
  definition: { object: { id: 'guid', name: 'string', valueType: 'string', choiceValues: { array: 'string' } } },
};

export const USER_CONDENSED_SHAPE: Shape = {
  id: 'guid',
  privileges: { array: 'string' },
  userId: 'string',
  userDirectory: 'string',
  userDirectoryConnectorName: 'string',
  name: 'string',
};

export const USER_SHAPE: Shape = {
  ...BASE,
  customProperties: { array: { object: CUSTOM_PROPERTY_VALUE } },
  userId: 'string',
  userDirectory: 'string',
  userDirectoryConnectorName: 'string',
  name: 'string',
  roles: { array: 'string' },
  attributes: { array: { object: { ...BASE, attributeType: 'string', attributeValue: 'string', externalId: 'string' } } },
  inactive: 'bool',
  removedExternally: 'bool',
  blacklisted: 'bool',
  deleteProhibited: 'bool',
  tags: { array: { object: TAG } },
  favorites: { array: 'guid' },
};

export const USER_ACCESS_SHAPE: Shape = {
  ...BASE,
  user: { object: USER_CONDENSED_SHAPE },
  lastUsed: 'date',
  quarantined: 'bool',
  quarantineEnd: 'date',
  deletedUserId: 'string',
  deletedUserDirectory: 'string',
};

/** Professional and analyzer allocations: the user-access fields plus `excess`. */
export const SEAT_ACCESS_SHAPE: Shape = { ...USER_ACCESS_SHAPE, excess: 'bool' };

export const DATA_CONNECTION_SHAPE: Shape = {
  ...BASE,
  customProperties: { array: { object: CUSTOM_PROPERTY_VALUE } },
  owner: { object: USER_CONDENSED_SHAPE },
  name: 'string',
  connectionstring: 'string',
  type: 'string',
  engineObjectId: 'string',
  username: 'string',
  password: 'string',
  logOn: 'int',
  architecture: 'int',
  tags: { array: { object: TAG } },
};

export interface ResolvedPath {
  /** The property names with the schema's casing, e.g. ['user', 'userId'] for `USER.USERID`. */
  keys: string[];
  /** 'object' for a nested entity such as `user`: only comparable with null. */
  kind: ScalarKind | 'object';
  /** True when some step of the path walks through an array (any-element semantics). */
  many: boolean;
}

/** Resolves a dotted property path case-insensitively; undefined when the schema has no such property. */
export function resolvePath(shape: Shape, dotted: string): ResolvedPath | undefined {
  const keys: string[] = [];
  let many = false;
  let current: FieldKind = { object: shape };
  for (const part of dotted.split('.')) {
    while (typeof current === 'object' && 'array' in current) {
      many = true;
      current = current.array;
    }
    if (typeof current !== 'object' || !('object' in current)) return undefined;
    const fields: Shape = current.object;
    const lower = part.toLowerCase();
    const key = Object.keys(fields).find((k) => k.toLowerCase() === lower);
    if (key === undefined) return undefined;
    keys.push(key);
    current = fields[key]!;
  }
  while (typeof current === 'object' && 'array' in current) {
    many = true;
    current = current.array;
  }
  return { keys, kind: typeof current === 'object' ? 'object' : current, many };
}

/** The schema's spelling of a top-level key written in any case (JSON bodies bind case-insensitively in QRS). */
export function canonicalKey(shape: Shape, key: string): string {
  const lower = key.toLowerCase();
  return Object.keys(shape).find((k) => k.toLowerCase() === lower) ?? key;
}

const STREAM_CONDENSED: Shape = { id: 'guid', name: 'string', privileges: { array: 'string' } };

export const APP_CONDENSED_SHAPE: Shape = {
  id: 'guid',
  privileges: { array: 'string' },
  name: 'string',
  appId: 'string',
  publishTime: 'date',
  published: 'bool',
  stream: { object: STREAM_CONDENSED },
  savedInProductVersion: 'string',
};

export const APP_SHAPE: Shape = {
  ...BASE,
  ...APP_CONDENSED_SHAPE,
  owner: { object: USER_CONDENSED_SHAPE },
  fileSize: 'int',
  lastReloadTime: 'date',
  description: 'string',
  tags: { array: { object: TAG } },
  customProperties: { array: { object: CUSTOM_PROPERTY_VALUE } },
};

const DETAIL: Shape = { id: 'guid', privileges: { array: 'string' }, detailsType: 'int', message: 'string', detailCreatedDate: 'date' };

export const EXECUTION_RESULT_CONDENSED_SHAPE: Shape = {
  id: 'guid',
  privileges: { array: 'string' },
  executingNodeName: 'string',
  status: 'int',
  startTime: 'date',
  stopTime: 'date',
  duration: 'int',
  fileReferenceID: 'guid',
  scriptLogAvailable: 'bool',
  details: { array: { object: DETAIL } },
  scriptLogLocation: 'string',
  scriptLogSize: 'int',
};

export const EXECUTION_RESULT_SHAPE: Shape = {
  ...BASE,
  ...EXECUTION_RESULT_CONDENSED_SHAPE,
  taskID: 'guid',
  executionID: 'guid',
  appID: 'guid',
  executingNodeID: 'guid',
};

export const RELOAD_TASK_SHAPE: Shape = {
  ...BASE,
  customProperties: { array: { object: CUSTOM_PROPERTY_VALUE } },
  name: 'string',
  taskType: 'int',
  enabled: 'bool',
  taskSessionTimeout: 'int',
  maxRetries: 'int',
  tags: { array: { object: TAG } },
  app: { object: APP_CONDENSED_SHAPE },
  isManuallyTriggered: 'bool',
  operational: { object: { id: 'guid', privileges: { array: 'string' }, lastExecutionResult: { object: EXECUTION_RESULT_CONDENSED_SHAPE }, nextExecution: 'date' } },
  isPartialReload: 'bool',
};

export const EXECUTION_SESSION_SHAPE: Shape = {
  ...BASE,
  executingNode: { object: { id: 'guid', name: 'string', hostName: 'string', privileges: { array: 'string' } } },
  executionResult: { object: EXECUTION_RESULT_CONDENSED_SHAPE },
  abortAt: 'date',
  retries: 'int',
  abortReason: 'int',
  app: { object: APP_CONDENSED_SHAPE },
  user: 'string',
  reloadTask: { object: { id: 'guid', name: 'string', taskType: 'int', enabled: 'bool', privileges: { array: 'string' } } },
};

export const SYSTEM_RULE_SHAPE: Shape = {
  ...BASE,
  category: 'string',
  subcategory: 'string',
  type: 'string',
  name: 'string',
  rule: 'string',
  resourceFilter: 'string',
  actions: 'int',
  comment: 'string',
  disabled: 'bool',
  ruleContext: 'int',
  seedId: 'guid',
  version: 'int',
  tags: { array: { object: TAG } },
};

export const ACCESS_GROUP_SHAPE: Shape = { ...BASE, name: 'string' };

export const LOGIN_ACCESS_TYPE_SHAPE: Shape = {
  ...BASE,
  name: 'string',
  usedAccessTypes: 'int',
  remainingAccessTypes: 'int',
  assignedAccessTypes: 'int',
  assignedTokens: 'int',
};
