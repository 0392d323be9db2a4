/**
 * A deterministic generator of a French catalog: sites, articles and positioned keywords that look
 * like what publishers sell. Used by the demo seed (a living marketplace on `npm start`) and by the
 * catalog benchmark (a million keywords). Same seed, same catalog.
 */

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS: Record<string, { heads: string[]; slug: string }> = {
  immobilier: { slug: 'immo', heads: ['crédit immobilier', 'achat appartement', 'investissement locatif', 'prêt relais', 'frais de notaire', 'estimation maison', 'loi pinel', 'location meublée', 'rénovation énergétique', 'diagnostic immobilier'] },
  finance: { slug: 'finance', heads: ['placement épargne', 'livret a', 'assurance vie', 'bourse débutant', 'crédit conso', 'rachat de crédit', 'compte courant', 'néobanque', 'plan épargne retraite', 'investir en bourse'] },
  assurance: { slug: 'assur', heads: ['assurance auto', 'assurance habitation', 'mutuelle santé', 'assurance emprunteur', 'assurance moto', 'assurance animaux', 'responsabilité civile', 'assurance voyage', 'prévoyance', 'garantie décennale'] },
  sante: { slug: 'sante', heads: ['mal de dos', 'sommeil réparateur', 'perte de poids', 'vitamine d', 'migraine', 'tension artérielle', 'cholestérol', 'allergie pollen', 'kinésithérapeute', 'médecine douce'] },
  voyage: { slug: 'voyage', heads: ['week-end en amoureux', 'séjour ski', 'vacances en famille', 'road trip', 'location vacances', 'croisière méditerranée', 'voyage pas cher', 'hôtel spa', 'camping bord de mer', 'city break'] },
  cuisine: { slug: 'cuisine', heads: ['recette facile', 'pâte à crêpes', 'gâteau chocolat', 'repas du soir', 'cuisine végétarienne', 'batch cooking', 'robot cuiseur', 'pain maison', 'recette poulet', 'dessert rapide'] },
  'auto-moto': { slug: 'auto', heads: ['voiture électrique', 'contrôle technique', 'leasing voiture', 'pneus hiver', 'permis de conduire', 'voiture occasion', 'borne de recharge', 'entretien moto', 'carte grise', 'vidange'] },
  mode: { slug: 'mode', heads: ['robe de soirée', 'baskets femme', 'jean homme', 'manteau hiver', 'sac à main', 'tendance mode', 'vêtements éthiques', 'chaussures running', 'lunettes de soleil', 'montre homme'] },
  sport: { slug: 'sport', heads: ['course à pied', 'musculation maison', 'yoga débutant', 'vélo électrique', 'natation', 'randonnée', 'crossfit', 'tennis', 'perte de poids sport', 'étirements'] },
  'high-tech': { slug: 'tech', heads: ['smartphone', 'ordinateur portable', 'écouteurs sans fil', 'box internet', 'forfait mobile', 'tablette', 'montre connectée', 'vpn', 'imprimante', 'disque dur externe'] },
  'maison-jardin': { slug: 'maison', heads: ['pompe à chaleur', 'isolation combles', 'potager', 'piscine hors sol', 'tondeuse', 'peinture murale', 'parquet', 'cuisine équipée', 'salle de bain', 'poêle à bois'] },
  animaux: { slug: 'animaux', heads: ['croquettes chien', 'chaton', 'éducation chien', 'litière chat', 'vétérinaire', 'aquarium', 'assurance chien', 'race de chien', 'antiparasitaire', 'lapin nain'] },
  emploi: { slug: 'emploi', heads: ['lettre de motivation', 'cv', 'reconversion professionnelle', 'entretien d embauche', 'salaire', 'télétravail', 'formation cpf', 'démission', 'rupture conventionnelle', 'freelance'] },
  business: { slug: 'business', heads: ['création entreprise', 'auto entrepreneur', 'logiciel comptable', 'marketing digital', 'référencement naturel', 'site e-commerce', 'levée de fonds', 'facturation', 'crm', 'business plan'] },
};

const MODIFIERS = ['', 'pas cher', '2026', 'avis', 'comparatif', 'guide', 'conseils', 'prix', 'meilleur', 'comment choisir', 'simulation', 'définition', 'astuces', 'en ligne', 'débutant'];
const CITIES = ['paris', 'lyon', 'marseille', 'toulouse', 'bordeaux', 'lille', 'nantes', 'nice', 'strasbourg', 'rennes', 'montpellier', 'grenoble'];
const WORDS = ['pratique', 'malin', 'expert', 'mag', 'hub', 'zone', 'info', 'club', 'avenue', 'atelier', 'journal', 'tribune', 'planete', 'coin', 'repere'];

export const DEMO_THEMES = Object.keys(TOPICS);

export type GeneratedKeyword = { keyword: string; position: number; volume: number };
export type GeneratedArticle = { path: string; keywords: GeneratedKeyword[] };
export type GeneratedSite = { domain: string; theme: string; siteKind: 'generalist' | 'thematic'; articles: GeneratedArticle[] };

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

/** Monthly volumes follow a long tail: most keywords are small, a few are big. */
function volume(rand: () => number): number {
  const v = Math.floor(10 * Math.exp(rand() * 9.5));
  return v < 100 ? Math.max(10, Math.round(v / 10) * 10) : Math.round(v / 50) * 50;
}

export function* generateCatalog(options: { sites: number; articlesPerSite: number; keywordsPerArticle: number; seed?: number }): Generator<GeneratedSite> {
  const rand = prng(options.seed ?? 42);
  for (let s = 0; s < options.sites; s++) {
    const generalist = rand() < 0.25;
    const theme = generalist ? 'generaliste' : DEMO_THEMES[s % DEMO_THEMES.length];
    const domain = `${generalist ? 'actu' : TOPICS[theme].slug}-${pick(rand, WORDS)}-${s + 1}.fr`;
    const articles: GeneratedArticle[] = [];
    const nArticles = Math.max(1, Math.round(options.articlesPerSite * (0.5 + rand())));
    for (let a = 0; a < nArticles; a++) {
      const topic = TOPICS[generalist ? pick(rand, DEMO_THEMES) : theme];
      const head = pick(rand, topic.heads);
      const seen = new Set<string>();
      const keywords: GeneratedKeyword[] = [];
      const nKeywords = Math.max(1, Math.round(options.keywordsPerArticle * (0.5 + rand())));
      for (let k = 0; k < nKeywords * 2 && keywords.length < nKeywords; k++) {
        const modifier = rand() < 0.2 ? pick(rand, CITIES) : pick(rand, MODIFIERS);
        const keyword = modifier ? `${head} ${modifier}` : head;
        if (seen.has(keyword)) continue;
        seen.add(keyword);
        keywords.push({ keyword, position: 1 + Math.floor(Math.pow(rand(), 1.6) * 60), volume: volume(rand) });
      }
      const slug = head.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/[^a-z0-9]+/g, '-');
      articles.push({ path: `/${slug}-${a + 1}`, keywords });
    }
    yield { domain, theme, siteKind: generalist ? 'generalist' : 'thematic', articles };
  }
}
