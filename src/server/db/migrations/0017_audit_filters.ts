import type { Kysely } from 'kysely';

/**
 * The index of the activity log's person filter (GET /api/audit?personId=, issue 12):
 * `audit_log (person_id, id)`: "what did this person do" reads that person's lines and keeps those
 * of the reader's scope, instead of reading the whole trail (a parallel sequential scan) for them.
 * bench/audit.ts prints the plans and timings with and without it (docs/ARCHITECTURE.md). The
 * date and category filters ride the primary key's newest-first walk and need none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_person_idx').on('audit_log').columns(['person_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_person_idx').execute();
}
