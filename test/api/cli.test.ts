/** `lake keys create|list` and `lake serve` as a user runs them: the real CLI, a real server process, real HTTP. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'lake.js');
let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lake-cli-api-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const lake = (...args: string[]) =>
  spawnSync(process.execPath, [bin, '--home', home, ...args], { cwd: root, encoding: 'utf8' });

describe('lake keys', () => {
  it('creates a key for a role, prints it once, and lists it without the key', () => {
    const made = lake('keys', 'create', '--role', 'marketing', '--json');
    expect(made.status).toBe(0);
    const { id, role, key } = JSON.parse(made.stdout) as { id: string; role: string; key: string };
    expect(role).toBe('marketing');
    expect(key).toMatch(/^lake_[0-9a-f]{12}_/);
    const listed = lake('keys', 'list', '--json');
    expect(listed.status).toBe(0);
    expect(listed.stdout).not.toContain(key);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, role: 'marketing' })]);
  });

  it('revokes a key by its id: gone from the list, and a second revoke says there is no such key', () => {
    const { id } = JSON.parse(lake('keys', 'create', '--role', 'bi', '--json').stdout) as { id: string };
    const revoked = lake('keys', 'revoke', id);
    expect(revoked.status).toBe(0);
    expect(revoked.stderr).toContain(`key ${id} (role 'bi') revoked`);
    const listed = JSON.parse(lake('keys', 'list', '--json').stdout) as { id: string }[];
    expect(listed.map((k) => k.id)).not.toContain(id);
    const again = lake('keys', 'revoke', id);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`no API key with id '${id}'`);
  });

  it('refuses an unknown role, naming the roles', () => {
    const r = lake('keys', 'create', '--role', 'root');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('admin, analyst, marketing, bi');
  });
});

/** The URL `lake serve` prints on stderr once it listens. */
function servedUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${err}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /lake API on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

describe('lake serve', () => {
  it('stops when the npx that started it is killed (`npx lake serve &` then `kill $!`)', async () => {
    const child = spawn('npx', ['lake', '--home', home, 'serve', '--port', '0', '--log-level', 'silent'], {
      cwd: root,
    });
    const url = await servedUrl(child);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await exited;
    let up = true;
    for (let i = 0; i < 40 && up; i++) {
      await new Promise((r) => setTimeout(r, 250));
      up = await fetch(`${url}/health`).then(
        () => true,
        () => false,
      );
    }
    expect(up).toBe(false);
  }, 90_000);

  it('serves the API on 127.0.0.1 until it is stopped', async () => {
    const key = (JSON.parse(lake('keys', 'create', '--role', 'analyst', '--json').stdout) as { key: string })
      .key;
    const child = spawn(
      process.execPath,
      [bin, '--home', home, 'serve', '--port', '0', '--log-level', 'silent'],
      { cwd: root },
    );
    try {
      const url = await servedUrl(child);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get('x-request-id')).toBeTruthy();
      expect((await fetch(`${url}/v1/datasets`)).status).toBe(401);
      const rows = await fetch(`${url}/v1/transactions?from=2024-01-01&to=2024-01-02`, {
        headers: { 'x-api-key': key },
      });
      expect(rows.status).toBe(200);
      expect(((await rows.json()) as { data: unknown[] }).data).toEqual([]);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
