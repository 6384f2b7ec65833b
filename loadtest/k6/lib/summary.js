/**
 * The run summary both load drivers write: built from k6's handleSummary `data` object (the Node
 * driver produces the same object shape), rendered as JSON and as text. Our own small helpers,
 * because the usual jslib `textSummary` is a remote import that fails offline. Pure; types:
 * summary.d.ts.
 *
 * k6's data shape: metrics[name] = { type, contains, values, thresholds?: { [source]: { ok } } },
 * root_group.checks = [{ name, passes, fails }], state.testRunDurationMs, setup_data.
 */
import { KNOWN_STATUSES } from './mcp.js';

export const SUMMARY_SCHEMA = 'stateless-mcp-on-lambda/loadtest-summary@1';

function round(value, digits) {
  if (typeof value !== 'number' || !isFinite(value)) return null;
  const f = 10 ** (digits === undefined ? 2 : digits);
  return Math.round(value * f) / f;
}

/** `metric{a:b,c:d}` → { metric, tags: { a: 'b', c: 'd' } } (the tag filter syntax of thresholds). */
export function parseMetricKey(key) {
  const open = key.indexOf('{');
  if (open < 0 || key.charAt(key.length - 1) !== '}') return { metric: key, tags: {} };
  const tags = {};
  for (const pair of key.slice(open + 1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) tags[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, open).trim(), tags };
}

export function latencyStats(values) {
  if (!values) return null;
  return {
    count: values.count === undefined ? null : values.count,
    avg: round(values.avg),
    min: round(values.min),
    p50: round(values['p(50)'] === undefined ? values.med : values['p(50)']),
    p90: round(values['p(90)']),
    p95: round(values['p(95)']),
    p99: round(values['p(99)']),
    max: round(values.max),
  };
}

function collectChecks(group, into) {
  if (!group) return;
  for (const check of group.checks || []) {
    const entry = into[check.name] || (into[check.name] = { passes: 0, fails: 0 });
    entry.passes += check.passes;
    entry.fails += check.fails;
  }
  const groups = Array.isArray(group.groups) ? group.groups : Object.values(group.groups || {});
  for (const child of groups) collectChecks(child, into);
}

/** A filesystem-friendly UTC stamp: 20261125T094149Z. */
export function fileStamp(date) {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * data: k6's handleSummary argument; plan: from config.js resolvePlan; meta: { tool: 'k6' | 'node',
 * start?: Date|string, end?: Date|string }.
 */
