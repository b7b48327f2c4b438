/**
 * Which registers a mirror keeps: EPC_REGISTERS (a comma list), or EPC_REGISTER, its older one-register
 * form. Pure: the loader hands in the raw values and turns a thrown message into its one line.
 */
import { ConfigError } from '../errors.js';
import { REGISTERS, type Register } from './types.js';

const KNOWN = REGISTERS.join(', ');

/** One register named by the operator (`--register`, EPC_REGISTER); `name` is how the message names it. */
export function parseRegister(name: string, value: string): Register {
  if (!(REGISTERS as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${KNOWN}; got "${value}"`);
  return value as Register;
}

/**
 * EPC_REGISTERS and EPC_REGISTER as the environment gives them (undefined: not set), and the default
 * list. Both set is fine when they say the same; otherwise the operator must pick one. The result is
 * in walking order: domestic first (its runs carry the change feed's history), then the others as given.
 */
export function parseRegisters(list: string | undefined, single: string | undefined, fallback: string): readonly Register[] {
  const fromSingle = single === undefined ? undefined : [parseRegister('EPC_REGISTER', single)];
  const fromList = list === undefined ? undefined : parseList('EPC_REGISTERS', list);
  if (fromSingle && fromList && (fromList.length !== 1 || fromList[0] !== fromSingle[0])) {
    throw new ConfigError(`EPC_REGISTERS (${fromList.join(',')}) and EPC_REGISTER (${fromSingle[0]}) disagree: set EPC_REGISTERS only (EPC_REGISTER is its one-register form)`);
  }
  const chosen = fromList ?? fromSingle ?? parseList('EPC_REGISTERS', fallback);
  return [...chosen].sort((a, b) => Number(b === 'domestic') - Number(a === 'domestic'));
}

function parseList(name: string, value: string): Register[] {
  const names = value.split(',').map((n) => n.trim());
  if (names.every((n) => n === '')) throw new ConfigError(`${name} lists no register: give one or more of ${KNOWN}, separated by commas`);
  if (names.includes('')) throw new ConfigError(`${name} "${value}" has an empty name between commas: give one or more of ${KNOWN}, separated by commas`);
  const seen = new Set<string>();
  for (const n of names) {
    if (!(REGISTERS as readonly string[]).includes(n)) throw new ConfigError(`${name} must list registers from ${KNOWN}; "${n}" is not one`);
    if (seen.has(n)) throw new ConfigError(`${name} lists "${n}" twice: name each register once`);
    seen.add(n);
  }
  return names as Register[];
}
