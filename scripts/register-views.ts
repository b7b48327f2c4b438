/**
 * Prints the SQL that creates the register views (`src/registers/views.ts`) from the declarations:
 * the body of a migration after a column is added to a register's declaration.
 *
 *   node --import tsx scripts/register-views.ts >> drizzle/NNNN_<name>.sql
 */
import { VIEW_REGISTERS, viewSql } from '../src/registers/views.js';

process.stdout.write(VIEW_REGISTERS.map(viewSql).join('--> statement-breakpoint\n'));
