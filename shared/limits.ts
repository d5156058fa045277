/**
 * @module shared/limits
 * Bounds on everything a caller controls, in one place so the edge, the worker and the
 * docs quote the same numbers.
 */
export const LIMITS = {
  /** Longest accepted URL, in characters (browsers and CDNs commonly stop near 2 KB–8 KB). */
  urlMaxLength: 2048,
  /** Most named fields in `extract`. */
  extractMaxFields: 50,
  /** Longest field name in `extract`. */
  extractNameMaxLength: 64,
  /** Longest CSS selector (in `extract` and `waitFor`). */
  selectorMaxLength: 512,
  /** Per-job timeout range, in milliseconds. */
  timeoutMs: { min: 1_000, max: 120_000, default: 30_000 },
  /** BullMQ accepts priorities 0..2_097_152; 0 means "no priority" (served first). */
  priorityMax: 2_097_152,
  /** Longest delay before a job becomes runnable: 30 days. */
  delayMsMax: 30 * 24 * 3600 * 1000,
  /** Attempts per job, the first try included. */
  attempts: { min: 1, max: 10, default: 3 },
  /** Longest idempotency key. */
  idempotencyKeyMaxLength: 200,
  /** Largest accepted request body, in bytes. */
  bodyMaxBytes: 64 * 1024,
  /** Most entries in `formats` (one of each kind). */
  formatsMax: 7,
  /** Most selectors in `includeTags` and in `excludeTags`. */
  narrowingSelectorsMax: 50,
  /** Screenshot viewport bounds, in CSS pixels. */
  screenshot: { minSide: 100, maxWidth: 3840, maxHeight: 2160 },
  /** `headers`: how many, the longest name and value, and all of them together (names + values). */
  headers: { max: 50, nameMaxLength: 128, valueMaxLength: 8_192, totalMaxBytes: 16_384 },
  /** `cookies`: how many, the longest name and value. */
  cookies: { max: 50, nameMaxLength: 256, valueMaxLength: 4_096 },
  /** `body` once encoded (string, JSON or form), in bytes; the whole request is under `bodyMaxBytes` anyway. */
  requestBodyMaxBytes: 32_768,
  /** `userAgent`, in characters. */
  userAgentMaxLength: 512,
  /** `actions`: how many, and the total of their waits (`wait.milliseconds`, and each `wait.selector` counts its timeout). */
  actions: { max: 50, totalWaitMs: 60_000, scriptMaxLength: 16_384, textMaxLength: 8_192, keyMaxLength: 32 },
  /** A proxy pool or session name, in characters. */
  proxyNameMaxLength: 64,
} as const;
