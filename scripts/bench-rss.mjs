/**
 * Preloaded by the bench (`node --import ./scripts/bench-rss.mjs …`): on exit, writes the process's
 * peak resident set size in kilobytes and its CPU time (all threads) in milliseconds, as JSON, to the
 * file named by QRSFIX_BENCH_RSS. process.resourceUsage() reports both on Linux, macOS and Windows
 * alike, so no /usr/bin/time is needed.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.QRSFIX_BENCH_RSS;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ rssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
