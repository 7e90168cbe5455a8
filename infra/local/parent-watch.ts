import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * The watcher's whole program, run by plain `node -e` so it starts in milliseconds without a
 * TypeScript loader. Its stdin is a pipe from us: the kernel closes it when we end, however we
 * end (SIGKILL included), and then it kills the child we named. It leaves on its own once that
 * child has gone.
 */
const WATCHER = `
const target = Number(process.argv[1]);
const alive = () => { try { process.kill(target, 0); return true; } catch { return false; } };
const end = () => { if (alive()) { try { process.kill(target, 'SIGKILL'); } catch {} } process.exit(0); };
process.stdin.on('end', end);
process.stdin.on('close', end);
process.stdin.on('error', end);
process.stdin.resume();
setInterval(() => { if (!alive()) process.exit(0); }, 1000);
`;

export interface ParentWatch {
  /** Called once the child has been stopped the ordinary way: the watcher has nothing left to do. */
  release(): void;
}

/**
 * Ties a child process's life to ours. Node cannot ask the kernel for a parent-death signal, and
 * a child like DynamoDB Local's JVM never notices its parent is gone: without this, a parent
 * killed with SIGKILL leaves it running, holding its port and data folder.
 */
export const watchParent = (child: ChildProcess): ParentWatch => {
  if (child.pid === undefined) return { release: () => undefined };
  const watcher = spawn(process.execPath, ['-e', WATCHER, String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Our end of the pipe must not keep this process alive, nor should the watcher itself.
  watcher.unref();
  (watcher.stdin as Socket | null)?.unref();
  watcher.stdin?.on('error', () => undefined);
  return {
    release: () => {
      if (watcher.exitCode === null) watcher.kill('SIGKILL');
    },
  };
};
