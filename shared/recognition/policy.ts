import { z } from 'zod';

const Points = z.number().int().min(0).max(1000);

/** Points per action (admin). Changing them applies to what is earned next, never to the past. */
export const RecognitionPolicyInput = z.strictObject({
  points: z.strictObject({
    share: Points,
    /** Per reader's click on the share's tracked link. */
    clickReceived: Points,
    /** Per reaction, comment or reshare the share earned. */
    engagementReceived: Points,
    /** Once per network, the first time it is connected. */
    networkConnected: Points,
    /** The employee shared a suggested post themselves (on top of the share's points). */
    suggestionAccepted: Points,
  }),
});
export type RecognitionPolicyInput = z.infer<typeof RecognitionPolicyInput>;

export const RecognitionPolicy = z.object({
  ...RecognitionPolicyInput.shape,
  version: z.number().int().positive(),
  updatedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type RecognitionPolicy = z.infer<typeof RecognitionPolicy>;

export const defaultRecognitionPolicy: RecognitionPolicy = {
  version: 1,
  updatedBy: 'system',
  updatedAt: '2026-01-01T00:00:00.000Z',
  points: {
    share: 10,
    clickReceived: 2,
    engagementReceived: 1,
    networkConnected: 5,
    suggestionAccepted: 5,
  },
};
