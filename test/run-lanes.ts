/**
 * `npm test`'s runner: two lanes at once, because neither keeps this 2-core machine busy alone.
 * The integration tests wait on DynamoDB Local and fauxqs; the end-to-end tests wait on the
 * runtime they start and on Chromium. Run one after the other they took about 10 minutes; side
 * by side each lane's waiting is the other's working time.
 *
 * - lane "integration": `vitest run --project integration` (one file at a time: its files share
 *   one DynamoDB Local and its streams).
 * - lane "checks, unit, infra, e2e": `tsc` for the server and the console, then the other test
 *   kinds (vitest runs their files one at a time too).
 *
 * Each lane's lines are printed as they come, prefixed with the lane's name; the run fails if
 * either lane fails, and says which. Biome's lint runs first: it takes seconds and fails fast.
 */
import { spawn } from 'node:child_process';

interface Lane {
  name: string;
  /** Commands run one after the other; the lane stops at the first that fails. */
  steps: string[][];
}

const LANES: Lane[] = [
  { name: 'integration', steps: [['npx', 'vitest', 'run', '--project', 'integration']] },
  {
    name: 'checks+e2e',
    steps: [
      ['npm', 'run', '-s', 'typecheck'],
      ['npx', 'vitest', 'run', '--project', 'unit', '--project', 'infra', '--project', 'e2e'],
    ],
  },
];

const prefixLines = (name: string, write: (text: string) => void) => {
  let rest = '';
  return {
    push(chunk: Buffer) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) write(`[${name}] ${line}\n`);
    },
    flush() {
      if (rest) write(`[${name}] ${rest}\n`);
      rest = '';
    },
  };
};

const runStep = (name: string, [command = '', ...args]: string[]): Promise<number> =>
  new Promise((resolve) => {
    // Colours only where this runner's own output is a terminal, as the tools would decide alone.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    });
    const out = prefixLines(name, (text) => process.stdout.write(text));
    const err = prefixLines(name, (text) => process.stderr.write(text));
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    child.on('close', (code) => {
      out.flush();
      err.flush();
      resolve(code ?? 1);
    });
  });

const runLane = async (lane: Lane): Promise<{ name: string; code: number; seconds: number }> => {
  const started = Date.now();
  for (const step of lane.steps) {
    const code = await runStep(lane.name, step);
    if (code !== 0) return { name: lane.name, code, seconds: (Date.now() - started) / 1000 };
  }
  return { name: lane.name, code: 0, seconds: (Date.now() - started) / 1000 };
};

const lint = await runStep('lint', ['npx', 'biome', 'check', '.']);
if (lint !== 0) process.exit(lint);

const results = await Promise.all(LANES.map(runLane));
for (const { name, code, seconds } of results) {
  console.log(
    `${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds.toFixed(0)} s`,
  );
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
