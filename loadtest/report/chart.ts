/**
 * The scaling chart: request rate (bars, left axis) against execution environments (lines, right
 * axis: busy at the same instant, and started so far), cold starts
 * marked on top. A self-contained HTML page with inline SVG and CSS: no scripts, no remote assets.
 * Pure.
 */
import type { Percentiles, ScalingReport, Stats } from './aggregate.ts';

export interface LoadRunContext {
  readonly file?: string;
  readonly tool: string;
  readonly scenario: string;
  readonly era: string;
  readonly requests: number;
  readonly failed: number;
  readonly rate: number;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly checksRate: number;
  /** The run's verdict: every threshold held. */
  readonly ok: boolean;
  /** Answers 429: the stage's throttling (API Gateway's token bucket). */
  readonly throttledByStage: number;
  /**
   * Answers 500 `{"message":"Internal server error"}`: what API Gateway returns when Lambda
   * throttles the invocation at the function's concurrency limit (or the integration fails).
   */
  readonly throttledByLambda: number;
}

export interface ReportContext {
  readonly logGroup: string;
  /** Where the logs were read: an endpoint URL or "AWS (region)". */
  readonly source: string;
  readonly generatedAt: Date;
  readonly load?: LoadRunContext | undefined;
  /** The function's concurrency limit (reserved concurrency), drawn as a line; none when unreserved. */
  readonly concurrencyLimit?: number | undefined;
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Round tick values (1, 2, 5 × 10^k) from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function integerTicks(max: number): number[] {
  const top = Math.max(1, Math.ceil(max));
  const step = Math.max(1, Math.ceil(top / 6));
  const ticks: number[] = [];
  for (let v = 0; v < top + step; v += step) ticks.push(v);
  return ticks;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export interface ChartSize {
  readonly width?: number;
  readonly height?: number;
}

export function renderChartSvg(report: ScalingReport, size: ChartSize = {}, concurrencyLimit?: number): string {
  const W = size.width ?? 960;
  const H = size.height ?? 360;
  const m = { l: 60, r: 64, t: 46, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const { points, bucketSeconds } = report.timeline;
  const n = Math.max(1, points.length);
  const t0 = points[0]?.t ?? Date.parse(report.window.start);
  const spanMs = n * bucketSeconds * 1000;
  const x = (t: number): number => m.l + ((t - t0) / spanMs) * pw;
  const leftTicks = niceTicks(Math.max(1, ...points.map((p) => p.requestRate)));
  const leftMax = leftTicks[leftTicks.length - 1]!;
  const limit = concurrencyLimit !== undefined && concurrencyLimit >= 0 ? concurrencyLimit : undefined;
  const rightTicks = integerTicks(
    Math.max(1, limit ?? 0, ...points.map((p) => Math.max(p.startedEnvironments, p.peakConcurrency))),
  );
  const rightMax = rightTicks[rightTicks.length - 1]!;
  const yL = (v: number): number => m.t + ph - (v / leftMax) * ph;
  const yR = (v: number): number => m.t + ph - (v / rightMax) * ph;
  const slot = pw / n;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Request rate and execution environments over time">`,
  );
  out.push(
    '<style>.grid{stroke:#e3e3e3}.axis{stroke:#666}.lbl{font:11px system-ui,sans-serif;fill:#444}.bar{fill:#4e79a7;fill-opacity:.7}' +
      '.busy{fill:none;stroke:#f28e2b;stroke-width:2}.started{fill:none;stroke:#59a14f;stroke-width:2;stroke-dasharray:6 4}' +
      '.cold{fill:#e15759}.coldline{stroke:#e15759;stroke-opacity:.35}.limit{fill:none;stroke:#b07aa1;stroke-width:1.5;stroke-dasharray:2 3}' +
      '.nodata{font:bold 20px system-ui,sans-serif;fill:#b00}</style>',
  );
  // Grid and left axis (request rate).
  for (const v of leftTicks) {
    out.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${yL(v).toFixed(1)}" y2="${yL(v).toFixed(1)}"/>`);
    out.push(`<text class="lbl" x="${m.l - 6}" y="${(yL(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const v of rightTicks)
    out.push(`<text class="lbl" x="${m.l + pw + 6}" y="${(yR(v) + 4).toFixed(1)}">${v}</text>`);
  out.push(
    `<text class="lbl" transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">requests per second</text>`,
  );
  out.push(
    `<text class="lbl" transform="translate(${W - 14} ${m.t + ph / 2}) rotate(90)" text-anchor="middle">execution environments</text>`,
  );
  // X axis.
  const spanSeconds = spanMs / 1000;
  const step = TIME_STEPS.find((s) => spanSeconds / s <= 10) ?? 86400;
  for (let s = 0; s <= spanSeconds + 1e-9; s += step) {
    const xs = x(t0 + s * 1000);
    out.push(`<line class="axis" x1="${xs.toFixed(1)}" x2="${xs.toFixed(1)}" y1="${m.t + ph}" y2="${m.t + ph + 4}"/>`);
    out.push(`<text class="lbl" x="${xs.toFixed(1)}" y="${m.t + ph + 16}" text-anchor="middle">+${s}s</text>`);
  }
  out.push(`<text class="lbl" x="${m.l}" y="${H - 8}">${clock(t0)} UTC</text>`);
  out.push(
    `<text class="lbl" x="${m.l + pw}" y="${H - 8}" text-anchor="end">${clock(t0 + spanMs)} UTC · ${bucketSeconds} s buckets</text>`,
  );
  out.push(`<line class="axis" x1="${m.l}" x2="${m.l + pw}" y1="${m.t + ph}" y2="${m.t + ph}"/>`);
  // Bars: request rate.
  points.forEach((p, i) => {
    if (p.requestRate <= 0) return;
    const bx = m.l + i * slot + slot * 0.1;
    const by = yL(p.requestRate);
    out.push(
      `<rect class="bar" x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${Math.max(1, slot * 0.8).toFixed(1)}" height="${(m.t + ph - by).toFixed(1)}">` +
        `<title>${clock(p.t)}: ${fmt(p.requestRate)} req/s, ${p.peakConcurrency} busy, ${p.startedEnvironments} started</title></rect>`,
    );
  });
  // Step lines: environments started so far, environments busy at once.
  const step_ = (value: (i: number) => number, cls: string): void => {
    let d = '';
    points.forEach((_, i) => {
      const y = value(i).toFixed(1);
      const x0 = (m.l + i * slot).toFixed(1);
      const x1 = (m.l + (i + 1) * slot).toFixed(1);
      d += `${i === 0 ? 'M' : 'L'}${x0} ${y}H${x1}`;
    });
    if (d) out.push(`<path class="${cls}" d="${d}"/>`);
  };
  step_((i) => yR(points[i]!.startedEnvironments), 'started');
  step_((i) => yR(points[i]!.peakConcurrency), 'busy');
  // The concurrency limit: Lambda throttles invocations beyond it.
  if (limit !== undefined) {
    const yl = yR(limit).toFixed(1);
    out.push(
      `<path class="limit" d="M${m.l} ${yl}H${m.l + pw}"><title>concurrency limit: ${limit} environments</title></path>`,
    );
  }
  if (report.invocations === 0) {
    out.push(
      `<text class="nodata" x="${m.l + pw / 2}" y="${m.t + ph / 2}" text-anchor="middle">no data: no invocation in this window</text>`,
    );
  }
  // Cold starts: a marker on top and a faint line down.
  for (const c of report.coldStartList) {
    const cx = x(c.t);
    out.push(`<line class="coldline" x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${m.t}" y2="${m.t + ph}"/>`);
    out.push(
      `<path class="cold" d="M${(cx - 5).toFixed(1)} ${m.t - 10}H${(cx + 5).toFixed(1)}L${cx.toFixed(1)} ${m.t - 1}Z">` +
        `<title>cold start ${clock(c.t)}: Init Duration ${c.initDurationMs.toFixed(1)} ms (${escapeHtml(c.logStreamName)})</title></path>`,
    );
  }
  // Legend, above the plot.
  const items: Array<[string, string]> = [
    ['bar', 'requests/s (invocations started)'],
    ['busy', 'environments busy at once (peak)'],
    ['started', 'environments started so far'],
    ['cold', 'cold start'],
    ...(limit !== undefined ? ([['limit', `concurrency limit (${limit})`]] as Array<[string, string]>) : []),
  ];
  let lx = m.l;
  const ly = 8;
  for (const [cls, label] of items) {
    if (cls === 'bar') out.push(`<rect x="${lx}" y="${ly}" width="12" height="10" class="bar"/>`);
    else if (cls === 'cold') out.push(`<path class="cold" d="M${lx + 1} ${ly}h10l-5 9z"/>`);
    else out.push(`<path class="${cls}" d="M${lx} ${ly + 5}h14"/>`);
    out.push(`<text class="lbl" x="${lx + 18}" y="${ly + 9}">${label}</text>`);
    lx += 18 + label.length * 6.2 + 22;
  }
  out.push('</svg>');
  return out.join('\n');
}

/** 429s come from the stage's throttle; 500 `Internal server error` is how API Gateway reports a Lambda throttle. */
export function throttledText(load: LoadRunContext): string {
  if (load.throttledByStage === 0 && load.throttledByLambda === 0) return 'none';
  return (
    `${load.throttledByStage} × 429 (stage throttling), ` +
    `${load.throttledByLambda} × 500 (Lambda throttling at the concurrency limit, or a failed integration)`
  );
}

/** The run's verdict and, when the window holds no invocation, a "no data" banner, above the chart. */
function verdictBanner(report: ScalingReport, context: ReportContext): string {
  const parts: string[] = [];
  if (context.load) {
    parts.push(
      context.load.ok
        ? '<p class="verdict pass">Load run: PASS (every threshold held)</p>'
        : '<p class="verdict fail">Load run: FAIL (a threshold was breached)</p>',
    );
  }
  if (report.invocations === 0) {
    parts.push(
      '<p class="verdict nodata">No data: no invocation of this function was logged in this window. ' +
        'Check the endpoint, the log group and the window; CloudWatch Logs can lag behind by a minute.</p>',
    );
  }
  return parts.join('\n');
}

function percentileCells(p: Percentiles | null): string {
  if (!p) return '<td colspan="5">-</td>';
  return `<td>${p.count}</td>${[p.p50, p.p90, p.p99, p.max].map((v) => `<td>${v.toFixed(1)}</td>`).join('')}`;
}

function statsCells(s: Stats | null): string {
  if (!s) return '<td colspan="5">-</td>';
  return [s.p50, s.p95, s.p99, s.max, s.avg].map((v) => `<td>${v.toFixed(1)}</td>`).join('');
}

export function renderReportHtml(report: ScalingReport, context: ReportContext): string {
  const rows: Array<[string, string]> = [
    ['Window', `${report.window.start} → ${report.window.end} (${report.window.seconds.toFixed(1)} s)`],
    [
      'Execution environments (log streams)',
      `${report.environments}${report.logStreams > report.environments ? ` (+${report.logStreams - report.environments} log streams that only initialised)` : ''}`,
    ],
    ['Cold starts', String(report.coldStarts)],
    [
      'Invocations (REPORT lines)',
      `${report.invocations}${report.incomplete ? ` (+${report.incomplete} without REPORT)` : ''}${report.failedInvocations ? `, ${report.failedInvocations} with an error status` : ''}`,
    ],
    [
      'Max environments busy at once',
      `${report.maxConcurrency}${report.maxConcurrencyAt ? ` at ${report.maxConcurrencyAt}` : ''}`,
    ],
    ['Request rate, peak / mean', `${fmt(report.peakRequestRate)} / ${fmt(report.meanRequestRate)} per second`],
    [
      'Requests per environment',
      report.requestsPerEnvironment
        ? `min ${report.requestsPerEnvironment.min}, median ${fmt(report.requestsPerEnvironment.p50)}, mean ${fmt(report.requestsPerEnvironment.mean)}, max ${report.requestsPerEnvironment.max}`
        : '-',
    ],
    ['Billed', `${report.billedDurationMs} ms, ${report.billedGbSeconds} GB-s`],
    ...(context.concurrencyLimit !== undefined && context.concurrencyLimit >= 0
      ? ([['Concurrency limit (reserved concurrency)', `${context.concurrencyLimit} environments`]] as Array<
          [string, string]
        >)
      : []),
  ];
  const load = context.load;
  const loadRows = load
    ? `<h2>Load run</h2><table><tbody>
<tr><th>Summary</th><td>${escapeHtml(load.file ?? '-')}</td></tr>
<tr><th>Driver, scenario, era</th><td>${escapeHtml(`${load.tool}, ${load.scenario}, ${load.era}`)}</td></tr>
<tr><th>Requests sent</th><td>${load.requests} (${fmt(load.rate)}/s), ${load.failed} failed, checks ${(load.checksRate * 100).toFixed(2)}%</td></tr>
<tr><th>Client-side latency p95 / p99</th><td>${load.p95 ?? '-'} / ${load.p99 ?? '-'} ms</td></tr>
<tr><th>Throttled requests</th><td>${throttledText(load)}</td></tr>
<tr><th>Verdict</th><td>${load.ok ? 'PASS (every threshold held)' : 'FAIL (a threshold was breached)'}</td></tr>
</tbody></table>`
    : '';
  const envRows = report.environmentsDetail
    .slice(0, 200)
    .map(
      (e) =>
        `<tr><td class="mono">${escapeHtml(e.logStreamName)}</td><td>${e.invocations}</td><td>${e.coldStart ? 'yes' : 'no'}</td><td>${e.initDurationMs === undefined ? '-' : e.initDurationMs.toFixed(1)}</td><td>${e.p50DurationMs.toFixed(1)}</td><td>${clock(e.firstStartMs)}</td><td>${clock(e.lastEndMs)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Scaling report: ${escapeHtml(context.logGroup)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1040px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#666;margin:0 0 16px}
table{border-collapse:collapse;margin:4px 0}th,td{border-bottom:1px solid #eee;padding:4px 10px;text-align:left;vertical-align:top}
td{font-variant-numeric:tabular-nums}.mono{font-family:ui-monospace,monospace;font-size:12px}
.note{color:#666;font-size:12px;max-width:900px}
.verdict{font-weight:bold;padding:6px 10px;margin:8px 0;border-radius:4px}.pass{background:#e6f4ea;color:#1e6b33}
.fail{background:#fdecea;color:#a61b1b}.nodata{background:#fff4e5;color:#8a4b00}
</style>
</head>
<body>
<h1>Horizontal scaling of ${escapeHtml(context.logGroup)}</h1>
<p class="sub">Logs read from ${escapeHtml(context.source)} · generated ${escapeHtml(context.generatedAt.toISOString())}</p>
${verdictBanner(report, context)}
${renderChartSvg(report, {}, context.concurrencyLimit)}
<h2>Figures</h2>
<table><tbody>
${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</tbody></table>
<table><thead><tr><th>ms</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>mean</th></tr></thead><tbody>
<tr><th>Invocation duration</th>${statsCells(report.durationMs)}</tr>
<tr><th>… first after a cold start</th>${statsCells(report.coldDurationMs)}</tr>
<tr><th>… warm</th>${statsCells(report.warmDurationMs)}</tr>
<tr><th>Init Duration (cold starts)</th>${statsCells(report.initDurationMs)}</tr>
</tbody></table>
<h2>Cold starts</h2>
<table><thead><tr><th>ms, per new environment</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>
<tr><th>Init Duration</th>${percentileCells(report.coldStartFigures.initDurationMs)}</tr>
<tr><th>First invocation Duration</th>${percentileCells(report.coldStartFigures.firstInvocationMs)}</tr>
<tr><th>Init + first invocation</th>${percentileCells(report.coldStartFigures.initPlusFirstMs)}</tr>
</tbody></table>
${loadRows}
<h2>Execution environments</h2>
<table><thead><tr><th>Log stream</th><th>Invocations</th><th>Cold start</th><th>Init ms</th><th>p50 ms</th><th>First START</th><th>Last END</th></tr></thead><tbody>
${envRows}
</tbody></table>
<p class="note">One log stream per execution environment. An environment is busy from an invocation's START line to its END line; "busy at once" is the most environments busy at the same instant within each bucket, the function's concurrency. "Started so far" counts cold starts since the window began (environments already warm before it are not counted); it only counts up, since Lambda logs no line when it reclaims an idle environment. Cold starts are the REPORT lines carrying Init Duration, marked at their START.</p>
</body>
</html>
`;
}
