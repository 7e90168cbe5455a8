import { parseArgs } from 'node:util';
import { findRunningRuntime } from '#infra/local/runtime-client';
import { verifyAuditLog } from '#shared/audit/verify-log';
import { createAuditStore } from '#shared/store/audit';

/**
 * `npm run audit:verify`: walks every audit chain and reports the first broken link (exit 1), or
 * how much it checked (exit 0). Against the local runtime by default; against AWS with
 * `--table <TableName>` and the usual AWS credentials and region.
 */
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' },
  },
});

let tableName = values.table;
if (!tableName) {
  const runtime = await findRunningRuntime(values.data);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = runtime.dynamoDbEndpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  tableName = runtime.tableName;
}

const result = await verifyAuditLog(createAuditStore(tableName));
if (result.broken) {
  const { stream, seq, problem } = result.broken;
  console.error(`audit log BROKEN at stream ${stream}, entry ${seq}: ${problem}`);
  console.error(`(checked ${result.entries} entries before stopping)`);
  process.exit(1);
}
console.log(`audit log intact: ${result.entries} entries in ${result.streams} chains verified`);
