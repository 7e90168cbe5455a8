import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ConsoleFiles, loadConsoleFiles, serveConsole } from '#functions/console/serve';
import { type ConsoleSettings, consoleSettings } from '#functions/console/settings';

/**
 * The built app sits beside the bundle in AWS (`browser-app/`, BROWSER_APP_DIR in the
 * declaration); the local runtime builds it elsewhere and says where.
 */
const appDir = () =>
  process.env.BROWSER_APP_PATH ?? fileURLToPath(new URL('./browser-app/', import.meta.url));

let loaded: { files: ConsoleFiles; settings: ConsoleSettings } | undefined;

export const handler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => {
  loaded ??= { files: loadConsoleFiles(appDir()), settings: consoleSettings() };
  return serveConsole(event, loaded.files, loaded.settings);
};
