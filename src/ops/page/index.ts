/** The coverage page of the configured registers, as `/` of the ops port serves it. */
import type { Config } from '../../config/types.js';
import type { Queryable } from '../../db/client.js';
import { newestQueryableDay } from '../../days.js';
import { VERSION } from '../../version.js';
import { readCoverage } from './data.js';
import { renderCoveragePage } from './page.js';

export async function coveragePage(q: Queryable, config: Config, year: number | undefined, now = new Date()): Promise<string> {
  const options = {
    yesterday: newestQueryableDay(now, config.sync.timezone),
    startDate: config.sync.startDate,
    fetchDocuments: config.sync.fetchDocuments,
    ...(year === undefined ? {} : { year }),
  };
  const registers = await readCoverage(q, config.sync.registers, options);
  return renderCoveragePage({ generatedAt: now.toISOString(), version: VERSION, registers });
}
