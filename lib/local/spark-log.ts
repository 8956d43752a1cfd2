/**
 * What of the job runner's stderr is Spark's own console noise (log4j lines, the log-level banner, native-library
 * warnings, stage progress bars) rather than the jobs' own progress and errors. The noise stays in the run's log
 * file; the console shows the rest. Spark's ERROR lines are never noise.
 */
const noise: readonly RegExp[] = [
  // Spark's and Hadoop's log4j lines (yy/MM/dd HH:mm:ss LEVEL Logger: ...), ERROR excluded
  /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (INFO|WARN|DEBUG|TRACE) /,
  /^Using Spark's default log4j profile/,
  /^Setting default log level to /,
  /^To adjust logging level use sc\.setLogLevel/,
  // console progress bars: [Stage 3:=====>        (1 + 1) / 2]
  /\[Stage \d+:/,
  // py4j's goodbye when the session stops
  / INFO Closing down clientserver connection$/,
  /^\s*$/,
];

export function isSparkNoise(line: string): boolean {
  return noise.some((re) => re.test(line));
}
