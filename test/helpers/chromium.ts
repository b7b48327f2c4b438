/**
 * Where the browser tests find Chromium: CHROMIUM_PATH (CI sets it after installing Debian's
 * `chromium`; the run then fails if it is not there, as it does for an unreachable
 * TEST_DATABASE_URL), else the usual install paths. No browser is ever downloaded.
 */
import { existsSync } from 'node:fs';

export const USUAL_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium to use, or null when none is installed and none was asked for. Throws when CHROMIUM_PATH names nothing. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const asked = env.CHROMIUM_PATH;
  if (asked) {
    if (!existsSync(asked)) throw new Error(`CHROMIUM_PATH is set to ${asked}, but there is no Chromium there: install Debian's chromium (apt-get install chromium) or fix the path`);
    return asked;
  }
  return USUAL_CHROMIUM_PATHS.find((p) => existsSync(p)) ?? null;
}
