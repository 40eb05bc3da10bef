/** auditFleet: at most four sites at once, and one site's failure is its own result. */
import { describe, expect, it } from 'vitest';
import { QrsfixError } from '../src/errors.js';
import { auditFleet } from '../src/audit/fleet.js';
import type { AuditReport } from '../src/audit/findings.js';

const report = (findings: number) => ({ findings: new Array(findings).fill({}), identities: [], monitorConnections: [] }) as unknown as AuditReport;

describe('auditFleet', () => {
  it('runs at most four audits at once, all of them, in the order of the sites', async () => {
    let inFlight = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const sites = Array.from({ length: 9 }, (_, i) => ({ name: `s${i}` }));
    const done = auditFleet(sites, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      return report(0);
    });
    // Release one waiting audit at a time until all have run.
    for (let released = 0; released < sites.length; released++) {
      while (releases.length === 0) await new Promise((r) => setImmediate(r));
      expect(inFlight).toBeLessThanOrEqual(4);
      releases.shift()!();
    }
    const result = await done;
    expect(peak).toBe(4);
    expect(result.sites.map((s) => s.site)).toEqual(sites.map((s) => s.name));
  });

  it('keeps an expected failure as that site\'s result and counts findings and failures', async () => {
    const result = await auditFleet([{ name: 'a' }, { name: 'b' }, { name: 'c' }], async (s) => {
      if (s.name === 'b') throw new QrsfixError('network', 'connection refused by b:4242', 'is QRS running?');
      return report(s.name === 'a' ? 2 : 0);
    });
    expect(result.sites[1]).toEqual({ site: 'b', audited: false, error: 'connection refused by b:4242', hint: 'is QRS running?' });
    expect(result.withFindings).toBe(1);
    expect(result.notAudited).toBe(1);
  });

  it('a bug is not hidden as "not audited"', async () => {
    await expect(auditFleet([{ name: 'a' }], async () => { throw new TypeError('boom'); })).rejects.toThrow('boom');
  });
});
