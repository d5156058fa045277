/**
 * @module bench/core/repeat
 * Runs every contender of a suite `repeats` times, interleaved (A B C, A B C, …) so a slow
 * spell on the shared machine hits all rows alike rather than one, and keeps going when one
 * contender fails (its row shows the error; the others are still compared).
 */
import type { RowResult, RunFigures, SuiteContext } from './suite.ts';

export interface Measurement {
  figures: RunFigures;
  /** Diagnostics kept in the JSON only (e.g. broker commands by name). */
  details?: Record<string, unknown>;
  /** Remarks about this repeat (a failed check, a fallback taken). */
  notes?: string[];
}

export interface Contender {
  id: string;
  label: string;
  /** One complete measurement; `repeat` counts from 0. */
  measure(repeat: number): Promise<Measurement>;
}

export async function runInterleaved(ctx: SuiteContext, all: readonly Contender[], repeats = ctx.repeats): Promise<Array<Omit<RowResult, 'summary'>>> {
  const contenders = ctx.rows ? all.filter((contender) => ctx.rows!.includes(contender.id)) : all;
  if (contenders.length === 0) ctx.log(`  --rows matched none of this suite's rows: ${all.map((contender) => contender.id).join(', ')}`);
  const rows = contenders.map((contender) => ({
    id: contender.id, label: contender.label,
    runs: [] as RunFigures[], details: [] as Array<Record<string, unknown>>, notes: [] as string[], errors: [] as string[],
  }));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [index, contender] of contenders.entries()) {
      const row = rows[index]!;
      ctx.log(`  [${repeat + 1}/${repeats}] ${contender.label}…`);
      try {
        const { figures, details = {}, notes = [] } = await contender.measure(repeat);
        row.runs.push(figures);
        row.details.push(details);
        for (const note of notes) if (!row.notes.includes(note)) row.notes.push(note);
        ctx.log(`      ${Object.entries(figures).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${Number(v).toFixed(2)}`).join(' ')}`);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0]!;
        row.errors.push(message);
        ctx.log(`      failed: ${message}`);
      }
    }
  }
  return rows.map(({ errors, ...row }) => {
    if (errors.length === 0) return row;
    if (row.runs.length === 0) return { ...row, error: errors[0]! };
    return { ...row, notes: [...row.notes, `${errors.length} of ${repeats} repeats failed: ${errors[0]}`] };
  });
}
