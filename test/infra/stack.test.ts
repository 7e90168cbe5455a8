import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  alarmTopic,
  asyncFailures,
  asyncInvocationOf,
  bus,
  defaultRoute,
  ENV,
  eventDelivery,
  type FunctionDeclaration,
  functions,
  outboxRelayDelivery,
  routeKey,
  routes,
  shareQueue,
  table,
} from '#infra/declaration';
import { ChorusStack } from '#infra/stack';
import { ROLES } from '#shared/auth/roles';
import { leadingKeyPattern } from '#shared/store/keys';

let app: App;
let stack: ChorusStack;
let template: Template;

beforeAll(() => {
  // The template is asserted, not the code: bundling is skipped here (the CDK's own switch), and
  // `cdk synth` in CI bundles every function for real.
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new ChorusStack(app, 'Chorus');
  template = Template.fromStack(stack);
});

const resourcesOf = (type: string) =>
  Object.values(template.findResources(type)) as Array<{ Properties: Record<string, any> }>;

const functionProps = (name: keyof typeof functions) => {
  const logicalId = stack.getLogicalId(stack.functions[name].node.defaultChild as never);
  return template.toJSON().Resources[logicalId].Properties;
};

describe('the template is exactly what infra/declaration.ts declares', () => {
  it('has one function per declared function, with its memory, timeout, runtime and environment', () => {
    const declared = Object.keys(functions) as (keyof typeof functions)[];
    const deployed = resourcesOf('AWS::Lambda::Function').filter((r) =>
      r.Properties.Runtime?.startsWith('nodejs'),
    );
    expect(deployed).toHaveLength(declared.length);
    for (const name of declared) {
      const props = functionProps(name);
      const declaration = functions[name];
      expect(props).toMatchObject({
        MemorySize: declaration.memoryMb,
        Timeout: declaration.timeoutSeconds,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
      });
      const uses = declaration.uses as Record<string, unknown>;
      const expectedEnv = (Object.keys(ENV) as (keyof typeof ENV)[])
        .filter((use) => uses[use])
        .map((use) => ENV[use]);
      const actualEnv = Object.keys(props.Environment.Variables).filter((k) =>
        (Object.values(ENV) as string[]).includes(k),
      );
      expect(actualEnv.sort()).toEqual(expectedEnv.sort());
    }
  });

  it('has one table with the declared keys and indexes, on demand, encrypted, with point-in-time recovery', () => {
    const [tableResource] = resourcesOf('AWS::DynamoDB::Table');
    expect(resourcesOf('AWS::DynamoDB::Table')).toHaveLength(1);
    expect(tableResource?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
    });
    expect(
      tableResource?.Properties.GlobalSecondaryIndexes.map(
        (i: { IndexName: string; KeySchema: { AttributeName: string }[] }) => [
          i.IndexName,
          ...i.KeySchema.map((k) => k.AttributeName),
        ],
      ),
    ).toEqual(table.globalSecondaryIndexes.map((i) => [i.name, i.partitionKey, i.sortKey]));
  });

  it('has the share queue with its visibility timeout and redrive, and encrypted dead-letter queues', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    // The share queue, its DLQ, the event DLQ and the outbox relay's DLQ.
    expect(queues).toHaveLength(4);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: shareQueue.visibilityTimeoutSeconds,
      RedrivePolicy: {
        maxReceiveCount: shareQueue.deadLetter.maxReceiveCount,
        deadLetterTargetArn: Match.anyValue(),
      },
      SqsManagedSseEnabled: true,
    });
    expect(queues.every((q) => q.Properties.SqsManagedSseEnabled === true)).toBe(true);
  });

  it('connects the share worker to the queue with batches and partial batch failure', () => {
    const trigger = functions.shareWorker.trigger;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: trigger.batchSize,
      MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: trigger.maxConcurrency },
    });
  });

  it('routes each declared detail-type on the custom bus to its function, and nothing else', () => {
    const rules = resourcesOf('AWS::Events::Rule').filter((r) => r.Properties.EventPattern);
    const declared = Object.values(functions).flatMap((f) =>
      f.trigger.kind === 'event' ? [[...f.trigger.detailTypes]] : [],
    );
    expect(rules.map((r) => r.Properties.EventPattern['detail-type']).sort()).toEqual(
      declared.sort(),
    );
    for (const rule of rules) {
      expect(rule.Properties.EventPattern.source).toEqual([bus.source]);
      expect(rule.Properties.EventBusName).toBeDefined();
      expect(rule.Properties.Targets[0]).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: eventDelivery.retryAttempts },
        DeadLetterConfig: { Arn: expect.anything() },
      });
    }
  });

  it('runs each scheduled function at its declared rate', () => {
    const schedules = resourcesOf('AWS::Events::Rule').filter(
      (r) => r.Properties.ScheduleExpression,
    );
    const declared = Object.values(functions).flatMap((f) =>
      f.trigger.kind === 'schedule' ? [f.trigger.everyMinutes] : [],
    );
    const rate = (m: number) => `rate(${m} minute${m === 1 ? '' : 's'})`;
    expect(schedules.map((s) => s.Properties.ScheduleExpression).sort()).toEqual(
      declared.map(rate).sort(),
    );
  });

  it('exposes exactly the declared routes and $default, each behind the JWT authorizer unless public', () => {
    const deployed = resourcesOf('AWS::ApiGatewayV2::Route');
    expect(deployed.map((r) => r.Properties.RouteKey).sort()).toEqual(
      [...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort(),
    );
    const publicKeys = routes.filter((r) => 'public' in r && r.public).map(routeKey);
    publicKeys.push(defaultRoute.routeKey);
    expect(publicKeys.sort()).toEqual([
      '$default',
      'GET /console',
      'GET /console/{path+}',
      'GET /l/{code}',
      'GET /oauth/{network}/callback',
      'GET /openapi.json',
      'HEAD /l/{code}',
    ]);
    for (const route of deployed) {
      expect([route.Properties.RouteKey, route.Properties.AuthorizationType]).toEqual([
        route.Properties.RouteKey,
        publicKeys.includes(route.Properties.RouteKey) ? 'NONE' : 'JWT',
      ]);
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('has a user pool with one group per role', () => {
    const groups = resourcesOf('AWS::Cognito::UserPoolGroup').map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('keeps a verified email until a new one is verified, and lets no one write their own', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AutoVerifiedAttributes: ['email'],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
    const [client] = resourcesOf('AWS::Cognito::UserPoolClient');
    expect(client?.Properties.WriteAttributes).toEqual(['name']);
  });

  it('serves the console from its own function, on a greedy route, with the sign-in settings it hands the browser', () => {
    const integrationOf = (key: string) => {
      const route = resourcesOf('AWS::ApiGatewayV2::Route').find(
        (r) => r.Properties.RouteKey === key,
      );
      return JSON.stringify(route?.Properties.Target);
    };
    const consoleIntegration = integrationOf('GET /console');
    expect(consoleIntegration).toContain('ConsoleIntegration');
    expect(integrationOf('GET /console/{path+}')).toBe(consoleIntegration);
    const variables = functionProps('console').Environment.Variables;
    const signIn = JSON.stringify(variables[ENV.signIn]);
    // The hosted sign-in domain's URL and the app client, resolved when deployed.
    expect(signIn).toContain('amazoncognito.com');
    expect(signIn).toContain(
      stack.getLogicalId(stack.node.findChild('UserPoolClient').node.defaultChild as never),
    );
    // The console's grants are its logs; it reads nothing of the table.
    expect(
      statementsOf('console').filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
      ),
    ).toEqual([]);
  });

  it('lets the console sign people in through the hosted sign-in: code flow with PKCE, no secret, its own callback', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      ManagedLoginVersion: 1,
    });
    const [client] = resourcesOf('AWS::Cognito::UserPoolClient');
    expect(client?.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      SupportedIdentityProviders: ['COGNITO'],
      GenerateSecret: false,
    });
    const urls = JSON.stringify([client?.Properties.CallbackURLs, client?.Properties.LogoutURLs]);
    expect(urls).toContain('/console/callback');
    expect(urls).toContain('/console/signed-out');
    expect(urls).toContain(
      stack.getLogicalId(stack.node.findChild('HttpApi').node.defaultChild as never),
    );
  });
});

