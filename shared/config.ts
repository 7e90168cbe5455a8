import { z } from 'zod';

/**
 * Reads and validates a function's environment once, at module load: a missing variable fails
 * the cold start with its name instead of surfacing later as `undefined`.
 */
export const loadConfig = <Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> => {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Missing or invalid environment variables: ${names}`);
  }
  return result.data;
};

export const nonEmpty = z.string().min(1);
