/**
 * A stand-in for the types openapi-typescript generates from the served `/openapi.json`.
 * test/e2e/generated-client.test.ts type-checks journey.ts with this file replaced by the real,
 * freshly generated types; the repository's own typecheck sees only this loose stand-in, so it
 * never depends on a document that is generated at run time.
 */
export type paths = any;
