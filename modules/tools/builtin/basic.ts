/** Category `basic`: the current time in any time zone, and date arithmetic. */
import { HttpError, type ToolDefinition } from '../../../kernel/index.ts';

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;
type Unit = (typeof UNITS)[number];
const MS: Record<Exclude<Unit, 'years' | 'months'>, number> = { weeks: 604_800_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 };

const timezoneSchema = { type: 'string', minLength: 1, maxLength: 64, description: 'IANA time zone such as "Asia/Shanghai" or "UTC" (default: the server\'s zone)' };
const dateSchema = (what: string) => ({ type: 'string', minLength: 1, maxLength: 64, description: `${what}: an ISO 8601 date or date-time ("2024-02-29", "2024-02-29T12:00:00+08:00")` });

const serverZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function parseDate(text: string, field: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new HttpError(400, 'INVALID_ARGS', `${field} is not a date: "${text}"`, { details: [{ path: `args.${field}`, message: 'is not a date' }] });
  return date;
}

/** Wall-clock fields of `date` in `timeZone`; a 400 INVALID_ARGS for an unknown zone. */
function inZone(date: Date, timeZone: string) {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'long', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
    });
  } catch {
    throw new HttpError(400, 'INVALID_ARGS', `Unknown time zone "${timeZone}"`, { details: [{ path: 'args.timezone', message: 'is not an IANA time zone' }] });
  }
  const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.replace('GMT', '');
  return {
    timezone: format.resolvedOptions().timeZone,
    local: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`,
    localIso: `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`,
    weekday: p.weekday,
    utcOffset: offset,
  };
}

/** Calendar arithmetic in UTC; adding months clamps the day (31 Jan + 1 month = 28/29 Feb). */
function addTo(date: Date, amount: number, unit: Unit): Date {
  if (unit !== 'years' && unit !== 'months') return new Date(date.getTime() + amount * MS[unit]);
  const months = unit === 'years' ? amount * 12 : amount;
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** Whole years, months and days from `a` to `b` (a ≤ b), counted on the UTC calendar. */
function calendarDifference(a: Date, b: Date) {
  let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  if (addTo(a, months, 'months') > b) months--;
  const anchor = addTo(a, months, 'months');
  const days = Math.floor((b.getTime() - anchor.getTime()) / MS.days);
  return { years: Math.floor(months / 12), months: months % 12, days };
}

export const basicTools: ToolDefinition[] = [
  {
    name: 'get_current_time',
    description: 'Current date and time in a time zone, with weekday, UTC offset and Unix timestamp.',
    category: 'basic',
    inputSchema: { type: 'object', properties: { timezone: timezoneSchema }, additionalProperties: false },
    handler(args) {
      const now = new Date();
      return { iso: now.toISOString(), timestamp: now.getTime(), ...inZone(now, (args.timezone as string | undefined) ?? serverZone()) };
    },
  },
  {
    name: 'date_add',
    description: 'Adds (or with a negative amount subtracts) years, months, weeks, days, hours, minutes or seconds to a date. Calendar units follow the UTC calendar; days past the end of a month are clamped.',
    category: 'basic',
    inputSchema: {
      type: 'object',
      properties: {
        date: dateSchema('Start date (default: now)'),
        amount: { type: 'integer', minimum: -1_000_000, maximum: 1_000_000 },
        unit: { type: 'string', enum: [...UNITS] },
        timezone: timezoneSchema,
      },
      required: ['amount', 'unit'],
      additionalProperties: false,
    },
    handler(args) {
      const start = args.date === undefined ? new Date() : parseDate(args.date as string, 'date');
      const result = addTo(start, args.amount as number, args.unit as Unit);
      if (Number.isNaN(result.getTime())) throw new HttpError(400, 'INVALID_ARGS', 'The result is outside the supported date range');
      return { start: start.toISOString(), result: result.toISOString(), timestamp: result.getTime(), ...inZone(result, (args.timezone as string | undefined) ?? serverZone()) };
    },
  },
  {
    name: 'date_diff',
    description: 'Time between two dates: totals in days, hours, minutes and seconds, and whole years/months/days.',
    category: 'basic',
    inputSchema: {
      type: 'object',
      properties: { from: dateSchema('First date'), to: dateSchema('Second date (default: now)') },
      required: ['from'],
      additionalProperties: false,
    },
    handler(args) {
      const from = parseDate(args.from as string, 'from');
      const to = args.to === undefined ? new Date() : parseDate(args.to as string, 'to');
      const ms = to.getTime() - from.getTime();
      const sign = ms < 0 ? -1 : 1;
      const abs = Math.abs(ms);
      const whole = (unit: keyof typeof MS) => sign * Math.floor(abs / MS[unit]) || 0;
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        milliseconds: ms,
        seconds: whole('seconds'),
        minutes: whole('minutes'),
        hours: whole('hours'),
        days: whole('days'),
        weeks: whole('weeks'),
        calendar: { ...calendarDifference(sign > 0 ? from : to, sign > 0 ? to : from), negative: sign < 0 },
      };
    },
  },
];
