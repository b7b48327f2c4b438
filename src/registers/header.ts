/**
 * Which register's bulk file a header line belongs to. Each register's file has columns no other
 * register's has (`built_form`, `asset_rating`, `current_operational_rating`…); a header holding
 * more of another register's own columns than of the one being imported is that register's file,
 * whatever else it holds. Pure: the header check (`bulk/row.ts`) asks it for every entry.
 */
import { BULK_REGISTERS, registerFile } from './index.js';

export type FileKind = 'certificates' | 'recommendations';

function columnsOf(register: string, kind: FileKind): readonly string[] {
  const file = registerFile(register);
  return (kind === 'certificates' ? file.fields : file.recommendations).map((f) => f.file);
}

const sameColumns = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((name) => b.includes(name));

const own = new Map<string, ReadonlySet<string>>();

/**
 * A register's columns of this kind of entry that no register with a different column list has. The
 * non-domestic and display recommendations files have the same columns: neither has any of its own
 * against the other, and only their certificates entries tell them apart.
 */
export function ownColumns(register: string, kind: FileKind): ReadonlySet<string> {
  const key = `${kind}:${register}`;
  let names = own.get(key);
  if (!names) {
    const mine = columnsOf(register, kind);
    const others = BULK_REGISTERS.map((r) => columnsOf(r, kind)).filter((cols) => !sameColumns(cols, mine));
    names = new Set(mine.filter((name) => !others.some((cols) => cols.includes(name))));
    own.set(key, names);
  }
  return names;
}

export interface OtherRegister {
  register: string;
  /** A few of that register's own columns the header holds (to name in the error). */
  columns: string[];
}

/**
 * The register whose file this header (lower-case names) is, when that is not `register`: the one
 * whose own columns it holds most of, if that is more than it holds of `register`'s. Null when the
 * header is `register`'s, or is no register's in particular.
 */
export function otherRegisterOf(register: string, kind: FileKind, names: readonly string[]): OtherRegister | null {
  const held = (r: string) => names.filter((name) => ownColumns(r, kind).has(name));
  const mine = held(register).length;
  let best: OtherRegister | null = null;
  for (const other of BULK_REGISTERS) {
    if (other === register) continue;
    const columns = held(other);
    if (columns.length > mine && columns.length > (best?.columns.length ?? 0)) best = { register: other, columns };
  }
  return best && { register: best.register, columns: best.columns.slice(0, 3) };
}
