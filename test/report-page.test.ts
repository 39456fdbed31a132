// The survey report page, looked at in headless Chromium: it renders, has the
// table rows and the chart, sorts on a click, and logs no console error.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

test.runIf(existsSync(CHROMIUM))('the HTML report renders in Chromium, sorts, and logs no error', async () => {
  const root = tempDir('linkfix-page-');
  const targets = [['toUpper', 'strings.ToUpper', 'func toUpper(s string) string'], ['ncpu', 'runtime.ncpu', 'var ncpu int32'], ['fastrand', 'runtime.fastrand', 'func fastrand() uint32']];
  targets.forEach(([local, target, decl], i) => {
    for (const copy of Array.from({ length: i + 1 }, (_, k) => k)) {
      const dir = join(root, `m${i}-${copy}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'go.mod'), `module example.com/m${i}x${copy}\n\ngo 1.22\n`);
      writeFileSync(join(dir, 'p.go'), `package p\n\nimport _ "unsafe"\n\n//go:linkname ${local} ${target}\n${decl}\n\nvar _ = ${local} // used: the linker checks it\n`);
    }
  });
  const out = join(root, 'survey.ndjson');
  runCli(['survey', root, '--out', out, '--go', '1.22,1.26']);
  const page = join(root, 'report.html');
  runCli(['report', '--format', 'html', '--out', page, out]);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`file://${page}`);
    expect(await tab.locator('#symbols tbody tr').count()).toBe(3);
    expect(await tab.locator('#chart rect').count()).toBe(2);
    const firstSymbol = (): Promise<string> => tab.locator('#symbols tbody tr td code').first().innerText();
    expect(await firstSymbol()).toBe('runtime.fastrand'); // most pulled first
    await tab.locator('#symbols th', { hasText: 'modules' }).click();
    expect(await firstSymbol()).toBe('strings.ToUpper'); // ascending by module count
    await tab.screenshot({ path: join(root, 'report.png') });
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
