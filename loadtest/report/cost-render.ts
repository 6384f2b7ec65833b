/** The run's cost as a terminal table and as an HTML section of the scaling report. Pure. */
import { formatTable } from '../k6/lib/summary.js';
import { escapeHtml } from './chart.ts';
import { formatUsd, type CostLine, type RunCost } from './cost.ts';

function quantity(l: CostLine): string {
  if (l.unit === 'GB') return `${l.quantity.toPrecision(4)} GB`;
  if (l.unit === 'GB-s') return `${l.quantity.toFixed(4)} GB-s`;
  return `${Math.round(l.quantity).toLocaleString('en-US')} ${l.unit}`;
}

function unitPrice(l: CostLine): string {
  if (l.unit === 'requests') return `$${(l.unitPrice * 1e6).toFixed(2)} per 1M`;
  if (l.unit === 'GB-s') return `$${l.unitPrice.toFixed(10)} per GB-s`;
  return `$${l.unitPrice.toFixed(2)} per GB`;
}

function heading(cost: RunCost, onAws: boolean): string {
  const where = onAws ? 'Cost of this run on AWS' : 'What this run would have cost on AWS';
  return `${where} (${cost.prices.region} on-demand list prices as of ${cost.prices.asOf}, ${cost.inputs.architecture}, before free tier)`;
}

function notes(cost: RunCost, onAws: boolean): string[] {
  const out = [
    `API Gateway requests from the ${cost.inputs.apiRequestsSource}; log bytes: ${cost.inputs.logBytesScope}.`,
    'Not included: the authorizer Lambda (one invocation per token per cache TTL when caching is on), data transfer out, ' +
      'the stage access log group, DynamoDB (tasks), log storage.',
  ];
  if (!onAws)
    out.push("Durations are this machine's, not AWS's: the figure is what the same REPORT lines would be billed.");
  out.push(`Prices: ${cost.prices.sources.map((s) => s.url).join(', ')}`);
  return out;
}

export function formatCostTable(cost: RunCost, onAws: boolean): string {
  const rows: Array<Array<string | number>> = cost.lines.map((l) => [
    l.item,
    quantity(l),
    unitPrice(l),
    formatUsd(l.usd),
  ]);
  rows.push(['total', '', '', formatUsd(cost.totalUsd)]);
  const lines = [heading(cost, onAws), formatTable(['item', 'quantity', 'price', 'cost'], rows)];
  if (cost.perMillionRequests) {
    const per = cost.perMillionRequests;
    lines.push('');
    lines.push(
      `1 million such requests: ${formatUsd(per.totalUsd)} ` +
        `(${per.lines.map((l) => `${l.item} ${formatUsd(l.usd)}`).join(', ')})`,
    );
  }
  lines.push(...notes(cost, onAws));
  return `${lines.join('\n')}\n`;
}

export function renderCostHtml(cost: RunCost, onAws: boolean): string {
  const row = (l: CostLine): string =>
    `<tr><th>${escapeHtml(l.item)}</th><td>${escapeHtml(quantity(l))}</td><td>${escapeHtml(unitPrice(l))}</td><td>${escapeHtml(formatUsd(l.usd))}</td></tr>`;
  const per = cost.perMillionRequests;
  return `<h2>Cost</h2>
<p class="sub">${escapeHtml(heading(cost, onAws))}</p>
<table><thead><tr><th>Item</th><th>Quantity</th><th>Price</th><th>Cost</th></tr></thead><tbody>
${cost.lines.map(row).join('\n')}
<tr><th>Total</th><td></td><td></td><td><strong>${escapeHtml(formatUsd(cost.totalUsd))}</strong></td></tr>
</tbody></table>
${per ? `<p>1 million such requests: <strong>${escapeHtml(formatUsd(per.totalUsd))}</strong> (${escapeHtml(per.lines.map((l) => `${l.item} ${formatUsd(l.usd)}`).join(', '))})</p>` : ''}
<p class="note">${notes(cost, onAws).map(escapeHtml).join('<br>')}</p>
`;
}

/** Puts a section at the end of a report page's body. */
export function appendToBody(html: string, section: string): string {
  const at = html.lastIndexOf('</body>');
  return at < 0 ? `${html}${section}` : `${html.slice(0, at)}${section}${html.slice(at)}`;
}
