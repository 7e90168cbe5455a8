import { Logger } from '@aws-lambda-powertools/logger';

/** The one Logger instance; every module logs through it so fields and levels stay uniform. */
export const logger = new Logger({ serviceName: 'chorus' });
