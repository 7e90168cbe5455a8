import { useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type DirectoryPage,
  type DirectoryQuery,
  type Employee,
  getEmployee,
  listEmployees,
  setEmployeeStatus,
} from '../directory-endpoints';
import { Failure, Loading, useLoad } from '../load';
import { DirectoryImport } from './directory-import';
import { EmployeeForm } from './employee-form';

/** What the search box asks: a whole email looks one person up, anything else is a name prefix. */
const queryOf = (search: string, filters: Omit<DirectoryQuery, 'name' | 'email'>) => {
  const text = search.trim();
  const byEmail = text.includes('@');
  return { ...filters, ...(text ? (byEmail ? { email: text } : { name: text }) : {}) };
};

type Editing = { kind: 'add' } | { kind: 'edit'; employee: Employee } | undefined;

const Row = ({
  employee,
  onEdit,
  onStatus,
  busy,
}: {
  employee: Employee;
  onEdit: () => void;
  onStatus: () => void;
  busy: boolean;
}) => (
  <tr>
    <th scope="row">{employee.name}</th>
    <td>{employee.email}</td>
    <td>{employee.department ?? '—'}</td>
    <td>{employee.location ?? '—'}</td>
    <td>{employee.status === 'active' ? 'Active' : 'Deactivated'}</td>
    <td>
      <div class="row-actions">
        <button type="button" onClick={onEdit} aria-label={`Edit ${employee.name}`}>
          Edit
        </button>
        <button
          type="button"
          class={employee.status === 'active' ? 'danger' : undefined}
          disabled={busy}
          onClick={onStatus}
          aria-label={`${employee.status === 'active' ? 'Deactivate' : 'Reactivate'} ${employee.name}`}
        >
          {employee.status === 'active' ? 'Deactivate' : 'Reactivate'}
        </button>
      </div>
    </td>
  </tr>
);

/**
 * The admin's directory: search by name or email, filter by department, location and status,
 * add and edit people, deactivate and reactivate them, and import the HR export.
 */
export const Directory = () => {
  const [search, setSearch] = useState('');
  const [department, setDepartment] = useState('');
  const [location, setLocation] = useState('');
  const [status, setStatus] = useState<'' | Employee['status']>('');
  const [asked, setAsked] = useState<DirectoryQuery>({});
  const load = useLoad(() => listEmployees(asked), [asked]);
  // The import ends long after it began: it reloads the list as asked then, not as asked at its start.
  const current = useRef(load);
  current.current = load;
  const [editing, setEditing] = useState<Editing>();
  const [said, setSaid] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [actionFailed, setActionFailed] = useState<ApiError>();

  const filtered = Boolean(asked.department || asked.location || asked.status);
  const ask = () => {
    setActionFailed(undefined);
    setAsked(
      queryOf(search, {
        ...(department.trim() ? { department: department.trim() } : {}),
        ...(location.trim() ? { location: location.trim() } : {}),
        ...(status ? { status } : {}),
      }),
    );
  };

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setActionFailed(undefined);
    try {
      setSaid(await work());
      await load.reload();
    } catch (failure) {
      setActionFailed(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  const loadMore = (page: DirectoryPage, cursor: string) =>
    act(async () => {
      const next = await listEmployees(asked, cursor);
      const seen = new Set(page.employees.map((e) => e.employeeId));
      load.set({
        employees: [...page.employees, ...next.employees.filter((e) => !seen.has(e.employeeId))],
        ...(next.cursor ? { cursor: next.cursor } : {}),
      });
      return '';
    });
  const edit = (employee: Employee) =>
    act(async () => {
      // The form edits the entry as it is now, with the version to send back.
      setEditing({ kind: 'edit', employee: (await getEmployee(employee.employeeId)).employee });
      return '';
    });
  const toggle = (employee: Employee) =>
    act(async () => {
      const next = employee.status === 'active' ? 'deactivated' : 'active';
      await setEmployeeStatus(employee.employeeId, next);
      return `${employee.name} is ${next === 'active' ? 'active again' : 'deactivated: their pending shares are stopped'}.`;
    });

  return (
    <div class="directory">
      <h1 tabIndex={-1}>Directory</h1>
      <DirectoryImport onImported={() => current.current.reload()} />

      <section aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <form
          class="directory-search"
          aria-label="Search the directory"
          onSubmit={(event) => {
            event.preventDefault();
            ask();
          }}
        >
          <div class="admin-field wide">
            <label for="directory-search">Name or email</label>
            <input
              id="directory-search"
              type="search"
              placeholder="A name’s beginning, or a whole email"
              value={search}
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          </div>
          <div class="admin-field">
            <label for="directory-department">Department</label>
            <input
              id="directory-department"
              type="text"
              value={department}
              onInput={(e) => setDepartment(e.currentTarget.value)}
            />
          </div>
          <div class="admin-field">
            <label for="directory-location">Location</label>
            <input
              id="directory-location"
              type="text"
              value={location}
              onInput={(e) => setLocation(e.currentTarget.value)}
            />
          </div>
          <div class="admin-field">
            <label for="directory-status">Status</label>
            <select
              id="directory-status"
              value={status}
              onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
            >
              <option value="">Any</option>
              <option value="active">Active</option>
              <option value="deactivated">Deactivated</option>
            </select>
          </div>
          <div class="admin-field">
            <button type="submit" class="primary">
              Search
            </button>
          </div>
        </form>
        {editing ? null : (
          <button type="button" onClick={() => setEditing({ kind: 'add' })}>
            Add a person
          </button>
        )}
        {editing ? (
          <EmployeeForm
            key={editing.kind === 'edit' ? editing.employee.employeeId : 'add'}
            {...(editing.kind === 'edit' ? { editing: editing.employee } : {})}
            onCancel={() => setEditing(undefined)}
            onDone={(employee, verb) => {
              setEditing(undefined);
              setSaid(
                `${employee.name} ${verb === 'added' ? 'was added' : 'was saved'} (version ${employee.version}).`,
              );
              load.reload();
            }}
          />
        ) : null}
        {said ? (
          <p role="status" class="notice">
            {said}
          </p>
        ) : null}
        {actionFailed ? <Failure error={actionFailed} /> : null}
        <Loading load={load} what="the directory">
          {(page) => (
            <>
              {page.employees.length === 0 && !page.cursor ? (
                <p>
                  {asked.email
                    ? `Nobody in the directory has the email ${asked.email}.`
                    : 'Nobody matches.'}
                </p>
              ) : null}
              {filtered ? (
                <p class="muted small">
                  Department, location and status are filtered within a bounded read of the
                  directory (at most 200 entries a page), so a page may show fewer people and still
                  have more after it.
                </p>
              ) : null}
              {page.employees.length ? (
                <div class="scroll">
                  <table class="directory-table">
                    <caption class="muted small">
                      {asked.email ? 'Found by email' : 'In name order'}
                      {filtered ? ', filtered' : ''}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">Email</th>
                        <th scope="col">Department</th>
                        <th scope="col">Location</th>
                        <th scope="col">Status</th>
                        <th scope="col">Actions</th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.employees.map((employee) => (
                        <Row
                          key={employee.employeeId}
                          employee={employee}
                          busy={busy}
                          onEdit={() => edit(employee)}
                          onStatus={() => toggle(employee)}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
              {page.cursor ? (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => loadMore(page, page.cursor as string)}
                >
                  {busy ? 'Loading more…' : 'Load more'}
                </button>
              ) : null}
            </>
          )}
        </Loading>
      </section>
    </div>
  );
};
