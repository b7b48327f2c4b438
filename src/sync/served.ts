/**
 * What an exact walk proves about a day, pure: the certificate numbers the API serves for it. A stored
 * certificate of the day outside that set (and not reported removed) is gone from search without an
 * event, and is flagged missing. Anything short of proof flags nothing: on a non-domestic day whose
 * count holds certificates search never serves (no recommendation report, stored from the bulk file),
 * a stored certificate not served may be one of those, so only a day that serves all it counts proves.
 */
import type { CertificateRow } from '../db/certificates.js';
import type { RejectedRow } from '../db/rejects.js';

export interface WalkedDay {
  /** Every row of the day reached (DayFetch.complete). */
  complete: boolean;
  rows: readonly CertificateRow[];
  rejects: readonly RejectedRow[];
  /** Rows the day's queries returned with another registration date: served too. */
  strays?: readonly CertificateRow[];
  /** Non-domestic: the day's rows served (present only where search serves fewer rows than it counts). */
  served?: number;
  /** Non-domestic: certificates counted and never served; null when not known. */
  notServed?: number | null;
}

/**
 * The numbers served for the day, or null when the walk cannot tell: it fell short, or a row it had to
 * reject carries no readable certificate number (that row could be any stored certificate). A rejected
 * row with a number still counts as served: the certificate is there, only its row is malformed.
 */
export function servedNumbers(walk: WalkedDay): string[] | null {
  if (!walk.complete) return null;
  if (walk.served !== undefined && walk.notServed !== 0) return null;
  // A stray may be stored under this day still: it is served (under its new date), not missing.
  const numbers = [...walk.rows, ...(walk.strays ?? [])].map((row) => row.certificateNumber);
  for (const reject of walk.rejects) {
    const number = certificateNumberOf(reject.raw);
    if (number === null) return null;
    numbers.push(number);
  }
  return numbers;
}

function certificateNumberOf(raw: string): string | null {
  try {
    const value = (JSON.parse(raw) as { certificateNumber?: unknown } | null)?.certificateNumber;
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
}
