import { z } from 'zod';

/**
 * Networks with no API for posting on a personal account (Facebook has had none since 2018):
 * the employee shares through the network's own share dialog with the tracked link, and tells
 * Chorus they did, which is when the share is counted.
 */
export const IntentNetwork = z.enum(['facebook']);
export type IntentNetwork = z.infer<typeof IntentNetwork>;

export const shareIntentUrl = (network: IntentNetwork, link: string): string => {
  switch (network) {
    case 'facebook':
      return `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(link)}`;
  }
};
