/** The QRS filter builder (src/qrs/filter.ts): the only place a value enters a filter string. */
import { describe, expect, it } from 'vitest';
import { encodeFilter, filter, quote } from '../src/qrs/filter.js';
import { parseFilter } from '../src/sim/filter-parser.js';
import { compileFilter } from '../src/sim/query.js';
import { USER_SHAPE } from '../src/sim/schema.js';

const HOSTILE = [
  "o'brien",
  'back\\slash',
  "tail\\",
  "\\'",
  "''",
  'Jürgen Müller',
  'R&D #1 100% + more',
  "x' or userId ne '",
  ') or (1 eq 1',
  '日本語 ユーザー',
  '',
];

describe('quote', () => {
  it('single-quotes a plain value', () => {
    expect(quote('qvservice')).toBe("'qvservice'");
  });

  it("backslash-escapes ' (QRS rejects a doubled quote)", () => {
    expect(quote("o'brien")).toBe("'o\\'brien'");
    expect(quote("o'brien")).not.toContain("''");
  });

  it('escapes \\ before the quote, so a value ending in a backslash cannot close the string', () => {
    expect(quote('a\\b')).toBe("'a\\\\b'");
    expect(quote('tail\\')).toBe("'tail\\\\'");
    // \' in the value: the backslash doubled, then the quote escaped.
    expect(quote("\\'")).toBe("'\\\\\\''");
  });

  it('leaves spaces and non-ASCII as they are (encoding is the URL layer\'s job)', () => {
    expect(quote('Jürgen Müller')).toBe("'Jürgen Müller'");
  });
});

describe('filter conditions', () => {
  it('writes strings quoted, numbers and booleans bare', () => {
    expect(filter.eq('userId', 'qvservice').text).toBe("userId eq 'qvservice'");
    expect(filter.ne('inactive', false).text).toBe('inactive ne false');
    expect(filter.eq('nodeType', 1).text).toBe('nodeType eq 1');
    expect(filter.sw('name', 'monitor_apps_REST_').text).toBe("name sw 'monitor_apps_REST_'");
    expect(filter.ew('name', '_x').text).toBe("name ew '_x'");
    expect(filter.so('name', "it's").text).toBe("name so 'it\\'s'");
  });

  it('accepts nested property names and refuses anything else in the property position', () => {
    expect(filter.eq('user.userDirectory', 'DOMAIN').text).toBe("user.userDirectory eq 'DOMAIN'");
    for (const bad of ["name eq 'x' or name", 'user..id', '1name', 'na me', '', 'name;']) {
      expect(() => filter.eq(bad, 'x'), bad).toThrow(/invalid filter property name/);
    }
  });

  it('writes a GUID bare and refuses anything that is not one', () => {
    const guid = '0b5a2c3d-1e2f-4a5b-8c9d-0e1f2a3b4c5d';
    expect(filter.id('id', guid).text).toBe(`id eq ${guid}`);
    expect(() => filter.id('id', `${guid} or id ne ${guid}`)).toThrow(/not a GUID/);
    expect(() => filter.id('id', "x' or '1")).toThrow(/not a GUID/);
    expect(() => filter.id('bad prop', guid)).toThrow(/invalid filter property name/);
  });
});

describe('and / or', () => {
  it('passes a single part through unchanged and refuses an empty group (QRS: 400 Invalid expression)', () => {
    const one = filter.eq('a', '1');
    expect(filter.and(one)).toBe(one);
    expect(filter.or(one)).toBe(one);
    expect(() => filter.and()).toThrow(/empty and filter/);
    expect(() => filter.or()).toThrow(/empty or filter/);
  });

  it('parenthesises every part, so an or inside an and keeps its meaning', () => {
    const f = filter.and(filter.or(filter.eq('a', '1'), filter.eq('a', '2')), filter.eq('b', '3'));
    expect(f.text).toBe("((a eq '1') or (a eq '2')) and (b eq '3')");
    const tree = parseFilter(f.text);
    expect(tree).toMatchObject({ type: 'and', left: { type: 'or' }, right: { property: 'b' } });
  });

  it('builds the accounts filter the survey sends: an or of (directory and id) pairs', () => {
    const f = filter.or(
      filter.and(filter.eq('userDirectory', 'DOMAIN'), filter.eq('userId', "o'brien")),
      filter.and(filter.eq('userDirectory', 'DOMAIN'), filter.eq('userId', 'Jürgen Müller')),
    );
    expect(f.text).toBe("((userDirectory eq 'DOMAIN') and (userId eq 'o\\'brien')) or ((userDirectory eq 'DOMAIN') and (userId eq 'Jürgen Müller'))");
  });
});

describe('escaping survives a QRS-style parser', () => {
  it('every hostile value parses back to exactly itself', () => {
    for (const value of HOSTILE) {
      const tree = parseFilter(filter.eq('userId', value).text);
      expect(tree, value).toEqual({ type: 'cmp', property: 'userId', op: 'eq', value: { quoted: true, text: value } });
    }
  });

  it('a value cannot widen the filter: each matches its own user and no other', () => {
    const rows = HOSTILE.map((userId) => ({ userId, userDirectory: 'DOMAIN' }));
    for (const value of HOSTILE) {
      const predicate = compileFilter(USER_SHAPE, filter.and(filter.eq('userDirectory', 'DOMAIN'), filter.eq('userId', value)).text)!;
      // QRS compares strings case-insensitively; none of the hostile values differ only in case.
      expect(rows.filter(predicate).map((r) => r.userId), value).toEqual([value]);
    }
  });
});

describe('encodeFilter', () => {
  it('URL-encodes the whole filter: no raw & (cuts the query) or # (drops the xrfkey), no raw space or +', () => {
    const f = filter.eq('userId', 'R&D #1 100% + more');
    const enc = encodeFilter(f);
    expect(enc).not.toMatch(/[&# +]/);
    expect(enc).toContain('%26');
    expect(enc).toContain('%23');
    expect(enc).toContain('%25');
    expect(enc).toContain('%2B');
    expect(decodeURIComponent(enc)).toBe(f.text);
    // What a server does with the query string gives the filter back, whole.
    expect(new URLSearchParams(`xrfkey=abc&filter=${enc}`).get('filter')).toBe(f.text);
  });

  it('encodes non-ASCII as UTF-8 and backslashes as %5C', () => {
    const enc = encodeFilter(filter.eq('userId', 'Jürgen\\Müller'));
    expect(enc).toContain('J%C3%BCrgen');
    expect(enc).toContain('%5C%5C');
    expect(decodeURIComponent(enc)).toBe("userId eq 'Jürgen\\\\Müller'");
  });
});
