import { z } from 'zod';

/** One field that differs between two versions of a post; text fields say word by word how. */
export const FieldChange = z.object({
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  text: z
    .array(z.object({ kind: z.enum(['added', 'removed', 'same']), text: z.string() }))
    .optional(),
});
export type FieldChange = z.infer<typeof FieldChange>;