export function summarize(data, plan, meta) {
  const metrics = data.metrics || {};
  const value = (name, field) => (metrics[name]?.values ? metrics[name].values[field] : undefined);
  const end = meta?.end ? new Date(meta.end) : new Date();
  const setupStart = data.setup_data?.start;
  const durationMs = data.state && typeof data.state.testRunDurationMs === 'number' ? data.state.testRunDurationMs : 0;
  const start = meta?.start
    ? new Date(meta.start)
    : setupStart
      ? new Date(setupStart)
      : new Date(end.getTime() - durationMs);

  const byStatus = {};
  for (const status of KNOWN_STATUSES) {
    const count = value(`http_status_${status}`, 'count');
    if (count) byStatus[String(status)] = count;
  }
  const other = value('http_status_other', 'count');
  if (other) byStatus.other = other;

  const byMethod = {};
  const byTool = {};
  const byEra = {};
  const thresholds = [];
  for (const key of Object.keys(metrics).sort()) {
    const parsed = parseMetricKey(key);
    const tagNames = Object.keys(parsed.tags).sort().join(',');
    if (parsed.metric === 'http_req_duration') {
      if (tagNames === 'mcp_method') byMethod[parsed.tags.mcp_method] = latencyStats(metrics[key].values);
      else if (tagNames === 'mcp_method,mcp_name') byTool[parsed.tags.mcp_name] = latencyStats(metrics[key].values);
      else if (tagNames === 'mcp_era') byEra[parsed.tags.mcp_era] = latencyStats(metrics[key].values);
    }
    const declared = plan.thresholds[key];
    if (metrics[key].thresholds && declared) {
      for (const source of Object.keys(metrics[key].thresholds)) {
        thresholds.push({ metric: key, expression: source, ok: metrics[key].thresholds[source].ok === true });
      }
    }
  }
  // A declared threshold on a metric that never got a sample (k6 leaves it out of data.metrics).
  for (const key of Object.keys(plan.thresholds)) {
    if (!metrics[key])
      for (const source of plan.thresholds[key])
        thresholds.push({ metric: key, expression: source, ok: true, noData: true });
  }

  const checksByName = {};
  collectChecks(data.root_group, checksByName);
  const requests = value('http_reqs', 'count') || 0;
  const failed = value('http_req_failed', 'passes') || 0;
  const passes = value('checks', 'passes') || 0;
  const fails = value('checks', 'fails') || 0;

  const summary = {
    schema: SUMMARY_SCHEMA,
    tool: meta?.tool || 'k6',
    scenario: plan.scenario,
    description: plan.description,
    era: plan.era,
    target: plan.target,
    url: plan.url,
    start: start.toISOString(),
    end: end.toISOString(),
    durationSeconds: round((end.getTime() - start.getTime()) / 1000, 3),
    plan: {
      executor: plan.executor,
      durationSeconds: plan.durationSeconds,
      requestsPerIteration: plan.requestsPerIteration,
      rate: plan.rate === undefined ? null : plan.rate,
      peakIterationsPerMinute: plan.peakIterationsPerMinute === undefined ? null : plan.peakIterationsPerMinute,
      stages: plan.stages || null,
      vus: plan.vus === undefined ? null : plan.vus,
      pauseSeconds: plan.pauseSeconds === undefined ? null : plan.pauseSeconds,
      maxVUs: plan.maxVUs === undefined ? null : plan.maxVUs,
      textBytes: plan.textBytes,
      longTask: plan.longTask || null,
    },
    iterations: {
      count: value('iterations', 'count') || 0,
      rate: round(value('iterations', 'rate') || 0, 3),
      dropped: value('dropped_iterations', 'count') || 0,
      durationMs: latencyStats(metrics.iteration_duration?.values),
    },
    vusMax: value('vus_max', 'max') || value('vus_max', 'value') || null,
    http: {
      requests,
      rate: round(value('http_reqs', 'rate') || 0, 3),
      failed,
      failedRate: round(requests ? failed / requests : 0, 6),
      byStatus,
    },
    latencyMs: {
      overall: latencyStats(metrics.http_req_duration?.values),
      byMethod,
      byTool,
      byEra,
    },
    checks: {
      passes,
      fails,
      rate: round(passes + fails ? passes / (passes + fails) : 0, 6),
      byName: checksByName,
    },
    thresholds,
    // A run that sent nothing proves nothing, whatever thresholds without data say.
    ok: requests > 0 && thresholds.every((t) => t.ok),
  };
  return summary;
}

