import { Command, Option } from 'clipanion';
import { resolve } from 'node:path';
import { LinkfixCommand } from './command.js';

export class CatalogBuildCommand extends LinkfixCommand {
  static override paths = [['catalog', 'build']];
  static override usage = Command.Usage({
    description: 'Build the std catalog of a GOROOT: what its standard library defines, pushes and blocks, per platform.',
    details: `
      Asks the GOROOT's own go command which files it compiles (go list std, for linux/amd64, linux/arm64, darwin/arm64 and windows/amd64), reads them, and writes a catalog file. When the output file is already a catalog, the release is added to it, in place of any release of the same minor (catalogs/std.catalog holds every shipped release).
    `,
    examples: [
      ['Catalog the Go on PATH', 'linkfix catalog build --goroot "$(go env GOROOT)"'],
      ['Update the shipped go1.26 release', 'linkfix catalog build --goroot "$(GOTOOLCHAIN=go1.26.11 go env GOROOT)" --out catalogs/std.catalog'],
    ],
  });

  goroot = Option.String('--goroot', { required: true, description: 'The GOROOT to read' });
  out = Option.String('--out', { description: 'Output file (default: <version>.catalog in the current directory)' });

  async run(): Promise<number> {
    // Loaded on use: the CLI starts faster when a command does not load what others need.
    const { buildCatalog } = await import('../catalog/build.js');
    const { addToCatalogStore } = await import('../catalog/store.js');
    const started = performance.now();
    const catalog = await buildCatalog({ goroot: resolve(this.goroot) });
    const out = resolve(this.out ?? `${catalog.go}.catalog`);
    const held = addToCatalogStore(out, catalog);
    const symbols = [...catalog.symbols.entries()];
    this.context.stderr.write(
      `linkfix: ${catalog.go}: ${symbols.length} symbols, ${symbols.filter(([, s]) => s.push).length} pushed, ` +
        `${Object.keys(catalog.blocked).length} blocked; wrote ${out} (${held.map((c) => c.go).join(', ')}) in ${Math.round(performance.now() - started)} ms\n`,
    );
    return 0;
  }
}
