/** Machine-readable error codes; the CLI maps every one of them to exit status 2. */
export type LinkfixErrorCode = 'EIO' | 'EUSAGE' | 'EPARSE';

/** The one error type linkfix throws on purpose. Anything else is a bug. */
export class LinkfixError extends Error {
  readonly code: LinkfixErrorCode;
  readonly file: string | null;
  readonly line: number | null;

  constructor(code: LinkfixErrorCode, message: string, where: { file?: string; line?: number } = {}) {
    super(message);
    this.name = 'LinkfixError';
    this.code = code;
    this.file = where.file ?? null;
    this.line = where.line ?? null;
  }
}

/** A file-system error in words, for a message that names the file. */
export function describeFsError(e: unknown, what: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return `${what}: no such file or directory`;
    case 'EACCES':
    case 'EPERM':
      return `${what}: permission denied`;
    case 'EISDIR':
      return `${what}: is a directory`;
    default:
      return `${what}: ${err.message ?? String(e)}`;
  }
}
