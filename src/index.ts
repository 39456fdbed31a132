// linkfix library API.
export { scan, scanSync, type ScanOptions } from './scan/scan.js';
export { LinkfixError, type LinkfixErrorCode } from './errors.js';
export type * from './model/types.js';
