// The library API is a contract: this test pins every export of src/index.ts
// (names, kinds, signatures) to test/golden/api-surface.txt, so that changing
// it is always deliberate (vitest -u rewrites the snapshot). It also runs the
// example migration script.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Node, Project } from 'ts-morph';
import { expect, test } from 'vitest';
import { ROOT } from './helpers.js';

function surface(): string {
  const project = new Project({ tsConfigFilePath: join(ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const index = project.addSourceFileAtPath(join(ROOT, 'src/index.ts'));
  project.resolveSourceFileDependencies();
  const lines: string[] = [];
  const flat = (s: string): string => s.replace(/\s+/g, ' ').trim();
  for (const [name, decls] of [...index.getExportedDeclarations()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const d of decls) {
      if (Node.isFunctionDeclaration(d)) {
        lines.push(`function ${name}(${d.getParameters().map((p) => flat(p.getText())).join(', ')}): ${flat(d.getReturnTypeNode()?.getText() ?? d.getReturnType().getText(d))}`);
      } else if (Node.isClassDeclaration(d)) {
        const members = d.getMembers().filter((m) => !m.getText().startsWith('private')).map((m) => flat(m.getText()).replace(/\{.*$/, '').trim());
        lines.push(`class ${name} { ${members.join('; ')} }`);
      } else if (Node.isVariableDeclaration(d)) {
        lines.push(`const ${name}: ${flat(d.getTypeNode()?.getText() ?? d.getType().getText(d))}`);
      } else {
        lines.push(flat(d.getText()).replace(/^export /, ''));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

test('the exported API surface is the committed one', async () => {
  await expect(surface()).toMatchFileSnapshot(join(ROOT, 'test/golden/api-surface.txt'));
});

test('the example migration script runs against the built library', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'examples/migrate.mjs'), 'fixtures/fix/rewrite', '1.26'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('encoding/json.safeSet: 1.26 rejected');
  expect(r.stdout).toContain('diff --git a/fixtures/fix/rewrite/exported/exported.go b/fixtures/fix/rewrite/exported/exported.go');
});
