/**
 * The Trino JVM must not outlive the process that started it, even when that process is killed with no chance to
 * run its exit hooks (a force-killed test worker). Proven with a real parent process killed by SIGKILL and a
 * long-running stand-in for the JVM, started the way `startTrino` starts Java.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchCommand } from '../../lib/trino/server';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const waitFor = async (cond: () => boolean, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
};

const describeIfSetpriv = existsSync('/usr/bin/setpriv') ? describe : describe.skip;

describeIfSetpriv('the JVM launch', () => {
  it('is killed by the kernel when its parent dies without exit hooks', async () => {
    const launch = launchCommand('/bin/sleep', ['600']);
    expect(launch.command).toBe('/usr/bin/setpriv');
    // a parent that starts the stand-in as startTrino does, prints its pid, then waits to be killed
    const script = `
      const { spawn } = require('node:child_process');
      const c = spawn(${JSON.stringify(launch.command)}, ${JSON.stringify(launch.args)}, { stdio: 'ignore' });
      process.stdout.write(String(c.pid) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    expect(await waitFor(() => alive(pid), 2000)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitFor(() => !alive(pid), 5000)).toBe(true);
  });

  it('starts the JVM itself where setpriv is missing', () => {
    const java = join('/opt', 'java');
    expect(launchCommand(java, ['-Xmx1G'], '/nonexistent/setpriv')).toEqual({
      command: java,
      args: ['-Xmx1G'],
    });
  });
});
