/**
 * Security/license rule conditions as Qlik documents them ("Operators and functions for conditions"):
 * `user.<property>` compared with `=`, `!=` or `like` (wildcard `*`) to a quoted string, combined with
 * `not`, `and`, `or` (binding in that order) and parentheses. Strings compare case-insensitively; a
 * multi-valued property (roles, group) matches `=` when any value does. Anything else is a syntax error,
 * as the QMC's rule editor would say.
 */
import type { UserEntity } from './state.js';

export class RuleSyntaxError extends Error {}

type Token = { t: 'op' | 'word' | 'string' | '(' | ')'; v: string };
type Node =
  | { k: 'and' | 'or'; l: Node; r: Node }
  | { k: 'not'; e: Node }
  | { k: 'cmp'; prop: string; op: '=' | '!=' | 'like'; value: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') {
      out.push({ t: c, v: c });
      i++;
    } else if (c === '!' && src[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if (c === '=') {
      out.push({ t: 'op', v: '=' });
      i += src[i + 1] === '=' ? 2 : 1;
    } else if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new RuleSyntaxError(`unterminated string at ${i}`);
      out.push({ t: 'string', v: src.slice(i + 1, end) });
      i = end + 1;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
      if (!m) throw new RuleSyntaxError(`unexpected '${c}' at ${i}`);
      const w = m[0];
      out.push(w.toLowerCase() === 'like' ? { t: 'op', v: 'like' } : { t: 'word', v: w });
      i += w.length;
    }
  }
  return out;
}

function parse(src: string): Node | undefined {
  const toks = tokenize(src);
  if (toks.length === 0) return undefined;
  let p = 0;
  const peekWord = (w: string) => toks[p]?.t === 'word' && toks[p]!.v.toLowerCase() === w;
  const orExpr = (): Node => {
    let l = andExpr();
    while (peekWord('or')) {
      p++;
      l = { k: 'or', l, r: andExpr() };
    }
    return l;
  };
  const andExpr = (): Node => {
    let l = notExpr();
    while (peekWord('and')) {
      p++;
      l = { k: 'and', l, r: notExpr() };
    }
    return l;
  };
  const notExpr = (): Node => {
    if (peekWord('not')) {
      p++;
      return { k: 'not', e: notExpr() };
    }
    return primary();
  };
  const primary = (): Node => {
    const t = toks[p];
    if (!t) throw new RuleSyntaxError('unexpected end of condition');
    if (t.t === '(') {
      p++;
      const e = orExpr();
      if (toks[p]?.t !== ')') throw new RuleSyntaxError('missing )');
      p++;
      return e;
    }
    if (t.t !== 'word' || !/^(user|resource)\.[A-Za-z]+$/i.test(t.v)) throw new RuleSyntaxError(`expected user.<property>, got '${t.v}'`);
    const op = toks[p + 1];
    const value = toks[p + 2];
    if (op?.t !== 'op') throw new RuleSyntaxError(`expected =, != or like after ${t.v}`);
    if (value?.t !== 'string') throw new RuleSyntaxError(`expected a quoted value after ${t.v} ${op.v}`);
    p += 3;
    return { k: 'cmp', prop: t.v.toLowerCase(), op: op.v as '=' | '!=' | 'like', value: value.v };
  };
  const tree = orExpr();
  if (p !== toks.length) throw new RuleSyntaxError(`unexpected '${toks[p]!.v}'`);
  return tree;
}

/** Throws RuleSyntaxError on a condition the rule editor would reject. */
export function checkCondition(src: string): void {
  parse(src);
}

function attributeValues(user: UserEntity, type: string): string[] {
  const attrs = Array.isArray(user.attributes) ? (user.attributes as Array<{ attributeType?: unknown; attributeValue?: unknown }>) : [];
  return attrs.filter((a) => String(a.attributeType ?? '').toLowerCase() === type).map((a) => String(a.attributeValue ?? ''));
}

function valuesOf(user: UserEntity, prop: string): string[] {
  switch (prop) {
    case 'user.userdirectory':
      return [user.userDirectory];
    case 'user.userid':
      return [user.userId];
    case 'user.name':
      return [user.name];
    case 'user.roles':
      return user.roles;
    case 'user.group':
      return attributeValues(user, 'group');
    case 'user.email':
      return attributeValues(user, 'email');
    default:
      return [];
  }
}

function matches(node: Node, user: UserEntity): boolean {
  switch (node.k) {
    case 'and':
      return matches(node.l, user) && matches(node.r, user);
    case 'or':
      return matches(node.l, user) || matches(node.r, user);
    case 'not':
      return !matches(node.e, user);
    case 'cmp': {
      const values = valuesOf(user, node.prop).map((v) => v.toLowerCase());
      const want = node.value.toLowerCase();
      if (node.op === 'like') {
        const re = new RegExp(`^${want.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 's');
        return values.some((v) => re.test(v));
      }
      const eq = values.includes(want);
      return node.op === '=' ? eq : !eq;
    }
  }
}

/** Whether the condition grants the user; an empty condition matches everyone, a broken one no one. */
export function conditionMatches(src: string, user: UserEntity): boolean {
  let tree: Node | undefined;
  try {
    tree = parse(src);
  } catch {
    return false;
  }
  return tree === undefined || matches(tree, user);
}
