import type { z } from 'zod';
import type { FieldIssue } from '#shared/errors';

/** zod issues as Chorus reports them: one entry per bad field, unknown fields by name. */
export const fieldIssues = (error: z.ZodError, prefix = ''): FieldIssue[] =>
  error.issues.flatMap((issue) => {
    const at = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [at, key].filter(Boolean).join('.'),
        message: 'unknown field',
      }));
    }
    return [{ field: at || '(body)', message: issue.message }];
  });
