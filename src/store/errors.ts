/**
 * The store could not read or write its database: the disk is full, the data directory is not
 * writable, the file is damaged or was written by a newer Footnote. The message names the
 * directory and says what to do; it is meant for the operator, not for a Discord user.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/**
 * What a document duplicates: an existing one with the same address or the same text, in the
 * scope the new one would be visible in.
 */
export interface Duplicate {
  document: { id: string; title: string };
  reason: 'url' | 'content';
}

/**
 * The store refused an add because the document is already there (`Duplicate` says which and
 * why); nothing was written. Raised inside the add's write transaction, so of two processes
 * adding the same document at once exactly one succeeds. Callers word it for people.
 */
export class DuplicateDocumentError extends Error {
  override readonly name = 'DuplicateDocumentError';
  constructor(readonly duplicate: Duplicate) {
    super(
      `${duplicate.document.id} already holds this document's ${duplicate.reason === 'url' ? 'address' : 'text'}`,
    );
  }
}

/** The SQLite, PostgreSQL and file-system codes an operator can act on, in one sentence each. */
const EXPLANATIONS: Record<string, string> = {
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR_WRITE: 'the disk refused a write',
  SQLITE_IOERR: 'the disk reported an input/output error',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_PERM: 'permission was denied',
  SQLITE_BUSY: 'another process holds the database',
  SQLITE_CORRUPT: 'the database file is damaged',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  EACCES: 'permission was denied',
  EPERM: 'permission was denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'a file is in the way',
  // PostgreSQL (SQLSTATE) and connection errors.
  ECONNREFUSED: 'PostgreSQL refused the connection (is it running?)',
  ECONNRESET: 'the connection to PostgreSQL was reset',
  ENOTFOUND: 'the PostgreSQL host is not known',
  '28P01': 'PostgreSQL refused the password',
  '28000': 'PostgreSQL refused the login',
  '3D000': 'the PostgreSQL database does not exist',
  '53100': 'the PostgreSQL server is out of disk space',
  '53300': 'PostgreSQL has too many connections',
  '57P01': 'PostgreSQL closed the connection (restart or shutdown); try again',
  '57P03': 'PostgreSQL is starting up; try again',
  '25006': 'the PostgreSQL database is read-only',
  ENOENT: 'the directory cannot be created there (ENOENT)',
};

/**
 * Wraps a SQLite, PostgreSQL or file-system error in a StoreError that says what happened where; anything
 * already a StoreError, a refused duplicate, or a UserError raised inside a transaction passes
 * through unchanged.
 */
export function storeFailure(error: unknown, action: string, where: string): Error {
  if (
    !(error instanceof Error) ||
    error instanceof DuplicateDocumentError ||
    error.name === 'StoreError' ||
    error.name === 'UserError'
  )
    return error as Error;
  const code = (error as { code?: unknown }).code;
  const explanation =
    typeof code === 'string'
      ? (EXPLANATIONS[code] ??
        EXPLANATIONS[code.replace(/_[A-Z]+$/u, '')] ??
        `${code}: ${error.message}`)
      : error.message;
  return new StoreError(`Could not ${action} in ${where}: ${explanation}.`, { cause: error });
}
