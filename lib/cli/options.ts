/** Option parsers and option groups that several commands share: one module, so that they read alike everywhere. */
import type { Command } from 'commander';
import { gateModes } from '../contracts/run-report';
import type { GateMode } from '../contracts/run-report';
import { generateDefaults } from '../generate';
import { CliError } from './context';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(`--${name} must be a positive integer (got '${v}')`);
    return n;
  };
}

export function wholeNumber(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new CliError(`--${name} must be a whole number >= 0 (got '${v}')`);
    return n;
  };
}

export function nonNegativeNumber(name: string, max = Infinity): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > max)
      throw new CliError(`--${name} must be a number from 0 to ${max} (got '${v}')`);
    return n;
  };
}

/** `--gate enforce|report`: the quality gate's mode of an ETL run. */
export function gateMode(v: string): GateMode {
  const mode = gateModes.find((m) => m === v);
  if (mode === undefined) throw new CliError(`--gate must be one of ${gateModes.join(', ')} (got '${v}')`);
  return mode;
}

/** The sample-data options `lake generate` and `lake demo` share. */
export interface SampleDataOptions {
  days: number;
  scale: number;
  seed: number;
  badRate: number;
}

export function withSampleDataOptions(cmd: Command): Command {
  return cmd
    .option('--days <n>', 'days of data, ending yesterday', positiveInt('days'), generateDefaults.days)
    .option(
      '--scale <s>',
      'size factor (1 = about 900 orders, 6,000 requests, 240 posts, 20,000 ad impressions a day)',
      nonNegativeNumber('scale'),
      generateDefaults.scale,
    )
    .option('--seed <n>', 'random seed (same seed, same data)', positiveInt('seed'), generateDefaults.seed)
    .option(
      '--bad-rate <r>',
      'share of malformed records, 0..1',
      nonNegativeNumber('bad-rate', 1),
      generateDefaults.badRate,
    );
}

/** An integer option from `min` to `max` (`name` as the message names it). */
export function intOption(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max)
    throw new CliError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}
