/** Spark's console noise is told apart from the jobs' own lines (real lines of a local run). */
import { isSparkNoise } from '../../lib/local/spark-log';

describe('isSparkNoise', () => {
  it.each([
    'Setting default log level to "WARN".',
    'To adjust logging level use sc.setLogLevel(newLevel). For SparkR, use setLogLevel(newLevel).',
    "Using Spark's default log4j profile: org/apache/spark/log4j2-defaults.properties",
    '26/12/02 06:25:01 WARN NativeCodeLoader: Unable to load native-hadoop library for your platform... using builtin-java classes where applicable',
    '26/12/02 06:25:03 INFO SparkContext: Running Spark version 3.5.6',
    '[Stage 3:=====================================>                     (2 + 1) / 3]',
    '2026-12-02 06:44:19,828 INFO Closing down clientserver connection',
    '   ',
  ])('hides %s', (line) => expect(isSparkNoise(line)).toBe(true));

  it.each([
    '2026-12-02 06:29:26,921 INFO transactions: parse, quality, dedupe and counts done at 207.8s',
    '2026-12-02 06:43:03,486 INFO ad_events: succeeded (43437 in, 42142 out)',
    '26/12/02 06:25:09 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)',
    'Traceback (most recent call last):',
    'org.apache.iceberg.exceptions.ValidationException: Found conflicting files',
  ])('keeps %s', (line) => expect(isSparkNoise(line)).toBe(false));
});
