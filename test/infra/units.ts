/**
 * @module test/infra/units
 * Durations as compose writes them (`1m30s`) and Kubernetes memory quantities (`1536Mi`), in base units.
 */

const DURATION_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Compose/Go duration (`40s`, `1m30s`, `500ms`) or a bare number of seconds, in milliseconds. */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value.trim()) throw new Error(`not a duration: "${value}"`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * DURATION_UNITS[unit!]!, 0);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** Kubernetes memory quantity in bytes. */
export function memoryBytes(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
  if (!match) throw new Error(`not a memory quantity: "${value}"`);
  return Number(match[1]) * MEMORY_UNITS[match[2] ?? '']!;
}

/** Kubernetes CPU quantity in cores (`500m` → 0.5). */
export function cpuCores(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(value.trim());
  if (!match) throw new Error(`not a CPU quantity: "${value}"`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}