describe('failures land somewhere visible', () => {
  const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  const queueIdOf = (arn: unknown) =>
    (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  const topicIdOf = () => Object.keys(template.findResources('AWS::SNS::Topic'))[0];

  it('sends each asynchronously invoked function’s failed events, after its declared retries, to the event dead-letter queue', () => {
    const configs = resourcesOf('AWS::Lambda::EventInvokeConfig');
    const asyncFunctions = (Object.keys(functions) as (keyof typeof functions)[]).filter((name) =>
      asyncInvocationOf(functions[name].trigger),
    );
    expect(asyncFunctions.length).toBeGreaterThan(0);
    expect(configs).toHaveLength(asyncFunctions.length);
    const [eventDlqId] = Object.entries(template.findResources('AWS::SQS::Queue'))
      .filter(([id]) => id.startsWith(asyncFailures.destination))
      .map(([id]) => id);
    for (const name of asyncFunctions) {
      const policy = asyncInvocationOf(functions[name].trigger);
      const config = configs.find(
        (c) => c.Properties.FunctionName.Ref === logicalIdOf(stack.functions[name]),
      );
      expect(config?.Properties, name).toMatchObject({
        MaximumRetryAttempts: policy?.retryAttempts,
        MaximumEventAgeInSeconds: policy?.maxEventAgeSeconds,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [eventDlqId, 'Arn'] } } },
      });
    }
  });

  it('has the alarm topic, encrypted with a key of its own, and outputs its ARN', () => {
    const topicId = topicIdOf();
    expect(topicId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  it('alarms on the depth of every dead-letter queue, to the alarm topic', () => {
    const deadLetterQueues = new Set<string | undefined>([
      ...resourcesOf('AWS::SQS::Queue').map((q) =>
        queueIdOf(q.Properties.RedrivePolicy?.deadLetterTargetArn),
      ),
      ...resourcesOf('AWS::Events::Rule').flatMap((r) =>
        (r.Properties.Targets ?? []).map((t: any) => queueIdOf(t.DeadLetterConfig?.Arn)),
      ),
      ...resourcesOf('AWS::Lambda::EventInvokeConfig').map((c) =>
        queueIdOf(c.Properties.DestinationConfig?.OnFailure?.Destination),
      ),
    ]);
    deadLetterQueues.delete(undefined);
    const topicId = topicIdOf();
    expect(deadLetterQueues.size).toBeGreaterThan(1);
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    for (const queueId of deadLetterQueues) {
      const depth = alarms.filter(
        (a) =>
          a.Properties.Namespace === 'AWS/SQS' &&
          a.Properties.MetricName === alarmTopic.deadLetterDepth.metric &&
          queueIdOf(a.Properties.Dimensions?.[0]?.Value) === queueId,
      );
      expect(depth, queueId).toHaveLength(1);
      expect(depth[0]?.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  it('raises every declared alarm of a queue or a function, to the alarm topic', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    const topicId = topicIdOf();
    const shareQueueId = logicalIdOf(stack.node.findChild(shareQueue.id));
    for (const declared of shareQueue.alarms) {
      expect(
        alarms.find(
          (a) =>
            a.Properties.MetricName === declared.metric &&
            queueIdOf(a.Properties.Dimensions?.[0]?.Value) === shareQueueId,
        )?.Properties,
      ).toMatchObject({
        Threshold: declared.threshold,
        Period: declared.periodMinutes * 60,
        EvaluationPeriods: declared.evaluationPeriods,
        AlarmActions: [{ Ref: topicId }],
      });
    }
    for (const name of Object.keys(functions) as (keyof typeof functions)[]) {
      for (const declared of (functions[name] as FunctionDeclaration).alarms ?? []) {
        expect(
          alarms.find(
            (a) =>
              a.Properties.Namespace === 'AWS/Lambda' &&
              a.Properties.MetricName === declared.metric &&
              a.Properties.Dimensions?.[0]?.Value?.Ref === logicalIdOf(stack.functions[name]),
          )?.Properties,
          `${name} ${declared.id}`,
        ).toMatchObject({ Threshold: declared.threshold, AlarmActions: [{ Ref: topicId }] });
      }
    }
    const declaredCount =
      // One depth alarm per dead-letter queue: share jobs, events, outbox relay.
      3 +
      shareQueue.alarms.length +
      Object.values(functions).reduce(
        (n, f) => n + ((f as FunctionDeclaration).alarms?.length ?? 0),
        0,
      );
    expect(alarms).toHaveLength(declaredCount);
  });
});

describe('security', () => {
  it('passes the AwsSolutions checks with every finding acknowledged for a reason', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('grants no wildcard actions and no wildcard resources', () => {
    for (const policy of resourcesOf('AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        expect(actions.filter((a: string) => a === '*' || a.endsWith(':*'))).toEqual([]);
        for (const resource of [statement.Resource].flat()) {
          expect(JSON.stringify(resource)).not.toContain('*');
        }
      }
    }
  });

  it('lets each function touch only its declared item families and query only its declared indexes', () => {
    for (const name of Object.keys(functions) as (keyof typeof functions)[]) {
      const uses = functions[name].uses as {
        table?: { partitions: readonly string[]; indexes: readonly string[] };
      };
      const statements = statementsOf(name).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
      );
      const access = uses.table;
      if (!access) {
        // The relay reads the stream and nothing of the table's items.
        for (const statement of statements) {
          expect([statement.Action].flat().sort(), name).toEqual([
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ]);
          expect(JSON.stringify(statement.Resource), name).toContain('StreamArn');
        }
        continue;
      }
      const itemStatements = statements.filter((s) =>
        [s.Action].flat().some((a: string) => a !== 'dynamodb:Query'),
      );
      // Every item call is conditioned on the partition key; none is left unconditioned.
      expect(itemStatements, name).toHaveLength(1);
      expect(itemStatements[0].Condition, name).toEqual({
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': access.partitions.map((p) =>
            leadingKeyPattern(p as Parameters<typeof leadingKeyPattern>[0]),
          ),
        },
      });
      expect([itemStatements[0].Action].flat(), name).not.toContain('dynamodb:Scan');
      const indexGrants = statements
        .filter((s) => s !== itemStatements[0])
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r).match(/\/index\/(gsi\d)/)?.[1]);
      expect(indexGrants.sort(), name).toEqual([...access.indexes].sort());
    }
    // The public click redirect reaches tracked links and nothing else: not the audit chain, not
    // the idempotency records, not anyone's sealed tokens.
    expect(functions.clickRedirect.uses.table.partitions).toEqual(['trackedLink', 'linkReader']);
    expect(functions.clickRedirect.uses.table.indexes).toEqual([]);
  });

  it('lets only the functions that declare the bus put events on it; the job runner commits its events in the outbox instead', () => {
    const putters = (Object.keys(functions) as (keyof typeof functions)[]).filter((name) =>
      statementsOf(name).some((s) => [s.Action].flat().includes('events:PutEvents')),
    );
    const declared = (Object.keys(functions) as (keyof typeof functions)[]).filter(
      (name) => (functions[name].uses as { bus?: string }).bus === 'put',
    );
    expect(putters.sort()).toEqual(declared.sort());
    expect(putters).not.toContain('jobRunner');
    expect(functions.jobRunner.uses.table.partitions).toContain('outbox');
  });

  it('lets the token key be used only with the encryption contexts Chorus seals with', () => {
    const kmsStatements = Object.keys(functions).flatMap((name) =>
      statementsOf(name as keyof typeof functions).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('kms:')),
      ),
    );
    expect(kmsStatements.length).toBeGreaterThan(0);
    for (const statement of kmsStatements) {
      const keysCondition =
        statement.Condition['ForAllValues:StringEquals']['kms:EncryptionContextKeys'];
      expect([
        ['employeeId', 'network'],
        ['network', 'instance'],
      ]).toContainEqual(keysCondition);
      for (const key of keysCondition) {
        expect(statement.Condition.Null[`kms:EncryptionContext:${key}`]).toBe('false');
      }
    }
  });
});

