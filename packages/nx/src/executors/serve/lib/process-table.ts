import type { ProcessPlan } from '../../../app/process-plan';

export interface ProcessRow {
  plan: ProcessPlan;
  url: string;
}

/** The table `nx serve` prints once every process is ready: each listens, the gateway after every process answered its health. */
export function renderProcessTable(app: string, topology: string, rows: ProcessRow[]): string {
  const table = [
    ['process', 'services', 'listening on'],
    ...rows.map(({ plan, url }) => [
      plan.name,
      plan.kind === 'gateway' ? `(routes ${plan.routes.length} public endpoints)` : plan.services.map((s) => s.name).join(', '),
      url,
    ]),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const lines = table.map((row) => '  ' + row.map((cell, col) => cell.padEnd(widths[col])).join('   ').trimEnd());
  return [`Topo app ${app}, topology ${topology}:`, ...lines].join('\n');
}
