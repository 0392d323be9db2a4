import type { Kysely } from 'kysely';
import type { AgencyMode, DB, Role } from './types.js';
import { createAccount, findAccountByEmail, hasUserAccounts, makeAgencyRoot } from '../modules/accounts/service.js';
import { hashPassword } from '../modules/auth/password.js';
import { setWalletAgency } from '../modules/ledger/service.js';

export const DEMO_PASSWORD = 'maillon-demo-2026';

export type DemoLogin = { role: string; email: string; name: string };

/** Creates (or keeps) the support account named by the configuration. */
export async function ensureSupportAccount(db: Kysely<DB>, email: string, password: string): Promise<boolean> {
  const existing = await findAccountByEmail(db, email);
  if (existing) return false;
  const passwordHash = await hashPassword(password);
  await db.transaction().execute((tx) =>
    createAccount(tx, {
      role: 'support',
      name: 'Support Maillon',
      email: email.toLowerCase(),
      password_hash: passwordHash,
      parent_id: null,
      agency_id: null,
      agency_mode: null,
      company: null,
    }),
  );
  return true;
}

export async function isDatabaseEmpty(db: Kysely<DB>): Promise<boolean> {
  return !(await hasUserAccounts(db));
}

const company = (legalName: string, city: string, postalCode: string, siret: string) =>
  JSON.stringify({ legalName, address: '12 rue de la Paix', postalCode, city, country: 'FR', siret, vatNumber: null });

/**
 * Demo data: support, an agency in complete mode (2 managers, 4 consultants, 12 clients spread
 * between them), a standalone customer and a publisher. Deterministic, so the printed logins work.
 */
export async function seedDemo(db: Kysely<DB>): Promise<DemoLogin[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const logins: DemoLogin[] = [];
  await db.transaction().execute(async (tx) => {
    const add = async (
      role: Role,
      name: string,
      email: string | null,
      parentId: string | null,
      agencyId: string | null,
      extra: { mode?: AgencyMode; company?: string } = {},
    ) => {
      const row = await createAccount(tx, {
        role,
        name,
        email,
        password_hash: email ? passwordHash : null,
        parent_id: parentId,
        agency_id: agencyId,
        agency_mode: extra.mode ?? null,
        company: extra.company ?? null,
      });
      if (email) logins.push({ role, email, name });
      return row;
    };
    await add('support', 'Support Maillon', 'support@maillon.test', null, null);
    const agency = await add('client', 'Agence Lumière SEO', 'agence@maillon.test', null, null, {
      company: company('Lumière SEO SAS', 'Lyon', '69002', '81234567800012'),
    });
    await makeAgencyRoot(tx, agency.id, 'complete');
    await setWalletAgency(tx, agency.id, agency.id);
    logins[logins.length - 1].role = 'agency';

    const managers = [
      await add('manager', 'Camille Martin', 'camille@maillon.test', agency.id, agency.id),
      await add('manager', 'Hugo Bernard', 'hugo@maillon.test', agency.id, agency.id),
    ];
    const consultants = [
      await add('consultant', 'Léa Petit', 'lea@maillon.test', managers[0].id, agency.id),
      await add('consultant', 'Nathan Durand', 'nathan@maillon.test', managers[0].id, agency.id),
      await add('consultant', 'Chloé Moreau', 'chloe@maillon.test', managers[1].id, agency.id),
      await add('consultant', 'Théo Laurent', 'theo@maillon.test', managers[1].id, agency.id),
    ];
    const clients = [
      ['Boulangerie Dupain', 'Paris', '75011'],
      ['Vélos du Rhône', 'Lyon', '69007'],
      ['Cave Saint-Émilion', 'Bordeaux', '33000'],
      ['Atelier Céramique Nantais', 'Nantes', '44000'],
      ['Pharmacie des Alpes', 'Grenoble', '38000'],
      ['Jardins de Provence', 'Aix-en-Provence', '13100'],
      ['Optique Lilloise', 'Lille', '59000'],
      ['Librairie Le Phare', 'Brest', '29200'],
      ['Cuisines Alsaciennes', 'Strasbourg', '67000'],
      ['Surf Shop Biarritz', 'Biarritz', '64200'],
      ['Domaine des Cigales', 'Montpellier', '34000'],
      ['Chocolaterie Royale', 'Tours', '37000'],
    ];
    for (const [i, [name, city, postalCode]] of clients.entries()) {
      // Ten under the four consultants, one under a manager, one under the agency itself.
      const parent = i < 10 ? consultants[i % 4] : i === 10 ? managers[0] : agency;
      const email = i === 0 ? 'client@maillon.test' : null;
      await add('client', name, email, parent.id, agency.id, {
        company: company(`${name} SARL`, city, postalCode, String(40000000000000 + i * 1111)),
      });
    }
    await add('client', 'Marie Indépendante', 'marie@maillon.test', null, null, {
      company: company('Marie Conseil EI', 'Toulouse', '31000', '90123456700015'),
    });
    await add('publisher', 'Éditions du Web Français', 'editeur@maillon.test', null, null, {
      company: company('Éditions du Web Français SAS', 'Paris', '75009', '52345678900021'),
    });
  });
  return logins;
}
