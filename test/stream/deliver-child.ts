/**
 * A delivery worker in its own process, for the kill tests: `node -r tsx/cjs deliver-child.ts <home> <endpoint>
 * <stream> <maxBytes> <maxMs>`. Prints `FILE <key>` after each delivery and `READ` once it is caught up.
 */
import { deliver } from '../../lib/stream/delivery';
import { createKinesisClient } from '../../lib/stream/client';
import { resolveStreamTarget } from '../../lib/stream/config';

const [home, endpoint, streamName, maxBytes, maxMs] = process.argv.slice(2);
const target = resolveStreamTarget({ endpoint, streamName }, {});
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
void deliver(home as string, createKinesisClient(target), streamName as string, {
  follow: true,
  signal: controller.signal,
  buffering: { maxBytes: Number(maxBytes), maxMs: Number(maxMs), pollMs: 50 },
  onFile: (f) => process.stdout.write(`FILE ${f.key ?? f.errorKey}\n`),
  onCaughtUp: () => process.stdout.write('READ\n'),
}).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  },
);
