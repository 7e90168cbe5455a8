import { useState } from 'preact/hooks';
import {
  type Format,
  formatted,
  METRIC_COLUMNS,
  type MetricColumn,
  missing,
} from '../analytics-columns';
import {
  type Figure,
  type MetricsRow,
  type ReportSource,
  type ReportTable,
  tableCsv,
} from '../analytics-endpoints';
import { asApiError } from '../api';
import { saveText } from '../download';

const SOURCE_WORDS: Record<Figure['source'], string> = {
  measured: 'read from the networks',
  counted: 'counted by Chorus from its own records',
  estimated: 'estimated by a model',
};

/**
 * Where a figure comes from, with its basis: shown on hover (title) and, for keyboards and
 * phones, while the label has focus (a tap focuses it); screen readers hear it as the label's
 * description.
 */
export const SourceLabel = ({ id, figure }: { id: string; figure: Figure }) => {
  const basis = figure.note
    ? `${SOURCE_WORDS[figure.source]}: ${figure.note}`
    : SOURCE_WORDS[figure.source];
  return (
    <span class="source-wrap">
      <button
        type="button"
        class={`source ${figure.source}`}
        title={basis}
        aria-describedby={`${id}-basis`}
      >
        {figure.source}
      </button>
      <span id={`${id}-basis`} role="tooltip" class="basis">
        {basis}
      </span>
    </span>
  );
};

/** A total: its label, its value (or why there is none), and where it comes from. */
export const FigureCard = ({
  id,
  label,
  figure,
  format,
  waitsForReading = false,
}: {
  id: string;
  label: string;
  figure: Figure;
  format: Format;
  /** EMV and the engagement rate: null means "not measured yet", with the API's note. */
  waitsForReading?: boolean;
}) => (
  <div class="stat figure">
    <dt id={`${id}-label`}>{label}</dt>
    <dd>
      <span class="value">
        {figure.value !== null
          ? formatted(figure.value, format)
          : waitsForReading
            ? 'not measured yet'
            : 'not reported'}
      </span>{' '}
      <SourceLabel id={id} figure={figure} />
      {figure.value === null && figure.note ? (
        <span class="muted small note">{figure.note}</span>
      ) : null}
    </dd>
  </div>
);

type Row = Record<string, unknown> & Partial<MetricsRow>;

export interface LeadColumn {
  key: string;
  label: string;
}

const cell = (row: Row, column: MetricColumn) => {
  const value = row[column.key];
  if (typeof value === 'number') return formatted(value, column.format);
  if (typeof value === 'string') return value;
  return missing(column.key);
};

type Export =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; message: string };

/**
 * One of the report's tables, every figure headed with its source, and its CSV: the API's own
 * export of the same table (same scope), whose headers name the same sources.
 */
export const ReportTableView = ({
  table,
  title,
  lead,
  rows,
  source,
  metrics = METRIC_COLUMNS,
  rowKey,
}: {
  table: ReportTable;
  title: string;
  lead: readonly LeadColumn[];
  rows: readonly Row[];
  source: ReportSource;
  metrics?: readonly MetricColumn[];
  rowKey: (row: Row) => string;
}) => {
  const [exporting, setExporting] = useState<Export>({ kind: 'idle' });
  const download = async () => {
    setExporting({ kind: 'saving' });
    try {
      saveText(`chorus-${table}.csv`, await tableCsv(source, table), 'text/csv');
      setExporting({ kind: 'saved' });
    } catch (error) {
      setExporting({ kind: 'failed', message: asApiError(error).message });
    }
  };
  const headingId = `table-${table}`;
  return (
    <section class="report-table" aria-labelledby={headingId}>
      <div class="chart-head">
        <h3 id={headingId}>{title}</h3>
        <button
          type="button"
          onClick={download}
          disabled={exporting.kind === 'saving'}
          aria-label={`Download ${title} as CSV`}
        >
          Download CSV
        </button>
      </div>
      {exporting.kind === 'saved' ? (
        <p role="status" class="muted small">
          Saved chorus-{table}.csv.
        </p>
      ) : exporting.kind === 'failed' ? (
        <p role="alert" class="error">
          {exporting.message}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p>Nothing published in this scope yet.</p>
      ) : (
        <div class="scroll">
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                {lead.map((column) => (
                  <th scope="col" key={column.key}>
                    {column.label}
                  </th>
                ))}
                {metrics.map((column) => (
                  <th scope="col" key={column.key}>
                    {column.label} ({column.source})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={rowKey(row)}>
                  {lead.map((column, i) =>
                    i === 0 ? (
                      <th scope="row" key={column.key}>
                        {String(row[column.key] ?? '')}
                      </th>
                    ) : (
                      <td key={column.key}>{String(row[column.key] ?? '')}</td>
                    ),
                  )}
                  {metrics.map((column) => (
                    <td
                      key={column.key}
                      title={
                        row[column.key] === null && typeof row.note === 'string'
                          ? row.note
                          : undefined
                      }
                    >
                      {cell(row, column)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};
