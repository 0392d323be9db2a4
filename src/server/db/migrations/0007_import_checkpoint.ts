import type { Kysely } from 'kysely';

/**
 * A keyword import commits its keywords chunk by chunk; `written_chunks` (bumped in the
 * transaction of each chunk) is where an interrupted import resumes, so that a restart neither
 * starts over nor counts the same keywords twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('keyword_imports')
    .addColumn('written_chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('keyword_imports').dropColumn('written_chunks').execute();
}
