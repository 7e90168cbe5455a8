import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import type { InstanceApp, InstanceApps } from '#shared/networks/mastodon';
import type { TokenCipher } from '#shared/secrets/token-cipher';
import { keys } from '#shared/store/keys';

/**
 * Chorus's app registration on each Mastodon instance, made the first time someone from that
 * instance connects. The client secret is sealed like a token.
 */
export const createInstanceAppStore = (
  tableName: string,
  cipher: TokenCipher,
  network = 'mastodon',
): InstanceApps => {
  const context = (instance: string) => ({ network, instance });
  const get = async (instance: string): Promise<InstanceApp | undefined> => {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.instanceApp(network, instance),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      clientId: String(Item.clientId),
      clientSecret: await cipher.open(String(Item.sealedClientSecret), context(instance)),
    };
  };
  return {
    get,
    async keep(instance, app) {
      try {
        await dynamo().send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.instanceApp(network, instance),
              instance,
              clientId: app.clientId,
              sealedClientSecret: await cipher.seal(app.clientSecret, context(instance)),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return app;
      } catch (error) {
        // Two first sign-ins from one instance at once: keep the registration stored first.
        if (!isConditionalCheckFailure(error)) throw error;
        const kept = await get(instance);
        if (!kept) throw error;
        return kept;
      }
    },
  };
};
