// The judge stage: every pull of a scan gets a verdict per selected Go release.

import { cachedCatalog, shippedCatalog, shippedReleases } from '../catalog/load.js';
import { localGo } from '../catalog/local-go.js';
import { goMinor, platformBit, type Catalog } from '../catalog/types.js';
import { LinkfixError } from '../errors.js';
import type { Finding, ScanResult } from '../model/types.js';
import { isJudged, judge, parseTags } from './verdict.js';

export interface JudgeOptions {
  /** Which Go releases: `1.23,1.26`, `>=1.22`, `1.22-1.24`; default: from each module's go directive to the newest known. */
  go?: string;
  /** GOOS/GOARCH the verdicts are for (default linux/amd64). */
  platform?: string;
  /** Build tags, comma-separated as for `go build -tags`: a file they select is compiled. */
  tags?: string;
  /** Where a message about building a catalog goes (default: stderr). */
  announce?: (message: string) => void;
  /** Look for a local Go newer than the shipped catalogs (default true). */
  useLocalGo?: boolean;
}

/** The catalogs known to this run: every shipped release, plus the local Go when it is newer. */
export async function knownCatalogs(options: JudgeOptions = {}): Promise<Map<number, () => Catalog>> {
  const byMinor = new Map<number, () => Catalog>();
  for (const release of shippedReleases()) byMinor.set(goMinor(release), () => shippedCatalog(release));
  const newest = Math.max(0, ...byMinor.keys());
  const local = options.useLocalGo === false ? null : localGo();
  if (local && goMinor(local.version) > newest) {
    const catalog = await cachedCatalog(local, options.announce ?? ((m) => process.stderr.write(`${m}\n`)));
    byMinor.set(catalog.minor, () => catalog);
  }
  return byMinor;
}

/** Parses a `--go` selection against the known minors. */
export function selectMinors(spec: string, known: number[]): number[] {
  const chosen = new Set<number>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(>=|<=|>|<)?\s*(?:go)?1\.(\d+)(?:\.\d+)?(?:\s*-\s*(?:go)?1\.(\d+)(?:\.\d+)?)?$/.exec(part);
    if (!m) throw new LinkfixError('EUSAGE', `--go: cannot read "${part}" (examples: 1.23,1.26  >=1.22  1.22-1.24)`);
    const n = Number(m[2]);
    const hi = m[3] !== undefined ? Number(m[3]) : undefined;
    const pick = (x: number): boolean => {
      if (hi !== undefined) return x >= n && x <= hi;
      switch (m[1]) {
        case '>=': return x >= n;
        case '<=': return x <= n;
        case '>': return x > n;
        case '<': return x < n;
        default: return x === n;
      }
    };
    const hits = known.filter(pick);
    if (hits.length === 0) throw new LinkfixError('EUSAGE', `--go: no known Go release matches "${part}" (known: ${known.map((k) => `1.${k}`).join(', ')})`);
    hits.forEach((h) => chosen.add(h));
  }
  return [...chosen].sort((a, b) => a - b);
}

export async function judgeScan(result: ScanResult, options: JudgeOptions = {}): Promise<ScanResult> {
  const platform = options.platform ?? 'linux/amd64';
  platformBit(platform); // a platform the catalogs do not cover is a usage error, before any work
  const catalogs = await knownCatalogs(options);
  const known = [...catalogs.keys()].sort((a, b) => a - b);
  if (known.length === 0) throw new LinkfixError('EIO', 'no std catalog is available (the catalogs/ directory is missing and there is no Go on PATH)');
  const explicit = options.go !== undefined ? selectMinors(options.go, known) : null;
  const modules = new Map(result.modules.map((m) => [m.path, m]));
  const tags = parseTags(options.tags);

  const used = new Set<number>();
  const findings: Finding[] = result.findings.map((f) => {
    if (!isJudged(f)) return f;
    const minors = explicit ?? defaultMinors(f.module ? modules.get(f.module)?.goVersion : null, known);
    minors.forEach((m) => used.add(m));
    return { ...f, verdicts: minors.map((m) => judge(f, catalogs.get(m)!(), platform, tags)) };
  });
  const releases = [...used].sort((a, b) => a - b).map((m) => catalogs.get(m)!().go);
  return { ...result, findings, judged: { platform, releases } };
}

/** From the module's go directive (its minor) to the newest known release. */
function defaultMinors(goVersion: string | null | undefined, known: number[]): number[] {
  const from = goVersion ? goMinor(goVersion) : known[0]!;
  const picked = known.filter((k) => k >= from);
  return picked.length > 0 ? picked : [known[known.length - 1]!];
}
