import {
  type DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ConflictError, isConditionalCheckFailure } from '#shared/errors';

/**
 * Runs a conditional write (or a transaction of them); false when a condition did not hold, any
 * other failure thrown.
 */
export const conditionalWrite = async (
  command: UpdateCommand | PutCommand | DeleteCommand | TransactWriteCommand,
): Promise<boolean> => {
  try {
    // `send` is overloaded per command type; each branch of the union picks its own overload.
    if (command instanceof UpdateCommand) await dynamo().send(command);
    else if (command instanceof PutCommand) await dynamo().send(command);
    else if (command instanceof TransactWriteCommand) await dynamo().send(command);
    else await dynamo().send(command);
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
};

/**
 * Runs an audited change (`audit.commit`); false when one of its writes found its condition
 * false (someone else moved the item first), any other failure thrown.
 */
export const conditionalCommit = async (commit: Promise<unknown>): Promise<boolean> => {
  try {
    await commit;
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
};
