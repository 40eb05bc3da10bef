import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseFilter, parseOrderBy } from '../src/sim/filter-parser.js';
import { compileFilter, compileOrderBy, type Row } from '../src/sim/query.js';
import { USER_ACCESS_SHAPE, USER_SHAPE, DATA_CONNECTION_SHAPE } from '../src/sim/schema.js';

function syntaxError(src: string): string {
  try {
    parseFilter(src);
  } catch (err) {
    expect(err).toBeInstanceOf(FilterSyntaxError);
    return (err as FilterSyntaxError).body;
  }
  throw new Error(`expected "${src}" to be rejected`);
}

/** The escaping a correct client does: backslash first, then the quote. */
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

describe('parseFilter: syntax', () => {
  it('parses a comparison with any case of the operator and keeps the property as written', () => {
    expect(parseFilter("Name EQ 'Joe Smith'")).toEqual({ type: 'cmp', property: 'Name', op: 'eq', value: { quoted: true, text: 'Joe Smith' } });
  });

  it('accepts every documented operator', () => {
    for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'ew', 'so']) {
      expect(parseFilter(`name ${op} 'x'`)).toMatchObject({ op });
    }
  });

  it('binds and tighter than or', () => {
    const tree = parseFilter("a eq '1' or b eq '2' and c eq '3'");
    expect(tree).toMatchObject({ type: 'or', left: { property: 'a' }, right: { type: 'and', left: { property: 'b' }, right: { property: 'c' } } });
  });

  it('lets parentheses override precedence, and nest', () => {
    const tree = parseFilter("((a eq '1' or a eq '2')) and b eq '3'");
    expect(tree).toMatchObject({ type: 'and', left: { type: 'or' }, right: { property: 'b' } });
  });

  it('reads nested properties and bare values', () => {
    expect(parseFilter('user.id eq 0b3d1a3c-53c8-4b74-8ee0-4a4b5f7d6f21')).toMatchObject({
      property: 'user.id',
      value: { quoted: false, text: '0b3d1a3c-53c8-4b74-8ee0-4a4b5f7d6f21' },
    });
    expect(parseFilter('quarantined eq true')).toMatchObject({ value: { quoted: false, text: 'true' } });
    expect(parseFilter('logOn eq 0')).toMatchObject({ value: { quoted: false, text: '0' } });
    expect(parseFilter('deletedUserId eq null')).toMatchObject({ value: { quoted: false, text: 'null' } });
  });

  it("unescapes \\' and \\\\ inside quotes", () => {
    expect(parseFilter("userId eq 'o\\'brien'")).toMatchObject({ value: { text: "o'brien" } });
    expect(parseFilter("userId eq 'ops\\\\night'")).toMatchObject({ value: { text: 'ops\\night' } });
    expect(parseFilter("name eq 'a\\\\\\'b'")).toMatchObject({ value: { text: "a\\'b" } });
  });

  it('keeps spaces, operators, parentheses and non-ASCII inside quotes verbatim', () => {
    expect(parseFilter("userId eq 'Jürgen Müller'")).toMatchObject({ value: { text: 'Jürgen Müller' } });
    expect(parseFilter("name eq 'x and (y or z) eq \"q\"'")).toMatchObject({ value: { text: 'x and (y or z) eq "q"' } });
    expect(parseFilter("name eq ''")).toMatchObject({ value: { text: '' } });
  });

  it('treats an empty or blank filter as none', () => {
    expect(parseFilter('')).toBeUndefined();
    expect(parseFilter('   ')).toBeUndefined();
  });

  it.each([
    ["name eq 'unterminated"],
    ["name eq 'O''Brien'"], // doubling is not QRS's escape
    ['name eq "x"'], // double quotes
    ["name like 'x'"], // unknown operator
    ["name eq 'x' and"], // dangling and
    ["name eq 'x' or"],
    ["and name eq 'x'"],
    ["name eq 'x' and or b eq 'y'"],
    ["not name eq 'x'"], // `not` is not in the language
    ["(name eq 'x'"],
    ["name eq 'x')"],
    ['name eq'],
    ['name'],
    ["name eq 'x' b eq 'y'"],
    ["name eq 'a\\b'"], // a backslash must escape something
    ["'name' eq 'x'"],
    ["name eq 'x'y"],
  ])('rejects %s with 400 Cannot parse the expression', (src) => {
    expect(syntaxError(src)).toBe(`Cannot parse the expression: ${src}`);
  });

  it('answers an empty () with Invalid expression', () => {
    expect(syntaxError('()')).toBe('Invalid expression');
    expect(syntaxError("name eq 'x' and ( )")).toBe('Invalid expression');
  });

  it('round-trips any id a correct client escapes', () => {
    for (const id of ["o'brien", 'ops\\night', "it's\\a 'test'", 'Jürgen Müller', 'Ωmega_ß', "\\'", '']) {
      expect(parseFilter(`user.userId eq ${quote(id)}`)).toMatchObject({ value: { quoted: true, text: id } });
    }
  });
});

