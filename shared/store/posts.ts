import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ConflictError, isConditionalCheckFailure, NotFoundError } from '#shared/errors';
import { Post, type PostStatus } from '#shared/posts/post';
import { keys, withoutKeys } from '#shared/store/keys';

export const createPostStore = (tableName: string) => ({
  async create(post: Post): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.post(post.postId), ...post },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(postId: string): Promise<Post> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.post(postId), ConsistentRead: true }),
    );
    if (!Item) throw new NotFoundError('Post', postId);
    return Post.parse(withoutKeys(Item));
  },

  /**
   * Writes the post's next state only if nobody moved it on meanwhile: two reviewers deciding at
   * once cannot both win.
   */
  async replace(post: Post, expected: { status: PostStatus; version: number }): Promise<void> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.post(post.postId), ...post },
          ConditionExpression: '#status = :status AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':status': expected.status, ':version': expected.version },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        throw new ConflictError(
          `Post ${post.postId} changed while this request was handled; retry`,
        );
      }
      throw error;
    }
  },
});

export type PostStore = ReturnType<typeof createPostStore>;
