import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type AlarmDeclaration, alarmTopic } from '#infra/declaration';

/**
 * The topic every alarm goes to, encrypted with a key of its own (cdk-nag SNS2); the deployer
 * subscribes to it. CloudWatch must be allowed to use the key, or its alarms could not publish.
 */
export const createAlarmTopic = (scope: Construct): Topic => {
  const key = new Key(scope, `${alarmTopic.id}Key`, {
    description: 'Chorus: encrypts the alarm topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }),
  );
  return new Topic(scope, alarmTopic.id, {
    displayName: 'Chorus alarms',
    masterKey: key,
    enforceSSL: true,
  });
};

const alarmOn = (
  scope: Construct,
  topic: Topic,
  metric: Metric,
  declaration: Omit<AlarmDeclaration, 'metric' | 'statistic'>,
) => {
  const alarm = new Alarm(scope, declaration.id, {
    metric,
    threshold: declaration.threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: declaration.evaluationPeriods,
    // No data means no messages or no invocations: nothing is wrong.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: declaration.description,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
};

/** A declared alarm on one of a queue's AWS/SQS metrics. */
export const queueAlarm = (
  scope: Construct,
  topic: Topic,
  queue: IQueue,
  declaration: AlarmDeclaration,
) =>
  alarmOn(
    scope,
    topic,
    new Metric({
      namespace: 'AWS/SQS',
      metricName: declaration.metric,
      dimensionsMap: { QueueName: queue.queueName },
      statistic: declaration.statistic,
      period: Duration.minutes(declaration.periodMinutes),
    }),
    declaration,
  );

/** Any message in a dead-letter queue is work that failed for good: someone must look. */
export const deadLetterAlarm = (scope: Construct, topic: Topic, queue: IQueue, id: string) =>
  queueAlarm(scope, topic, queue, {
    ...alarmTopic.deadLetterDepth,
    id: `${id}DepthAlarm`,
    description: `Messages are waiting in ${id}: failed work, each with its reason. See \`npm run dlq\`.`,
  });

/** A declared alarm on one of a function's AWS/Lambda metrics (IteratorAge, Errors, ...). */
export const functionAlarm = (
  scope: Construct,
  topic: Topic,
  fn: IFunction,
  declaration: AlarmDeclaration,
) =>
  alarmOn(
    scope,
    topic,
    new Metric({
      namespace: 'AWS/Lambda',
      metricName: declaration.metric,
      dimensionsMap: { FunctionName: fn.functionName },
      statistic: declaration.statistic,
      period: Duration.minutes(declaration.periodMinutes),
    }),
    declaration,
  );