describe('parseOrderBy', () => {
  it('reads one or more terms with optional direction', () => {
    expect(parseOrderBy('name')).toEqual([{ property: 'name', descending: false }]);
    expect(parseOrderBy('userDirectory asc, userId DESC')).toEqual([
      { property: 'userDirectory', descending: false },
      { property: 'userId', descending: true },
    ]);
    expect(parseOrderBy(' ')).toBeUndefined();
  });
  it('rejects malformed terms', () => {
    expect(() => parseOrderBy('name sideways')).toThrow(FilterSyntaxError);
    expect(() => parseOrderBy('name,')).toThrow(FilterSyntaxError);
  });
});

const users: Row[] = [
  { id: 'a1a1a1a1-0000-4000-8000-000000000001', userDirectory: 'DOMAIN', userId: "o'brien", name: "Siobhán O'Brien", roles: [], tags: [], inactive: false, createdDate: '2018-02-14T09:15:40.002Z' },
  { id: 'a1a1a1a1-0000-4000-8000-000000000002', userDirectory: 'DOMAIN', userId: 'Jürgen Müller', name: 'Jürgen Müller', roles: ['RootAdmin'], tags: [{ id: 'b1b1b1b1-0000-4000-8000-000000000001', name: 'Finance' }], inactive: true, createdDate: '2018-03-01T13:44:09.781Z' },
  { id: 'a1a1a1a1-0000-4000-8000-000000000003', userDirectory: 'INTERNAL', userId: 'sa_api', name: 'sa_api', roles: [], tags: [], inactive: false, createdDate: '2017-12-19T10:42:17.214Z' },
];

function select(src: string, rows: Row[] = users, shape = USER_SHAPE): unknown[] {
  const predicate = compileFilter(shape, src);
  return rows.filter((r) => !predicate || predicate(r)).map((r) => r.userId ?? r.id);
}

