/**
 * Cron schedules for cron jobs, in UTC: five fields (minute hour day-of-month month day-of-week)
 * or six with seconds first, as Chainlink's cron jobs write them; each field `*`, a number, a
 * range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those. `@every <duration>` fires at
 * fixed intervals from the epoch, so every node of a consortium ticks at the same instants.
 * Day-of-month and day-of-week combine with OR when both are restricted, as in classic cron.
 */
import { parseDuration } from '../lib/durations';

/** A parsed schedule. */
export interface CronSchedule {
  /** The text it was parsed from. */
  readonly text: string;
  /**
   * The first fire time strictly after a moment.
   *
   * @param afterMs - ms since the epoch
   * @returns ms since the epoch
   */
  next(afterMs: number): number;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

function parseField(text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (m === null) throw new Error(`${spec.name} field "${text}" is not cron syntax`);
    const lo = m[1] === '*' ? spec.min : Number(m[2]);
    const hi = m[1] === '*' ? spec.max : m[3] !== undefined ? Number(m[3]) : m[4] ? spec.max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < spec.min || hi > spec.max || lo > hi || step < 1) {
      throw new Error(`${spec.name} field "${text}" is outside ${spec.min}-${spec.max}`);
    }
    for (let v = lo; v <= hi; v += step) out.add(spec.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

/**
 * Parses a cron schedule.
 *
 * @param text - five or six fields, or `@every <duration>`
 * @returns the schedule
 * @throws Error naming the field that does not parse
 */
export function parseCron(text: string): CronSchedule {
  const every = /^@every\s+(\S+)$/.exec(text.trim());
  if (every !== null) {
    const ms = parseDuration(every[1] ?? '');
    if (ms === undefined || ms < 1000)
      throw new Error(`"${text}": @every needs a duration of at least 1s`);
    return { text, next: (after) => (Math.floor(after / ms) + 1) * ms };
  }
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new Error(`"${text}" has ${parts.length} fields; a schedule has 5 or 6 (seconds first)`);
  }
  const withSeconds = parts.length === 6 ? parts : ['0', ...parts];
  const [sec, min, hour, dom, mon, dow] = withSeconds.map((p, i) =>
    parseField(p, FIELDS[i] as FieldSpec),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const domAny = (withSeconds[3] ?? '') === '*';
  const dowAny = (withSeconds[5] ?? '') === '*';
  const seconds = [...sec].sort((a, b) => a - b);
  const dayMatches = (d: Date): boolean => {
    const byDom = dom.has(d.getUTCDate());
    const byDow = dow.has(d.getUTCDay());
    if (domAny && dowAny) return true;
    if (domAny) return byDow;
    if (dowAny) return byDom;
    return byDom || byDow;
  };
  return {
    text,
    next(after: number): number {
      const start = Math.floor(after / 1000) * 1000 + 1000;
      let minute = Math.floor(start / 60_000) * 60_000;
      // Four years of minutes bound the search (a 29 February schedule fires within them).
      for (let i = 0; i < 4 * 366 * 24 * 60; i++, minute += 60_000) {
        const d = new Date(minute);
        if (!mon.has(d.getUTCMonth() + 1) || !dayMatches(d)) continue;
        if (!hour.has(d.getUTCHours()) || !min.has(d.getUTCMinutes())) continue;
        for (const s of seconds) {
          const t = minute + s * 1000;
          if (t >= start) return t;
        }
      }
      throw new Error(`"${text}" never fires`);
    },
  };
}
