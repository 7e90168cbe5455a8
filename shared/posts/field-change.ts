import { z } from 'zod';

/** A run of words a text field kept, gained or lost between two versions. */
export const TextChange = z.object({
  kind: z.enum(['added', 'removed', 'same']),
  text: z.string(),
});
export type TextChange = z.infer<typeof TextChange>;

/** One field that differs between two versions of a post; text fields say word by word how. */
export const FieldChange = z.object({
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  /** Word-level changes, for text fields, so a reviewer sees exactly what moved. */
  text: z.array(TextChange).optional(),
});
export type FieldChange = z.infer<typeof FieldChange>;