describe('compileFilter: evaluation', () => {
  it('compares strings case-insensitively, properties in any case', () => {
    expect(select("USERID eq 'O\\'BRIEN'")).toEqual(["o'brien"]);
    expect(select("userDirectory eq 'domain'")).toEqual(["o'brien", 'Jürgen Müller']);
    expect(select("userid eq 'jürgen müller'")).toEqual(['Jürgen Müller']);
  });

  it('supports sw, ew, so', () => {
    expect(select("userId sw 'SA_'")).toEqual(['sa_api']);
    expect(select("name ew 'müller'")).toEqual(['Jürgen Müller']);
    expect(select("name so 'o\\'b'")).toEqual(["o'brien"]);
  });

  it('applies and/or/parentheses', () => {
    expect(select("userDirectory eq 'DOMAIN' and (userId eq 'x' or inactive eq true)")).toEqual(['Jürgen Müller']);
    expect(select("userId eq 'sa_api' or userDirectory eq 'DOMAIN' and inactive eq false")).toEqual(["o'brien", 'sa_api']);
  });

  it('matches any element of an array (roles, tags.name)', () => {
    expect(select("roles eq 'rootadmin'")).toEqual(['Jürgen Müller']);
    expect(select("tags.name eq 'finance'")).toEqual(['Jürgen Müller']);
    expect(select("tags.name ne 'finance'")).toEqual(["o'brien", 'sa_api']);
  });

  it('compares dates by instant, reading zone-less dates as UTC', () => {
    expect(select("createdDate gt '2018-01-01T00:00:00Z'")).toEqual(["o'brien", 'Jürgen Müller']);
    expect(select("createdDate le '2017-12-19 10:42:17.214'")).toEqual(['sa_api']);
    expect(select('createdDate lt 2018-02-14T09:15:40.003Z')).toEqual(["o'brien", 'sa_api']);
  });

  it('matches GUIDs case-insensitively, bare or quoted', () => {
    expect(select('id eq A1A1A1A1-0000-4000-8000-000000000003')).toEqual(['sa_api']);
    expect(select("id eq 'a1a1a1a1-0000-4000-8000-000000000003'")).toEqual(['sa_api']);
  });

  it('filters allocations on the nested user, with null for deleted users', () => {
    const allocations: Row[] = [
      { id: '1', user: { id: 'u1', userId: "o'brien", userDirectory: 'DOMAIN' }, quarantined: false },
      { id: '2', user: null, deletedUserId: 'gone', deletedUserDirectory: 'DOMAIN', quarantined: true },
      { id: '3', user: { id: 'u3', userId: 'Jürgen Müller', userDirectory: 'DOMAIN' }, quarantined: false },
    ];
    const ids = (src: string) => select(src, allocations, USER_ACCESS_SHAPE);
    expect(ids("user.userDirectory eq 'DOMAIN' and user.userId eq 'O\\'Brien'")).toEqual(['1']);
    expect(ids("user.userId eq 'jürgen müller'")).toEqual(['3']);
    expect(ids('user eq null')).toEqual(['2']);
    expect(ids('user.userId eq null')).toEqual(['2']);
    expect(ids("user.userId ne 'gone'")).toEqual(['1', '2', '3']);
    expect(ids('quarantined eq true')).toEqual(['2']);
  });

  it('compares enums/ints numerically', () => {
    const rows: Row[] = [
      { id: 'x', logOn: 0 },
      { id: 'y', logOn: 1 },
    ];
    expect(select('logOn eq 1', rows, DATA_CONNECTION_SHAPE)).toEqual(['y']);
    expect(select('logOn lt 1', rows, DATA_CONNECTION_SHAPE)).toEqual(['x']);
  });

  it.each([
    ["nosuch eq 'x'", /Invalid property 'nosuch'/],
    ["user.userId eq 'x'", /Invalid property/], // users have no `user`
    ['userId eq bare', /Invalid value/], // strings must be quoted
    ["id eq 'not-a-guid'", /Invalid value/],
    ["createdDate sw '2018'", /Invalid value/],
    ["createdDate gt 'yesterday'", /Invalid value/],
    ['inactive eq maybe', /Invalid value/],
    ['inactive gt true', /Invalid value/],
    ["tags eq 'x'", /Invalid property/], // an object is not comparable
  ])('rejects %s', (src, pattern) => {
    expect(() => compileFilter(USER_SHAPE, src)).toThrow(pattern);
  });
});

describe('compileOrderBy', () => {
  it('sorts case-insensitively, descending, with several keys', () => {
    const byName = compileOrderBy(USER_SHAPE, 'name desc')!;
    expect([...users].sort(byName).map((u) => u.userId)).toEqual(["o'brien", 'sa_api', 'Jürgen Müller']);
    const byDirThenId = compileOrderBy(USER_SHAPE, 'userDirectory, createdDate desc')!;
    expect([...users].sort(byDirThenId).map((u) => u.userId)).toEqual(['Jürgen Müller', "o'brien", 'sa_api']);
  });
  it('rejects unknown properties', () => {
    expect(() => compileOrderBy(USER_SHAPE, 'shoeSize')).toThrow(FilterSyntaxError);
  });
});
