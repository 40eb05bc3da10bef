/** Tables fit a terminal of the width given (cells wrap, at spaces where they can); piped, full width. */
import { describe, expect, it } from 'vitest';
import { withTableWidth } from '../src/output/fit-table.js';
import { boxTable, displayWidth } from '../src/output/text-table.js';

const head = ['Account', 'QRS user', 'Roles', 'Monitor connections', 'Access allocations'];
const rows = [['DOMAIN\\qvservice', 'yes', 'RootAdmin', '11', 'user access pass (active; last used 2026-12-03T10:53:33Z) 9cd1a63b-dfdd-5835-a92d-55541b97ab82']];
const widest = (text: string) => Math.max(...text.split('\n').map(displayWidth));
/** The characters of the cells, box and spaces left out: wrapping may move them, never drop one. */
const chars = (text: string) => [...text.replace(/[│┌┐└┘├┤┬┴┼─\s]/g, '')].sort().join('');

describe('a table on a terminal', () => {
  it('is as wide as its content when no width is given (a pipe, a file)', () => {
    expect(widest(boxTable(head, rows))).toBeGreaterThan(140);
  });

  for (const columns of [100, 90]) {
    it(`fits ${columns} columns, with every word still there`, () => {
      const full = boxTable(head, rows);
      const fitted = withTableWidth(columns, () => boxTable(head, rows));
      expect(widest(fitted)).toBeLessThanOrEqual(columns);
      expect(fitted.split('\n').length).toBeGreaterThan(full.split('\n').length);
      expect(chars(fitted)).toBe(chars(full));
      // Broken after a space where there is one: the time stamp stays whole.
      expect(fitted).toContain('2026-12-03T10:53:33Z)');
    });
  }
});
