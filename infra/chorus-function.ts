import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BROWSER_APP_DIR, type FunctionDeclaration } from '#infra/declaration';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How every function is bundled; the bench bundles with the same settings to weigh them. */
export const LAMBDA_BUNDLING = {
  target: 'node24',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // ESM bundles of CommonJS dependencies still call require().
  banner:
    "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;

const browserAppHooks = (app: { entry: string }) => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [
    [
      `${inputDir}/node_modules/.bin/tsx`,
      `${inputDir}/infra/tools/build-browser-app.ts`,
      app.entry,
      `${outputDir}/${BROWSER_APP_DIR}`,
    ]
      .map((word) => `'${word.replaceAll("'", "'\\''")}'`)
      .join(' '),
  ],
});

/**
 * The team's Lambda defaults in one place: Node.js 24 on Graviton, ESM bundled and minified by
 * the local esbuild (never Docker), source maps, JSON logs kept for a month.
 */
export class ChorusFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, declaration: FunctionDeclaration) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: `${REPO_ROOT}${declaration.entry}`,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      handler: 'handler',
      description: declaration.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'chorus',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...declaration.environment,
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        format: OutputFormat.ESM,
        forceDockerBundling: false,
        // The SDK is bundled rather than taken from the runtime, so every deploy runs the
        // versions the tests ran.
        externalModules: [],
        // A browser app is built into the same asset, beside the handler that serves it.
        ...(declaration.browserApp
          ? { commandHooks: browserAppHooks(declaration.browserApp) }
          : {}),
      },
    });
  }
}
