/**
 * Prints the SQL that creates `certificates_decoded` and the register views (`src/registers/views.ts`)
 * from the declarations: the body of a migration after a column is added to a register's declaration.
 *
 *   node --import tsx scripts/register-views.ts >> drizzle/NNNN_<name>.sql
 */
import { decodedViewSql, VIEW_REGISTERS, viewSql } from '../src/registers/views.js';

// certificates_decoded first: the register views read it.
process.stdout.write([decodedViewSql(), ...VIEW_REGISTERS.map(viewSql)].join('--> statement-breakpoint\n'));
