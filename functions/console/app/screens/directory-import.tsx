import { useEffect, useRef, useState } from 'preact/hooks';
import { asApiError } from '../api';
import { csvParts } from '../csv-parts';
import {
  getImport,
  type ImportJob,
  openImport,
  type RejectedRow,
  sendPart,
  startImport,
} from '../directory-endpoints';

/** How often a running import is asked how far it got. */
const POLL_MS = 500;

type Progress =
  | { kind: 'idle' }
  | { kind: 'sending'; part: number; parts: number }
  | { kind: 'running'; job: ImportJob['job'] }
  | { kind: 'done'; job: ImportJob['job']; rejections: RejectedRow[] }
  | { kind: 'failed'; message: string; problems: string[] };

const problemsOf = (fields: unknown): string[] =>
  Array.isArray(fields)
    ? (fields as { field?: unknown; message?: unknown }[]).map(
        (f) => `${String(f.field ?? '')}: ${String(f.message ?? '')}`,
      )
    : [];

/** Every rejection the job kept with its reason (at most 1,000), page by page in line order. */
const allRejections = async (jobId: string) => {
  const rows: RejectedRow[] = [];
  let after: number | undefined;
  do {
    const page = await getImport(jobId, after);
    rows.push(...(page.rejections ?? []));
    after = page.nextAfter;
  } while (after !== undefined);
  return rows;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The CSV import: the file goes up in parts of whole rows, the job is started, and a progress
 * bar follows it until it is done; then what was imported, and each rejected row with its line
 * and reasons.
 */
export const DirectoryImport = ({ onImported }: { onImported: () => void }) => {
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<Progress>({ kind: 'idle' });
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const follow = async (jobId: string) => {
    for (;;) {
      const { job } = await getImport(jobId);
      if (!alive.current) return;
      if (job.state === 'done') {
        const rejections = await allRejections(jobId);
        setProgress({ kind: 'done', job, rejections });
        onImported();
        return;
      }
      setProgress({ kind: 'running', job });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  const run = async (chosen: File) => {
    try {
      const parts = csvParts(await chosen.text());
      if (parts.length === 0) {
        setProgress({ kind: 'failed', message: 'The file is empty.', problems: [] });
        return;
      }
      setProgress({ kind: 'sending', part: 0, parts: parts.length });
      const { job } = await openImport(parts.length);
      for (const [index, text] of parts.entries()) {
        await sendPart(job.jobId, index + 1, text);
        if (alive.current) setProgress({ kind: 'sending', part: index + 1, parts: parts.length });
      }
      const started = await startImport(job.jobId);
      setProgress({ kind: 'running', job: started.job });
      await follow(job.jobId);
    } catch (failure) {
      const error = asApiError(failure);
      if (error.code === 'signing_in') return;
      setProgress({
        kind: 'failed',
        message: error.message,
        problems: problemsOf(error.detail.fields),
      });
    }
  };

  const busy = progress.kind === 'sending' || progress.kind === 'running';
  const bar =
    progress.kind === 'sending'
      ? {
          value: progress.part,
          max: progress.parts,
          text: `Sending part ${progress.part} of ${progress.parts}…`,
        }
      : progress.kind === 'running' || progress.kind === 'done'
        ? {
            value: progress.job.rowsDone,
            max: Math.max(progress.job.rowsTotal, 1),
            text: `${progress.job.rowsDone} of ${plural(progress.job.rowsTotal, 'row')} processed`,
          }
        : undefined;

  return (
    <section aria-labelledby="import-heading" class="directory-import">
      <h2 id="import-heading">Import from CSV</h2>
      <p class="muted small">
        Columns: email, name, department, location, groups (separated by <code>;</code>), language,
        timeZone, manager, jurisdiction. People are matched by email: importing the same file again
        changes nothing.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (file) run(file);
        }}
      >
        <label for="import-file">CSV file</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
        <button type="submit" class="primary" disabled={!file || busy}>
          Import
        </button>
      </form>
      {bar ? (
        <div class="import-progress">
          <label for="import-progress">Import progress</label>
          <progress id="import-progress" value={bar.value} max={bar.max} aria-valuetext={bar.text}>
            {bar.text}
          </progress>
          <p role="status">
            {progress.kind === 'done' ? `Import finished: ${bar.text}.` : bar.text}
          </p>
        </div>
      ) : null}
      {progress.kind === 'failed' ? (
        <div role="alert" class="error">
          <p>The import did not start: {progress.message}</p>
          {progress.problems.length ? (
            <ul>
              {progress.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {progress.kind === 'done' ? (
        <ImportOutcome job={progress.job} rejections={progress.rejections} />
      ) : null}
    </section>
  );
};

const ImportOutcome = ({
  job,
  rejections,
}: {
  job: ImportJob['job'];
  rejections: RejectedRow[];
}) => {
  const { created, updated, unchanged, rejected } = job.counts;
  return (
    <>
      <p class="notice">
        {plural(created, 'person', 'people')} added, {updated} updated, {unchanged} unchanged,{' '}
        {plural(rejected, 'row')} rejected.
      </p>
      {rejections.length ? (
        <div class="scroll">
          <table class="directory-table">
            <caption>
              Rejected rows
              {rejected > rejections.length
                ? ` (the first ${rejections.length} of ${rejected} are kept with their reasons)`
                : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Email</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {rejections.map((row) => (
                <tr key={row.line}>
                  <td>Line {row.line}</td>
                  <td>{row.email ?? '—'}</td>
                  <td>
                    {row.problems.map((p) => (
                      <span key={p.field} class="block">
                        {p.field}: {p.message}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
};
