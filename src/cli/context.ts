import type { Writable } from 'node:stream';
import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import type { BaseContext } from 'clipanion';

export interface LinkfixContext extends BaseContext {
  env: Record<string, string | undefined>;
}

/** Colours only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function colorsFor(stream: Writable, env: Record<string, string | undefined>): Colors {
  const tty = (stream as Writable & { isTTY?: boolean }).isTTY === true;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return pc.createColors(tty && !noColor);
}