describe('the outbox relay', () => {
  it('reads the table stream (new images) from an event source mapping that splits failing batches, retries a bounded number of times and parks what is left in its own DLQ', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const relay = functions.outboxRelay.trigger;
    const relayId = stack.getLogicalId(stack.functions.outboxRelay.node.defaultChild as never);
    const mappings = resourcesOf('AWS::Lambda::EventSourceMapping').filter((m) =>
      JSON.stringify(m.Properties.FunctionName).includes(relayId),
    );
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties ?? {};
    expect(JSON.stringify(mapping.EventSourceArn)).toContain('StreamArn');
    expect(mapping).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: relay.batchSize,
      MaximumRetryAttempts: relay.retryAttempts,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const dlqId = stack.getLogicalId(
      stack.node.findChild(outboxRelayDelivery.deadLetter.id).node.defaultChild as never,
    );
    expect(mapping.DestinationConfig.OnFailure.Destination).toEqual({
      'Fn::GetAtt': [dlqId, 'Arn'],
    });
    expect(JSON.stringify(mapping.FilterCriteria)).toContain('OUTBOX#');
  });
});

/** The statements of the policies attached to one function's role. */
const statementsOf = (name: keyof typeof functions) => {
  const roleId = stack.getLogicalId(stack.functions[name].role?.node.defaultChild as never);
  return resourcesOf('AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
};
