const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a lifetime written as plain seconds (`900`) or with a unit (`15m`, `2h`, `7d`).
 * Returns null for anything else so the caller can name the bad variable.
 */
export function parseDuration(value: string): number | null {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(value);
  if (!match) return null;
  const amount = Number(match[1]);
  const seconds = amount * UNIT_SECONDS[match[2] || 's'];
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}
