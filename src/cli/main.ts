import { Builtins, Cli } from 'clipanion';
import { reportError } from './command.js';
import { VERSION } from '../version.js';
import type { LinkfixContext } from './context.js';
import { CatalogBuildCommand } from './catalog-command.js';
import { DepsCommand } from './deps-command.js';
import { ExplainCommand } from './explain-command.js';
import { FixCommand } from './fix-command.js';
import { ReportCommand, SurveyCommand } from './survey-command.js';
import { ScanCommand } from './scan-command.js';

/** Runs the CLI and returns the exit status; never throws. */
export async function run(argv: string[], context: Partial<LinkfixContext> = {}): Promise<number> {
  const cli = new Cli<LinkfixContext>({ binaryName: 'linkfix', binaryLabel: 'linkfix', binaryVersion: VERSION, enableColors: false });
  cli.register(ScanCommand);
  cli.register(CatalogBuildCommand);
  cli.register(ExplainCommand);
  cli.register(FixCommand);
  cli.register(DepsCommand);
  cli.register(SurveyCommand);
  cli.register(ReportCommand);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  const ctx: LinkfixContext = {
    stdin: context.stdin ?? process.stdin,
    stdout: context.stdout ?? process.stdout,
    stderr: context.stderr ?? process.stderr,
    env: context.env ?? process.env,
    colorDepth: 1,
  };
  let command;
  try {
    command = cli.process(argv, ctx);
  } catch (e) {
    ctx.stderr.write(cli.error(e as Error));
    return 2;
  }
  try {
    return await cli.run(command, ctx);
  } catch (e) {
    return reportError(e, ctx);
  }
}
