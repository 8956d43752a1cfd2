/** The logger port: Powertools Logger on Lambda (handler.ts), a small JSON logger locally. */
export interface ApiLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** One JSON object per line: `{level, time, service, message, ...fields}`. */
export function jsonLogger(
  opts: { service?: string; level?: LogLevel; write?: (line: string) => void } = {},
): ApiLogger {
  const service = opts.service ?? 'lake-api';
  const min = rank[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (rank[level] < min) return;
      write(
        JSON.stringify({
          level: level.toUpperCase(),
          time: new Date().toISOString(),
          service,
          message,
          ...fields,
        }),
      );
    };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
