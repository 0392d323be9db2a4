import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { AgencyMode, DB, Language, PublicRole } from '../db/types.js';

/** What the rest of the code knows about an account taking part in a request. */
export type ActorAccount = {
  id: string;
  role: PublicRole;
  name: string;
  email: string | null;
  parentId: string | null;
  agencyId: string | null;
  agencyMode: AgencyMode | null;
  active: boolean;
};

/**
 * Who is doing something: `person` signed in, `account` is whom they act for (the same unless
 * acting-as). Services take it first and read "the current user" from nowhere else.
 */
export type Actor = {
  person: ActorAccount;
  account: ActorAccount;
  actingAs: boolean;
  sessionId: string | null;
  ip: string | null;
  lang: Language;
};

/** What every use case needs besides the Actor: the database and the settings. */
export type Ctx = {
  db: Kysely<DB>;
  config: Config;
};

export type Tx = Kysely<DB>;

