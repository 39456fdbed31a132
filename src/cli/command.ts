import { Command } from 'clipanion';
import { LinkfixError } from '../errors.js';
import type { LinkfixContext } from './context.js';

/** Base of linkfix commands: an error becomes a one-line message and exit status 2, never a stack trace (unless it is a bug). */
export abstract class LinkfixCommand extends Command<LinkfixContext> {
  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (e) {
      return reportError(e, this.context);
    }
  }
}

export function reportError(e: unknown, ctx: LinkfixContext): number {
  if (e instanceof LinkfixError) {
    const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}: ` : '';
    ctx.stderr.write(`linkfix: ${where}${e.message}\n`);
  } else {
    ctx.stderr.write(`linkfix: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
  }
  return 2;
}

/** Paths as the go command spells them: `./...` and `dir/...` mean the directory and everything under it. */
export function treePaths(targets: string[]): string[] {
  return targets.map((p) => (p.endsWith('/...') ? p.slice(0, -4) || '.' : p));
}
