/**
 * System rules (writable, implicit update like every QRS entity: an omitted `category` resets to '' and
 * the rule stops being a license rule), the access groups and login access types (read-only here), and
 * POST /qrs/systemrule/license/audit, which only reads (qrs-api.md §13).
 */
import { ACCESS_GROUP_SHAPE, LOGIN_ACCESS_TYPE_SHAPE, SYSTEM_RULE_SHAPE, USER_SHAPE } from './schema.js';
import { ALLOCATION_KINDS, type AllocationKind, type BaseEntity, type SimState } from './state.js';
import { HttpError, brokenRule, newEntityId, nonEmptyString, pick, stamps, type EntityType, type Row } from './entity-kit.js';
import { LICENSE_RESOURCE_TYPES, ruleTarget, type AccessGroupEntity, type LicenseResourceKind, type SystemRuleEntity } from './license-state.js';
import { RuleSyntaxError, checkCondition, conditionMatches } from './rule-condition.js';
import { compileFilter } from './query.js';
import { ZERO_GUID } from './reload-state.js';

function buildRule(state: SimState, body: Row, base: { id: string; createdDate?: string }, caller: string): SystemRuleEntity {
  if (!nonEmptyString(body.name) || !nonEmptyString(body.resourceFilter) || typeof body.actions !== 'number') {
    throw brokenRule('name, resourceFilter and actions are required.');
  }
  const rule = typeof body.rule === 'string' ? body.rule : '';
  try {
    checkCondition(rule);
  } catch (err) {
    throw brokenRule(`The rule condition is not valid: ${(err as RuleSyntaxError).message}.`);
  }
  return {
    category: '',
    subcategory: '',
    type: 'Custom',
    comment: '',
    disabled: false,
    ruleContext: 0,
    seedId: ZERO_GUID,
    version: 0,
    tags: [],
    ...body,
    name: body.name,
    rule,
    resourceFilter: body.resourceFilter,
    actions: body.actions,
    ...stamps(state, base.id, base.createdDate),
    modifiedByUserName: caller,
    schemaPath: 'SystemRule',
    privileges: null,
  };
}

const RULE_CONDENSED_KEYS = ['id', 'privileges', 'name', 'category', 'type', 'rule', 'resourceFilter', 'actions', 'disabled', 'ruleContext'];

export const systemRuleType: EntityType<SystemRuleEntity> = {
  shape: SYSTEM_RULE_SHAPE,
  store: (s) => s.license.rules,
  full: (_s, r) => ({ ...r }),
  condensed: (full) => pick(full, RULE_CONDENSED_KEYS),
  create(state, body, caller) {
    const id = newEntityId(state, state.license.rules, body.id);
    const rule = buildRule(state, body, { id }, caller);
    state.license.rules.set(id, rule);
    return rule;
  },
  update(state, stored, body, caller) {
    const rule = buildRule(state, body, stored, caller);
    state.license.rules.set(stored.id, rule);
    return rule;
  },
  remove(state, stored) {
    state.license.rules.delete(stored.id);
  },
};

function readOnly<E extends BaseEntity & { name: string }>(shape: EntityType<E>['shape'], store: (s: SimState) => Map<string, E>): EntityType<E> {
  return { shape, store, full: (_s, e) => ({ ...e }), condensed: (full) => pick(full, ['id', 'privileges', 'name']) };
}

export const LICENSE_ENTITY_TYPES: Array<[string, EntityType<BaseEntity>]> = [
  ['systemrule', systemRuleType as unknown as EntityType<BaseEntity>],
  ...ALLOCATION_KINDS.map((kind): [string, EntityType<BaseEntity>] => [
    `license/${kind}accessgroup`,
    readOnly(ACCESS_GROUP_SHAPE, (s) => s.license.groups[kind]) as unknown as EntityType<BaseEntity>,
  ]),
  ['license/loginaccesstype', readOnly(LOGIN_ACCESS_TYPE_SHAPE, (s) => s.license.loginTypes) as unknown as EntityType<BaseEntity>],
];

/** The enabled license rules of one kind with the group or login type each one names. */
export function licenseRules(state: SimState, kind: LicenseResourceKind): Array<{ rule: SystemRuleEntity; resourceId: string }> {
  const out: Array<{ rule: SystemRuleEntity; resourceId: string }> = [];
  for (const rule of state.license.rules.values()) {
    if (rule.disabled || rule.category.toLowerCase() !== 'license') continue;
    const target = ruleTarget(rule.resourceFilter);
    if (target && target.kind === kind) out.push({ rule, resourceId: target.id });
  }
  return out;
}

function resourcesOf(state: SimState, kind: LicenseResourceKind): Map<string, { id: string; name: string }> {
  return kind === 'login' ? state.license.loginTypes : (state.license.groups[kind as AllocationKind] as Map<string, AccessGroupEntity>);
}

/** POST /qrs/systemrule/license/audit: which rules give which user which group; changes nothing. */
export function licenseAudit(state: SimState, raw: unknown): Row {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'The request body must be a JSON object.');
  const p = Object.fromEntries(Object.entries(raw as Row).map(([k, v]) => [k.toLowerCase(), v]));
  const kind = (Object.entries(LICENSE_RESOURCE_TYPES) as Array<[LicenseResourceKind, string]>).find(
    ([, t]) => typeof p.resourcetype === 'string' && t.toLowerCase() === p.resourcetype.toLowerCase(),
  )?.[0];
  if (!kind) throw new HttpError(400, `Bad request: resourceType '${String(p.resourcetype)}' is not a license resource type.`);
  const userFilter = typeof p.userfilter === 'string' && p.userfilter.trim() !== '' ? compileFilter(USER_SHAPE, p.userfilter) : undefined;
  const resourceShape = kind === 'login' ? LOGIN_ACCESS_TYPE_SHAPE : ACCESS_GROUP_SHAPE;
  const resourceFilter = typeof p.resourcefilter === 'string' && p.resourcefilter.trim() !== '' ? compileFilter(resourceShape, p.resourcefilter) : undefined;
  const take = typeof p.usertake === 'number' && p.usertake > 0 ? p.usertake : 1000;
  const users = [...state.users.values()].filter((u) => !userFilter || userFilter({ ...u })).slice(0, take);
  const resources = [...resourcesOf(state, kind).values()].filter((r) => !resourceFilter || resourceFilter({ ...r }));
  const rules = licenseRules(state, kind);
  const out = { schemaPath: 'Audit', users: {} as Row, resources: {} as Row, rules: {} as Row, ruleApplication: [] as Row[] };
  for (const u of users) out.users[u.id] = { schemaPath: 'AuditUserCondensed', id: u.id, userId: u.userId, userDirectory: u.userDirectory, name: u.name };
  for (const r of resources) out.resources[r.id] = { schemaPath: 'AuditResourceCondensed', id: r.id, name: r.name };
  for (const { rule, resourceId } of rules) {
    const resource = resources.find((r) => r.id.toLowerCase() === resourceId);
    if (!resource) continue;
    for (const u of users) {
      if (!conditionMatches(rule.rule, u)) continue;
      out.rules[rule.id] = { schemaPath: 'AuditRuleCondensed', id: rule.id, name: rule.name, actions: rule.actions, disabled: rule.disabled };
      out.ruleApplication.push({ schemaPath: 'SystemRuleApplicationItemCondensed', userID: u.id, resourceID: resource.id, ruleID: rule.id, allowed: true, errorAt: 0, errorMessage: '', evaluationState: 0 });
    }
  }
  return out;
}
