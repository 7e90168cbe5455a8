import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import { NetworkName } from '#shared/networks/network';
import { keys } from '#shared/store/keys';

/** Long enough to sign in and consent, short enough that a leaked link is soon worthless. */
export const SIGN_IN_MINUTES = 10;

/**
 * One sign-in under way: who started it, for which network, its sealed PKCE verifier, and the hash
 * of the secret the starting browser holds in a cookie (the callback must come from that browser).
 */
export const SignIn = z.object({
  state: z.string(),
  browserBinding: z.string(),
  employeeId: z.string(),
  userId: z.string(),
  network: NetworkName,
  sealedVerifier: z.string(),
  instance: z.string().optional(),
  expiresAt: z.iso.datetime(),
});
export type SignIn = z.infer<typeof SignIn>;

/**
 * OAuth sign-ins between the authorize call and the network's callback. A state is taken (deleted)
 * by the first callback that presents it, so it works once; DynamoDB's TTL sweeps the abandoned.
 */
export const createSignInStore = (tableName: string) => ({
  async begin(signIn: SignIn): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.oauthState(signIn.state),
          ...signIn,
          ttl: Math.ceil(Date.parse(signIn.expiresAt) / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  /**
   * The sign-in for this state, if it exists, has not expired and was started by the browser
   * holding this binding; it cannot be taken twice. Another browser's attempt takes nothing, so a
   * forwarded link neither completes nor spoils the sign-in of the one who started it.
   */
  async take(state: string, browserBinding: string, now: Date): Promise<SignIn | undefined> {
    try {
      const { Attributes } = await dynamo().send(
        new DeleteCommand({
          TableName: tableName,
          Key: keys.oauthState(state),
          ConditionExpression: 'attribute_exists(pk) AND browserBinding = :binding',
          ExpressionAttributeValues: { ':binding': browserBinding },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const signIn = SignIn.safeParse(Attributes);
      if (!signIn.success || signIn.data.expiresAt <= now.toISOString()) return undefined;
      return signIn.data;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw error;
    }
  },
});

export type SignInStore = ReturnType<typeof createSignInStore>;
