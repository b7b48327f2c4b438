/**
 * One line on stderr for every stop that retrying cannot fix, whatever LOG_LEVEL is: logs can be
 * filtered or shipped elsewhere, and the operator must still see what to change. Each distinct line
 * is written once per process, so a run and the command around it never say it twice.
 */
const said = new Set<string>();

export function tellOperator(message: string, write: (line: string) => void = (line) => process.stderr.write(line)): void {
  if (said.has(message)) return;
  said.add(message);
  write(`epc-sync: ${message}\n`);
}