function pad(text, width, right) {
  const s = String(text);
  if (s.length >= width) return s;
  const fill = new Array(width - s.length + 1).join(' ');
  return right ? fill + s : s + fill;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function formatTable(header, rows) {
  const all = [header].concat(rows);
  const widths = header.map((_, i) =>
    all.reduce((w, row) => Math.max(w, String(row[i] === undefined ? '' : row[i]).length), 0),
  );
  return all
    .map((row) =>
      row
        .map((cell, i) => pad(cell === undefined || cell === null ? '-' : cell, widths[i], i > 0))
        .join('  ')
        .replace(/\s+$/, ''),
    )
    .join('\n');
}

function num(value, digits) {
  return value === null || value === undefined ? '-' : Number(value).toFixed(digits === undefined ? 1 : digits);
}

function latencyRow(label, s) {
  return s
    ? [label, s.count === null ? '-' : s.count, num(s.avg), num(s.p50), num(s.p90), num(s.p95), num(s.p99), num(s.max)]
    : [label];
}

export function textSummary(s) {
  const lines = [];
  const plan = s.plan;
  const shape =
    plan.executor === 'constant-vus'
      ? `${plan.vus} VU(s), ${plan.pauseSeconds || 0} s pause`
      : `${plan.rate} req/s target (${num(plan.peakIterationsPerMinute / 60, 2)} iterations/s of ~${plan.requestsPerIteration} requests), max ${plan.maxVUs} VUs`;
  const work = plan.longTask ? `long_task ${plan.longTask.steps} x ${plan.longTask.stepMs} ms` : 'no long_task';
  lines.push(
    `MCP load test "${s.scenario}" by ${s.tool === 'k6' ? 'k6' : 'the Node driver'}: ${s.era} era(s) against ${s.url} (${s.target})`,
  );
  lines.push(`  window      ${s.start} -> ${s.end} (${num(s.durationSeconds, 1)} s)`);
  lines.push(`  plan        ${plan.executor}, ${plan.durationSeconds} s, ${shape}, ${work}`);
  lines.push(`  iterations  ${s.iterations.count} (${num(s.iterations.rate, 2)}/s), dropped ${s.iterations.dropped}`);
  const statuses = Object.keys(s.http.byStatus)
    .map((k) => `${k}x${s.http.byStatus[k]}`)
    .join(' ');
  lines.push(
    `  requests    ${s.http.requests} (${num(s.http.rate, 2)}/s), failed ${s.http.failed} (${num(s.http.failedRate * 100, 2)}%)  status ${statuses || '-'}`,
  );
  lines.push(`  checks      ${num(s.checks.rate * 100, 2)}% (${s.checks.passes} passed, ${s.checks.fails} failed)`);
  lines.push('');
  const rows = [latencyRow('all requests', s.latencyMs.overall)];
  for (const m of Object.keys(s.latencyMs.byMethod)) rows.push(latencyRow(`  ${m}`, s.latencyMs.byMethod[m]));
  for (const t of Object.keys(s.latencyMs.byTool)) rows.push(latencyRow(`  tools/call ${t}`, s.latencyMs.byTool[t]));
  for (const e of Object.keys(s.latencyMs.byEra)) rows.push(latencyRow(`  era ${e}`, s.latencyMs.byEra[e]));
  lines.push(
    formatTable(['latency (ms)', 'count', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'], rows)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  const failing = Object.keys(s.checks.byName).filter((n) => s.checks.byName[n].fails > 0);
  if (failing.length > 0) {
    lines.push('');
    lines.push('  failed checks');
    for (const n of failing)
      lines.push(`    x ${n}: ${s.checks.byName[n].fails} of ${s.checks.byName[n].passes + s.checks.byName[n].fails}`);
  }
  lines.push('');
  lines.push('  thresholds');
  for (const t of s.thresholds)
    lines.push(`    ${t.ok ? 'ok  ' : 'FAIL'} ${t.metric} ${t.expression}${t.noData ? ' (no data)' : ''}`);
  lines.push('');
  lines.push(
    `  result: ${s.ok ? 'PASS' : s.http.requests === 0 ? 'FAIL (no requests sent)' : 'FAIL (threshold breached)'}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * What handleSummary returns (and the Node driver writes): stdout text plus JSON, text and raw
 * data files under plan.resultsDir, named <tool>-<scenario>-<start stamp>.
 */
export function summaryOutputs(data, plan, meta) {
  const summary = summarize(data, plan, meta);
  const base = `${plan.resultsDir.replace(/\/+$/, '')}/${summary.tool}-${summary.scenario}-${fileStamp(new Date(summary.start))}`;
  const text = textSummary(summary);
  const files = {
    stdout: `\n${text}\nsummary: ${base}.summary.json\n`,
  };
  files[`${base}.summary.json`] = `${JSON.stringify(summary, null, 2)}\n`;
  files[`${base}.summary.txt`] = text;
  files[`${base}.data.json`] = JSON.stringify(data);
  return { summary, files, base };
}
