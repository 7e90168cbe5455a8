import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { check } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PATTERNS } from '#shared/compliance/patterns';

/**
 * The engine runs on text anyone can send. A regular expression that backtracks super-linearly
 * makes a few kilobytes cost seconds, so each one the engine runs is proved linear by recheck's
 * static analysis (no timing involved), and none may be written outside the checked list.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const COMPLIANCE = join(ROOT, 'shared', 'compliance');
const PATTERNS_FILE = join(COMPLIANCE, 'patterns.ts');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/** Regex literals and RegExp constructions in one file, as written. */
const regexesIn = (file: string): string[] => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) found.push(node.getText(source));
    if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      found.push(node.getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

describe('regular expressions the compliance engine runs', () => {
  it.concurrent.each(Object.entries(PATTERNS))(
    '%s is free of super-linear backtracking (recheck, static)',
    async (_name, pattern) => {
      const diagnostics = await check(pattern.source, pattern.flags, { timeout: 20_000 });
      expect(
        diagnostics.status === 'vulnerable'
          ? `vulnerable, ${diagnostics.complexity.type}: ${diagnostics.attack.pattern}`
          : diagnostics.status,
      ).toBe('safe');
    },
    30_000,
  );

  it('are all in the checked list: no other file in shared/compliance writes one', () => {
    const elsewhere = sourceFiles(COMPLIANCE)
      .filter((file) => file !== PATTERNS_FILE)
      .flatMap((file) => regexesIn(file).map((regex) => `${relative(ROOT, file)}: ${regex}`));
    expect(elsewhere).toEqual([]);
    const listed = new Set(Object.values(PATTERNS).map(String));
    expect(regexesIn(PATTERNS_FILE).filter((regex) => !listed.has(regex))).toEqual([]);
  });
});
