import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under a folder of the repository. */
const sources = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') || file.endsWith('.tsx'))
    .map((file) => join(folder, file));

describe('the outbound seam', () => {
  it('is passed in code by the local runtime only: no deployed code can turn it on', () => {
    const callers = [...sources('functions'), ...sources('shared'), ...sources('infra')].filter(
      (file) =>
        file !== join('shared', 'outbound', 'local-seam.ts') &&
        /allowLocalOutbound|allowOrigins|createOutboundClient\(\s*\{/.test(
          readFileSync(file, 'utf8'),
        ),
    );
    // Besides the module that defines what a seam is, only the local runtime names one.
    expect(callers.sort()).toEqual(
      [join('infra', 'local', 'runtime.ts'), join('shared', 'outbound', 'destination.ts')].sort(),
    );
  });

  it('reads no environment variable', () => {
    for (const file of [...sources('shared/outbound'), ...sources('shared/networks')]) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/ALLOW_INSECURE/);
    }
    for (const file of sources('shared/outbound')) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/process\.env/);
    }
  });
});
