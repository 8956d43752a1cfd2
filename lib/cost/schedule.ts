/**
 * How often a Glue trigger or EventBridge schedule fires, from its expression: `cron(min hour day month weekday
 * year)` with every day of the month (`*` or `?`), or `rate(N minute(s)|hour(s)|day(s))`. The lake's schedules are
 * of these forms; anything else is refused with the expression, rather than guessed.
 */

function fieldValues(field: string, min: number, max: number, expr: string): number {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`schedule ${expr}: cannot read '${part}'`);
    const [, start, end, step] = m;
    const from = start === '*' ? min : Number(start);
    const to = end !== undefined ? Number(end) : start === '*' || step !== undefined ? max : from;
    const by = step !== undefined ? Number(step) : 1;
    if (from < min || to > max || from > to || by < 1)
      throw new Error(`schedule ${expr}: '${part}' is out of range`);
    for (let v = from; v <= to; v += by) values.add(v);
  }
  return values.size;
}

export function runsPerDay(expr: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (n < 1) throw new Error(`schedule ${expr}: the rate must be at least 1`);
    const minutes = unit.startsWith('minute') ? n : unit.startsWith('hour') ? n * 60 : n * 1440;
    return 1440 / minutes;
  }
  const cron = /^cron\((.+)\)$/.exec(expr.trim());
  const fields = cron?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6)
    throw new Error(
      `schedule ${expr}: expected cron(minutes hours day-of-month month day-of-week year) or rate(...)`,
    );
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const everyDay = (f: string): boolean => f === '*' || f === '?';
  if (!everyDay(dayOfMonth) || !everyDay(month) || !everyDay(dayOfWeek))
    throw new Error(`schedule ${expr}: only schedules that run every day can be estimated`);
  return fieldValues(minutes, 0, 59, expr) * fieldValues(hours, 0, 23, expr);
}
