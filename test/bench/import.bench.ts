/**
 * Bench section, on the local runtime (`npm start`'s program, in this process): a directory
 * import of generated rows, sent in parts through the HTTP API and run by the job runner, with
 * its progress read while it runs. Rows per second, against the row rate DynamoDB Local's raw
 * write rate allows, measured on the same DynamoDB Local in the same run: raw single-item writes
 * per second (20 clients) ÷ the item writes one row took (each item of a transaction or batch
 * counts), counted by SDK middleware. BENCH_IMPORT_ROWS overrides the size.
 */
import { performance } from 'node:perf_hooks';
import { LOCAL_NAMES } from '#infra/local/provision';
import { PART_MAX_BYTES } from '#shared/jobs/job';
import { type Figure, progress, quick, report } from './figures';
import { itemWriteCounter } from './item-writes';
import { rawWriteRate, startBenchRuntime } from './local-runtime';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? (quick ? 2_000 : 50_000));
const RAW_WRITE_SECONDS = quick ? 2 : 5;
const CLIENTS = 20;

/** Progress is read with GET /jobs/{id} this often, and shown at every tenth of the rows. */
const POLL_MS = 1000;

const runtime = await startBenchRuntime('import');
const { client } = runtime;
// Imported only now: its client reads the endpoint the runtime set.
const { dynamo } = await import('#shared/aws');

const written = itemWriteCounter(dynamo());

/** Whole rows, cut into parts under the part limit; part 1 starts with the header row. */
const partsOf = (rows: number): string[] => {
  const parts: string[] = [];
  let part = 'email,name,department,location,timeZone\n';
  for (let i = 0; i < rows; i++) {
    const line = `person-${i}@bench.acme.example,Person ${i},Dept ${i % 12},Berlin,Europe/Berlin\n`;
    if (Buffer.byteLength(part) + Buffer.byteLength(line) > PART_MAX_BYTES) {
      parts.push(part);
      part = '';
    }
    part += line;
  }
  parts.push(part);
  return parts;
};

interface JobAnswer {
  job: { jobId: string; state: string; rowsDone: number; rowsTotal: number; counts: object };
}

const figures: Figure[] = [];
try {
  const admin = await client.token('admin', 'bench-admin@acme.example');
  const parts = partsOf(ROWS);
  progress(`import: ${ROWS.toLocaleString('en')} rows in ${parts.length} parts…`);
  const opened = await client.call<JobAnswer>('POST', '/employees/import', admin, {
    parts: parts.length,
  });
  if (opened.status !== 202) throw new Error(`open import: ${opened.status}`);
  const jobId = opened.body.job.jobId;
  for (const [i, text] of parts.entries()) {
    const sent = await fetch(`${runtime.apiUrl}/jobs/${jobId}/parts/${i + 1}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: text,
    });
    if (sent.status !== 200) throw new Error(`part ${i + 1}: ${sent.status} ${await sent.text()}`);
  }
  written.counting = true;
  const started = performance.now();
  const start = await client.call<JobAnswer>('POST', `/jobs/${jobId}/start`, admin, {});
  if (start.status !== 202) throw new Error(`start: ${start.status}`);
  let job = start.body.job;
  let shownTenths = 0;
  while (job.state !== 'done') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const read = await client.call<JobAnswer>('GET', `/jobs/${jobId}`, admin);
    if (read.status !== 200) throw new Error(`progress: ${read.status}`);
    job = read.body.job;
    const tenths = Math.floor((10 * job.rowsDone) / job.rowsTotal);
    if (tenths > shownTenths && job.state !== 'done') {
      shownTenths = tenths;
      const elapsed = (performance.now() - started) / 1000;
      progress(
        `import: GET /jobs/${jobId} → ${job.state}, ${job.rowsDone.toLocaleString('en')} of ${job.rowsTotal.toLocaleString('en')} rows after ${elapsed.toFixed(0)} s (${(job.rowsDone / elapsed).toFixed(0)} rows/s)`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  written.counting = false;
  const rowsPerSecond = ROWS / seconds;
  const writesPerRow = written.writes / ROWS;

  progress('import: raw DynamoDB Local writes…');
  const rawPerSecond = await rawWriteRate({
    table: LOCAL_NAMES.table,
    clients: CLIENTS,
    seconds: RAW_WRITE_SECONDS,
    item: { email: 'x@acme.example', name: 'Raw' },
  });
  const writeBound = rawPerSecond / writesPerRow;
  figures.push({
    section: `directory import (${ROWS.toLocaleString('en')} rows, ${parts.length} parts)`,
    figure: 'rows imported per second, start → done',
    value: rowsPerSecond,
    unit: 'rows/s',
    against: `write-bound ${writeBound.toFixed(1)} rows/s (${rawPerSecond.toFixed(0)} raw writes/s ÷ ${writesPerRow.toFixed(1)} item writes/row); ${seconds.toFixed(0)} s in all`,
    ratio: rowsPerSecond / writeBound,
  });
  report(figures);
} finally {
  await runtime.stop();
}
