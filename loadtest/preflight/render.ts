/** The preflight's report for the terminal. Pure. */
import { formatTable } from '../k6/lib/summary.js';
import type { Finding, Limits, Verdict } from './check.ts';
import type { Demand } from './demand.ts';

const MARK: Record<Finding['status'], string> = { ok: 'ok', exceeds: 'EXCEEDS', warning: 'warn', unknown: '?' };

function n(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function formatPreflight(d: Demand, limits: Limits, findings: readonly Finding[], verdict: Verdict): string {
  const a = d.assumptions;
  const lines: string[] = [];
  lines.push(`Preflight of "${d.scenario}" (${d.executor}, ${n(d.durationSeconds, 0)} s) against ${limits.source}`);
  lines.push(
    `  plan: peak ${n(d.peakRate)} req/s, about ${n(d.totalRequests, 0)} requests; the rate climbs at most ` +
      `${n(d.maxRiseInOneSecond)} req/s within a second and ${n(d.maxRiseInTenSeconds)} within 10 s`,
  );
  lines.push(
    `  each request holds an execution environment ${n(d.meanDurationMs)} ms on average ` +
      `(${a.baseDurationMs} ms assumed per request, plus the long_task wait shared by the ${n(d.requestsPerIteration)} requests of an iteration)`,
  );
  lines.push(
    `  Little's law: requests in progress = arrival rate × time each takes = ${n(d.peakRate)} × ${n(d.meanDurationMs / 1000, 3)} s ` +
      `= ${n(d.steadyConcurrency)} environments busy at the peak; while the rate climbs, each new environment first spends ` +
      `Init (${a.initDurationMs} ms assumed) starting, so add ${n(d.maxRiseInOneSecond)} × ${n(a.initDurationMs / 1000, 3)} s ` +
      `= ${n(d.coldStartHeadroom)}: plan for ${n(d.neededConcurrency, 0)}`,
  );
  lines.push('');
  lines.push(
    formatTable(
      ['check', 'result', 'plan needs', 'stack allows'],
      findings.map((f) => [f.check, MARK[f.status], f.needed, f.allowed]),
    ),
  );
  const advice = findings.filter((f) => f.advice && f.status !== 'ok');
  if (advice.length) {
    lines.push('');
    lines.push('What to raise:');
    for (const f of advice) lines.push(`  - ${f.check}: ${f.advice}`);
  }
  lines.push('');
  if (verdict.first) {
    const pct = verdict.first.ratio! * 100;
    lines.push(
      verdict.ok
        ? `Throttles first as the load grows: ${verdict.first.check} (the plan uses ${n(100 / verdict.first.ratio!, 0)} % of it).`
        : `Throttles first: ${verdict.first.check}, which allows ${n(pct, 0)} % of what the plan needs.`,
    );
  }
  lines.push(
    verdict.ok
      ? 'PASS: the plan fits within every limit read.'
      : 'REFUSED: the plan exceeds a limit; nothing was sent.',
  );
  return `${lines.join('\n')}\n`;
}
