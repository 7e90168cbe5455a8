import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { REPO_ROOT } from '#infra/chorus-function';
import type { FunctionDeclaration } from '#infra/declaration';
import { withTableAccess } from '#infra/local/table-access';

export type Invoke = (event: unknown) => Promise<unknown>;

export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';
}

/** The ARN a local function answers to, as in its context and its failure records. */
export const localFunctionArn = (name: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:chorus-${name}`;

const contextFor = (name: string, declaration: FunctionDeclaration): Context => {
  const deadline = Date.now() + declaration.timeoutSeconds * 1000;
  return {
    functionName: `chorus-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(name),
    memoryLimitInMB: String(declaration.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/chorus-${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Runs a declared function's handler in this process, as Lambda would: the module is loaded once
 * (its cold start), each call gets a fresh context, and a call that outlives the declared timeout
 * fails with a timeout error.
 */
export const lambdaInvoker = (name: string, declaration: FunctionDeclaration): Invoke => {
  let handler: Promise<(event: unknown, context: Context) => Promise<unknown>> | undefined;
  return async (event) => {
    handler ??= import(`${REPO_ROOT}${declaration.entry}`).then((module) => module.handler);
    const run = await handler;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new LambdaTimeoutError(`${name} timed out after ${declaration.timeoutSeconds} s`)),
        declaration.timeoutSeconds * 1000,
      );
    });
    try {
      const uses = declaration.uses as FunctionDeclaration['uses'];
      const invocation = withTableAccess(name, uses.table, () =>
        run(event, contextFor(name, declaration)),
      );
      return await Promise.race([invocation, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
};
