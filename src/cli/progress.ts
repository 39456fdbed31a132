import type { Writable } from 'node:stream';

/** A progress line on a terminal (done/total, rate, ETA); nothing in pipes, in CI or when quiet. */
export function progressReporter(stream: Writable, env: Record<string, string | undefined>, quiet: boolean, unit: string): (done: number, total: number) => void {
  const tty = (stream as Writable & { isTTY?: boolean }).isTTY === true;
  if (!tty || quiet || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return () => {};
  const started = Date.now();
  return (done, total) => {
    const secs = (Date.now() - started) / 1000;
    const rate = done / Math.max(secs, 0.001);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    const width = 24;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}, ${rate.toFixed(1)}/s, ETA ${eta}s `);
    if (done === total) stream.write('\n');
  };
}
