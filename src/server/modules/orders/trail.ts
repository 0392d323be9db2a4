import type { Actor } from '../../http/actor.js';

/** Who did it, as the order's events and the trail record it: the person, and the account it acted as. */
export const who = (actor: Actor) => ({ personId: actor.person.id, actingAccountId: actor.account.id });
