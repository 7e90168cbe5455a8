import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One write of a DynamoDB transaction, as the document client takes it. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
