import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntimeProcess } from './local-runtime';

/** Every process below `root`, children and grandchildren alike, as `ps` sees them now. */
const descendantsOf = (root: number): number[] => {
  const table = execSync('ps -eo pid=,ppid=')
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [pid, ppid] of table) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return found;
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const survivors = async (pids: number[], withinMs: number): Promise<number[]> => {
  const deadline = Date.now() + withinMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = pids.filter(isAlive);
  }
  return alive;
};

/** Processes whose command line names this folder: DynamoDB Local's JVM names its -dbPath. */
const processesNaming = (folder: string): string[] =>
  execSync('ps -eo args=')
    .toString()
    .split('\n')
    .filter((args) => args.includes(folder) && !args.includes('ps -eo'));

let blocker: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

describe('npm start', () => {
  it('refuses a port in use in one line, before starting anything', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker?.listen(0, '127.0.0.1', () => {
        const address = blocker?.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      }),
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-port-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/local/start.ts', '--port', String(port), '--data', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`port ${port} is in use`));
    expect(lines[0]).toMatch(/--port/);
    // Nothing was started: DynamoDB Local never got a data folder, and nothing names this one.
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    expect(processesNaming(dataDir)).toEqual([]);
  });

  it('leaves no process behind when it is killed with SIGKILL', async () => {
    const runtime = await startRuntimeProcess();
    const pid = runtime.process.pid as number;
    const descendants = descendantsOf(pid);
    expect(descendants.length).toBeGreaterThan(0); // DynamoDB Local's JVM at least
    const exited = new Promise((resolve) => runtime.process.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;
    // Each child notices its parent is gone within a moment and ends itself.
    expect(await survivors(descendants, 10_000)).toEqual([]);
  });
});
