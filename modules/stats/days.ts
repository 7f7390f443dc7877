/**
 * Calendar days in the server's local time (`YYYY-MM-DD`), the unit of the stats files, of
 * `stats.retentionDays` and of `?days=`: "the last N days" are today and the N−1 days before it.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** The local day of a time in ms. */
export function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last `n` days, oldest first, ending with the day of `now`. */
export function lastDays(n: number, now = Date.now()): string[] {
  const d = new Date(now);
  d.setHours(12); // midday: stepping back a day never lands in an hour a clock change skips
  const days: string[] = [];
  for (let i = 0; i < n; i++) {
    days.push(dayOf(d.getTime()));
    // By the calendar, not by 24 h: a day with a clock change is 23 or 25 hours long.
    d.setDate(d.getDate() - 1);
  }
  return days.reverse();
}

export const DAY = /^\d{4}-\d{2}-\d{2}$/;
