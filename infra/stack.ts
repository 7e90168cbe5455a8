import {
  CfnOutput,
  Duration,
  Fn,
  Lazy,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  EventSourceMapping,
  FilterCriteria,
  FilterRule,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { createAlarmTopic, deadLetterAlarm, functionAlarm, queueAlarm } from '#infra/alarms';
import { ChorusFunction } from '#infra/chorus-function';
import {
  asyncInvocationOf,
  bus as busDeclaration,
  defaultRoute,
  ENV,
  eventDelivery,
  type FunctionDeclaration,
  type FunctionName,
  type FunctionUses,
  functions,
  outboxRelayDelivery,
  ROLES,
  routes,
  shareQueue as shareQueueDeclaration,
  table as tableDeclaration,
} from '#infra/declaration';
import { grantTableAccess, grantTokenKey } from '#infra/grants';

const days = (n: number) => Duration.days(n);

/** Chorus in one stack, built from infra/declaration.ts and nothing else. */
export class ChorusStack extends Stack {
  readonly functions: Record<FunctionName, ChorusFunction>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const table = new Table(this, tableDeclaration.id, {
      partitionKey: { name: tableDeclaration.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDeclaration.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableDeclaration.timeToLiveAttribute,
      stream: StreamViewType[tableDeclaration.stream],
    });
    for (const index of tableDeclaration.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    const bus = new EventBus(this, busDeclaration.id);

    /** A dead-letter queue has none of its own; cdk-nag is told so on each one. */
    const deadLetterQueue = (id: string, retentionDays: number, holds: string) => {
      const queue = new Queue(this, id, {
        retentionPeriod: days(retentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself a dead-letter queue (for ${holds}); it needs none of its own.`,
      });
      return queue;
    };
    const shareDeadLetterQueue = deadLetterQueue(
      shareQueueDeclaration.deadLetter.id,
      shareQueueDeclaration.deadLetter.retentionDays,
      'share jobs that failed maxReceiveCount times',
    );
    const shareQueue = new Queue(this, shareQueueDeclaration.id, {
      visibilityTimeout: Duration.seconds(shareQueueDeclaration.visibilityTimeoutSeconds),
      retentionPeriod: days(shareQueueDeclaration.retentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: {
        queue: shareDeadLetterQueue,
        maxReceiveCount: shareQueueDeclaration.deadLetter.maxReceiveCount,
      },
    });
    const eventDeadLetterQueue = deadLetterQueue(
      eventDelivery.deadLetter.id,
      eventDelivery.deadLetter.retentionDays,
      'events no target could take, and events whose function failed every retry',
    );

    const outboxRelayDeadLetterQueue = deadLetterQueue(
      outboxRelayDelivery.deadLetter.id,
      outboxRelayDelivery.deadLetter.retentionDays,
      'outbox records the relay could not put on the bus',
    );

    const alarmTopic = createAlarmTopic(this);
    deadLetterAlarm(this, alarmTopic, shareDeadLetterQueue, shareQueueDeclaration.deadLetter.id);
    deadLetterAlarm(this, alarmTopic, eventDeadLetterQueue, eventDelivery.deadLetter.id);
    deadLetterAlarm(
      this,
      alarmTopic,
      outboxRelayDeadLetterQueue,
      outboxRelayDelivery.deadLetter.id,
    );
    for (const alarm of shareQueueDeclaration.alarms) {
      queueAlarm(this, alarmTopic, shareQueue, alarm);
    }

    const userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      // A person is their sub, linked to the directory through a verified email: a new address
      // counts only once verified, and until then tokens carry the original one.
      autoVerify: { email: true },
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus is a paid tier; it is what blocks credential stuffing and risky sign-ins (cdk-nag COG3).
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The console signs people in through the pool's hosted sign-in (MFA included): code flow
    // with PKCE, from the browser, so the client has no secret. The API is made below; its URL
    // is only read when the template is written.
    let consoleUrl = '';
    const signInDomain = userPool.addDomain('SignInDomain', {
      // Unique per stack and stable across deploys: the stack id's UUID.
      cognitoDomain: {
        domainPrefix: Fn.join('-', ['chorus', Fn.select(2, Fn.split('/', this.stackId))]),
      },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    const userPoolClient = new UserPoolClient(this, 'UserPoolClient', {
      userPool,
      authFlows: { userSrp: true },
      generateSecret: false,
      // People may change their name, never their email: admins set it, from the directory.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [Lazy.string({ produce: () => `${consoleUrl}/callback` })],
        logoutUrls: [Lazy.string({ produce: () => `${consoleUrl}/signed-out` })],
      },
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `${capitalize(role)}Group`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Chorus ${role} role`,
      });
    }

    const authorizer = new HttpJwtAuthorizer(
      'CognitoAuthorizer',
      `https://cognito-idp.${this.region}.amazonaws.com/${userPool.userPoolId}`,
      { jwtAudience: [userPoolClient.userPoolClientId] },
    );
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new HttpApi(this, 'HttpApi', {
      defaultAuthorizer: authorizer,
      createDefaultStage: false,
    });
    consoleUrl = `${api.apiEndpoint}/console`;
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // Employees' social tokens are sealed with this key (encryption context: employee, network).
    const tokenKey = new Key(this, 'TokenKey', {
      description: 'Chorus: seals employees’ social network tokens',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The company's network apps (LinkedIn and X client ids and secrets), filled in by the
    // operator after deploying: see the README. Starts empty: Bluesky, Mastodon and the sandbox
    // need no app.
    const networkSettings = new Secret(this, 'NetworkSettings', {
      description: 'Chorus: the company’s LinkedIn / X app credentials (JSON)',
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(networkSettings).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'LinkedIn and X app secrets can only be rotated in each network’s developer portal, by a person; there is no API a rotation Lambda could call.',
    });

    // The root of the keys that hash click readers (a reader counts once a day). Generated here,
    // never seen by anyone; functions derive one key per day from it and use only that.
    const clickKey = new Secret(this, 'ClickKey', {
      description: 'Chorus: root of the daily keys that hash tracked-link readers',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(clickKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Only keys derived per day (HMAC of the date) ever hash data, so the key in use rotates daily by construction; the hashes it made expire with their markers (TTL) within two days.',
    });

    /** Sets the variable and grants the access together, so the two can never drift apart. */
    const wire = (fn: ChorusFunction, uses: FunctionUses) => {
      if (uses.table) {
        fn.addEnvironment(ENV.table, table.tableName);
        grantTableAccess(fn, table, uses.table);
      }
      if (uses.bus) {
        fn.addEnvironment(ENV.bus, bus.eventBusName);
        bus.grantPutEventsTo(fn);
      }
      if (uses.shareQueue) {
        fn.addEnvironment(ENV.shareQueue, shareQueue.queueUrl);
        shareQueue.grantSendMessages(fn);
      }
      if (uses.shareDeadLetterQueue) {
        fn.addEnvironment(ENV.shareDeadLetterQueue, shareDeadLetterQueue.queueUrl);
        shareDeadLetterQueue.grantSendMessages(fn);
      }
      if (uses.tokenKey) {
        fn.addEnvironment(ENV.tokenKey, `kms:${tokenKey.keyArn}`);
        // Exactly the calls the cipher makes, each only with a context Chorus seals with.
        grantTokenKey(fn, tokenKey, uses.tokenKey);
      }
      if (uses.networkSettings) {
        fn.addEnvironment(ENV.networkSettings, networkSettings.secretArn);
        networkSettings.grantRead(fn);
      }
      if (uses.apiUrl) fn.addEnvironment(ENV.apiUrl, api.apiEndpoint);
      if (uses.clickKey) {
        fn.addEnvironment(ENV.clickKey, clickKey.secretArn);
        clickKey.grantRead(fn);
      }
      if (uses.signIn) {
        fn.addEnvironment(
          ENV.signIn,
          this.toJsonString({
            url: signInDomain.baseUrl(),
            clientId: userPoolClient.userPoolClientId,
          }),
        );
      }
    };

    const built = {} as Record<FunctionName, ChorusFunction>;
    for (const [name, declaration] of Object.entries(functions) as [
      FunctionName,
      (typeof functions)[FunctionName],
    ][]) {
      const fn = new ChorusFunction(this, `${capitalize(name)}Function`, declaration);
      wire(fn, declaration.uses);
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWS’s basic execution policy only lets the function write its own CloudWatch logs.',
      });
      const trigger = declaration.trigger;
      // Lambda's own retries of a failing handler; without an on-failure destination the event
      // would be dropped after them, unseen.
      const asyncInvocation = asyncInvocationOf(trigger);
      if (asyncInvocation) {
        fn.configureAsyncInvoke({
          retryAttempts: asyncInvocation.retryAttempts,
          maxEventAge: Duration.seconds(asyncInvocation.maxEventAgeSeconds),
          onFailure: new SqsDestination(eventDeadLetterQueue),
        });
      }
      for (const alarm of (declaration as FunctionDeclaration).alarms ?? []) {
        functionAlarm(this, alarmTopic, fn, alarm);
      }
      if (trigger.kind === 'event') {
        new Rule(this, `${capitalize(name)}Rule`, {
          eventBus: bus,
          eventPattern: { source: [busDeclaration.source], detailType: [...trigger.detailTypes] },
          targets: [
            new LambdaFunction(fn, {
              retryAttempts: eventDelivery.retryAttempts,
              maxEventAge: Duration.hours(eventDelivery.maxEventAgeHours),
              deadLetterQueue: eventDeadLetterQueue,
            }),
          ],
        });
      } else if (trigger.kind === 'schedule') {
        new Rule(this, `${capitalize(name)}Schedule`, {
          schedule: Schedule.rate(Duration.minutes(trigger.everyMinutes)),
          targets: [
            new LambdaFunction(fn, {
              retryAttempts: eventDelivery.retryAttempts,
              deadLetterQueue: eventDeadLetterQueue,
            }),
          ],
        });
      } else if (trigger.kind === 'stream') {
        // By hand, not `table.grantStreamRead`: that adds dynamodb:ListStreams on `*`.
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: [
              'dynamodb:DescribeStream',
              'dynamodb:GetRecords',
              'dynamodb:GetShardIterator',
              'dynamodb:ListStreams',
            ],
            resources: [table.tableStreamArn ?? ''],
          }),
        );
        new EventSourceMapping(this, `${capitalize(name)}StreamMapping`, {
          target: fn,
          eventSourceArn: table.tableStreamArn ?? '',
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize,
          maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
          retryAttempts: trigger.retryAttempts,
          bisectBatchOnError: trigger.bisectOnError,
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(outboxRelayDeadLetterQueue),
          // Only outbox inserts wake the relay; every other write to the table is passed over.
          filters: [
            FilterCriteria.filter({
              eventName: FilterRule.isEqual('INSERT'),
              dynamodb: { NewImage: { pk: { S: FilterRule.beginsWith('OUTBOX#') } } },
            }),
          ],
        });
      } else if (trigger.kind === 'queue') {
        fn.addEventSource(
          new SqsEventSource(shareQueue, {
            batchSize: trigger.batchSize,
            maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
            maxConcurrency: trigger.maxConcurrency,
            reportBatchItemFailures: true,
          }),
        );
      }
      built[name] = fn;
    }
    this.functions = built;

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${capitalize(name)}Integration`, built[name]);
        integrations.set(name, integration);
      }
      return integration;
    };
    for (const route of routes) {
      const integration = integrationFor(route.function);
      const publicReason = 'public' in route ? route.public : undefined;
      const isPublic = publicReason !== undefined;
      const added = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(isPublic ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (isPublic) {
        for (const publicRoute of added) {
          Validations.of(publicRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: publicReason ?? '',
          });
        }
      }
    }

    // Requests no route matches reach our handler for our 404, not the gateway's bare one.
    const fallback = new HttpRoute(this, 'DefaultRoute', {
      httpApi: api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationFor(defaultRoute.function),
      authorizer: new HttpNoneAuthorizer(),
    });
    Validations.of(fallback).acknowledge({ id: 'AwsSolutions-APIG4', reason: defaultRoute.public });

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl });
    new CfnOutput(this, 'SignInUrl', { value: signInDomain.baseUrl() });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'ShareDeadLetterQueueUrl', { value: shareDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'EventDeadLetterQueueUrl', { value: eventDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'NetworkSettingsSecret', { value: networkSettings.secretName });
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
