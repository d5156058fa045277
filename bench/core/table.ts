/**
 * @module bench/core/table
 * Renders one suite as a comparison table: each cell is `median (min–max) ×ratio`, the ratio
 * being this row's median over the baseline row's median in the same run. Plain text for the
 * terminal, Markdown for bench/results/latest.md and the README.
 */
import { ratioTo, type Spread } from './summary.ts';
import type { ColumnSpec, RowResult, SuiteResult } from './suite.ts';

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatCell(spread: Spread | null, column: ColumnSpec, ratio: number | null): string {
  if (!spread) return '—';
  let text = formatNumber(spread.median, column.digits);
  // The spread only says something once there is more than one repeat.
  if (spread.n > 1 && spread.min !== spread.max) {
    text += ` (${formatNumber(spread.min, column.digits)}–${formatNumber(spread.max, column.digits)})`;
  }
  if (column.ratio !== false && ratio !== null) text += ` ×${ratio.toFixed(2)}`;
  return text;
}

function rowLabel(row: RowResult, baseline: string): string {
  return row.id === baseline ? `${row.label} (baseline)` : row.label;
}

const arrow = (column: ColumnSpec) => (column.better === 'higher' ? ' ↑' : column.better === 'lower' ? ' ↓' : '');

/** Header plus one line of cells per row. */
export function tableCells(suite: SuiteResult): string[][] {
  const baseline = suite.rows.find((row) => row.id === suite.baseline);
  const header = ['system', ...suite.columns.map((column) => column.label + arrow(column))];
  const body = suite.rows.map((row) => {
    // A row that produced nothing shows its error in the first figure column.
    if (row.error) return [rowLabel(row, suite.baseline), `failed: ${row.error}`, ...suite.columns.slice(1).map(() => '')];
    const cells = suite.columns.map((column) => formatCell(row.summary[column.key] ?? null, column, ratioTo(row, baseline, column.key)));
    return [rowLabel(row, suite.baseline), ...cells];
  });
  return [header, ...body];
}

function caption(suite: SuiteResult): string {
  const baseline = suite.rows.find((row) => row.id === suite.baseline);
  const params = Object.entries(suite.params).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`).join(', ');
  return `${suite.title} — baseline: ${baseline?.label ?? suite.baseline}; cells: median (min–max over repeats) ×ratio to baseline; ↑ higher is better, ↓ lower is better. ${params}`;
}

function rowNotes(suite: SuiteResult): string[] {
  return suite.rows.flatMap((row) => row.notes.map((note) => `${row.label}: ${note}`));
}

export function renderText(suite: SuiteResult): string {
  const cells = tableCells(suite);
  const widths = cells[0]!.map((_, col) => Math.max(...cells.map((line) => line[col]!.length)));
  const line = (values: string[]) => values.map((value, col) => (col === 0 ? value.padEnd(widths[col]!) : value.padStart(widths[col]!))).join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const notes = [...suite.notes, ...rowNotes(suite)].map((note) => `  • ${note}`);
  return [`\n${caption(suite)}`, rule, line(cells[0]!), rule, ...cells.slice(1).map(line), rule, ...notes].join('\n') + '\n';
}

const escapeMd = (text: string) => text.replace(/\|/g, '\\|');

export function renderMarkdown(suite: SuiteResult): string {
  const cells = tableCells(suite);
  const header = cells[0]!;
  const lines = [
    `### ${suite.title}`,
    '',
    caption(suite).slice(suite.title.length + 3),
    '',
    `| ${header.map(escapeMd).join(' | ')} |`,
    `|${header.map((_, col) => (col === 0 ? '---' : '---:')).join('|')}|`,
    ...cells.slice(1).map((line) => `| ${line.map(escapeMd).join(' | ')} |`),
  ];
  const notes = [...suite.notes, ...rowNotes(suite)];
  if (notes.length > 0) lines.push('', ...notes.map((note) => `- ${note}`));
  return lines.join('\n') + '\n';
}
