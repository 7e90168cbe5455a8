import type { MiddlewareStack } from '@smithy/types';

const WRITE = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;

/** A transaction or batch writes several items; each is one write, as a raw PutItem is. */
const itemsWritten = (input: any): number =>
  input.TransactItems?.length ??
  (input.RequestItems
    ? Object.values(input.RequestItems as Record<string, unknown[]>).reduce(
        (n, requests) => n + requests.length,
        0,
      )
    : 1);

/**
 * Counts the items a DynamoDB client writes while `counting` is on, so a bench can set a stage's
 * writes beside the raw write rate measured on the same DynamoDB Local.
 */
export const itemWriteCounter = (client: { middlewareStack: unknown }) => {
  const counter = { counting: false, writes: 0 };
  (client.middlewareStack as MiddlewareStack<any, any>).add(
    (next: any, context: any) => async (args: any) => {
      const result = await next(args);
      if (counter.counting && WRITE.test(context.commandName)) {
        counter.writes += itemsWritten(args.input);
      }
      return result;
    },
    { step: 'initialize', name: 'benchWrites' },
  );
  return counter;
};
