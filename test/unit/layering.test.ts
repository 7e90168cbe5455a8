import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under a folder of the repository. */
const sources = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') || file.endsWith('.tsx'))
    .map((file) => join(folder, file));

/** The modules a file imports, by their specifiers. */
const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1] ?? '');

describe('the layers', () => {
  it('keeps every route to itself: what two routes share lives in shared/ or an answers/ module', () => {
    const crossings = sources(join('functions', 'api', 'routes')).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('#functions/api/routes/'))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(crossings).toEqual([]);
  });

  it('keeps shared/ free of the functions and the infrastructure that use it', () => {
    const upward = sources('shared').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^#(functions|infra)\//.test(specifier))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(upward).toEqual([]);
  });
});
