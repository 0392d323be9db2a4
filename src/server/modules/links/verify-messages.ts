// What the verifier tells people, in French and in English: each message is written whole in one
// language (no English detail inside the French), names what was found, and starts with the
// rule's short label.
import type { FailureFacts, FetchFailureRule } from './fetch-page.js';

export type Messages = { fr: string; en: string };

export type FailedRule =
  | 'invalid_url'
  | 'private_address'
  | 'dns_failure'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'network_error'
  | 'http_status'
  | 'not_html'
  | 'link_missing'
  | 'anchor_mismatch'
  | 'nofollow'
  | 'sponsored'
  | 'ugc'
  | 'noindex_meta'
  | 'noindex_header'
  | 'page_nofollow'
  | 'off_site_redirect'
  | 'wrong_page'
  | 'canonical_elsewhere'
  | 'robots_txt_disallow';

export type CheckOutcome =
  | 'ok'
  | 'link_missing'
  | 'anchor_changed'
  | 'rel_changed'
  | 'noindex'
  | 'canonical_elsewhere'
  | 'redirected_off_site'
  | 'http_error'
  | 'unreachable';

export const ruleLabels: Record<FailedRule, Messages> = {
  invalid_url: { fr: 'URL invalide (http ou https uniquement)', en: 'Invalid URL (http or https only)' },
  private_address: { fr: 'Adresse privée ou locale refusée', en: 'Private or local address refused' },
  dns_failure: { fr: 'Nom de domaine introuvable', en: 'Domain name could not be resolved' },
  timeout: { fr: 'La page a mis trop de temps à répondre', en: 'The page took too long to answer' },
  too_large: { fr: 'Page trop volumineuse', en: 'Page too large' },
  too_many_redirects: { fr: 'Trop de redirections', en: 'Too many redirects' },
  network_error: { fr: 'Erreur réseau', en: 'Network error' },
  http_status: { fr: 'La page ne répond pas 200 OK', en: 'The page does not answer 200 OK' },
  not_html: { fr: "La page n'est pas du HTML", en: 'The page is not HTML' },
  link_missing: { fr: 'Lien absent de la page', en: 'Link not found on the page' },
  anchor_mismatch: { fr: "Texte d'ancre différent de celui commandé", en: 'Anchor text differs from the one ordered' },
  nofollow: { fr: 'Lien en nofollow', en: 'Link is nofollow' },
  sponsored: { fr: 'Lien marqué sponsored', en: 'Link is marked sponsored' },
  ugc: { fr: 'Lien marqué ugc', en: 'Link is marked ugc' },
  noindex_meta: { fr: 'Page en noindex (balise meta robots)', en: 'Page is noindex (robots meta tag)' },
  noindex_header: { fr: 'Page en noindex (en-tête X-Robots-Tag)', en: 'Page is noindex (X-Robots-Tag header)' },
  page_nofollow: {
    fr: "Page en nofollow (aucun de ses liens n'est suivi)",
    en: 'Page is nofollow (none of its links is followed)',
  },
  off_site_redirect: { fr: 'Redirection hors du site', en: 'Redirected off the site' },
  wrong_page: { fr: "Ce n'est pas l'article commandé", en: 'Not the article ordered' },
  canonical_elsewhere: { fr: 'URL canonique ailleurs', en: 'Canonical URL elsewhere' },
  robots_txt_disallow: { fr: 'Page interdite à Googlebot par robots.txt', en: 'Page disallowed to Googlebot by robots.txt' },
};

export const outcomeLabels: Record<CheckOutcome, Messages> = {
  ok: { fr: 'Lien en place', en: 'Link in place' },
  link_missing: { fr: 'Lien absent', en: 'Link missing' },
  anchor_changed: { fr: 'Ancre modifiée', en: 'Anchor changed' },
  rel_changed: { fr: 'Lien passé en nofollow', en: 'Link no longer followed' },
  noindex: { fr: 'Page non indexable', en: 'Page not indexable' },
  canonical_elsewhere: { fr: 'URL canonique ailleurs', en: 'Canonical URL elsewhere' },
  redirected_off_site: { fr: "Redirigé hors de l'article acheté", en: 'Redirected away from the article bought' },
  http_error: { fr: 'Erreur HTTP', en: 'HTTP error' },
  unreachable: { fr: 'Page injoignable', en: 'Page unreachable' },
};

/** A sentence without its label nor final period, in each language. */
export type Sentence = Messages;

/** The whole message: label, what was found, how many attempts when the failure was retried. */
export function failureMessages(rule: FailedRule, sentence: Sentence, attempts: number): Messages {
  const tries =
    attempts > 1 ? { fr: ` (après ${attempts} tentatives)`, en: ` (after ${attempts} attempts)` } : { fr: '', en: '' };
  return {
    fr: `${ruleLabels[rule].fr} : ${sentence.fr}${tries.fr}.`,
    en: `${ruleLabels[rule].en}: ${sentence.en}${tries.en}.`,
  };
}

export function okMessages(finalUrl: string, targetUrl: string, anchor: string): Messages {
  return {
    fr: `Lien vérifié sur ${finalUrl} : lien suivi (dofollow) vers ${targetUrl}, ancre « ${anchor} », page indexable.`,
    en: `Link verified on ${finalUrl}: followed (dofollow) link to ${targetUrl}, anchor "${anchor}", indexable page.`,
  };
}

// Fetch failures ------------------------------------------------------------------------------

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT']);
const TEMPORARY_DNS = new Set(['EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT', 'ECONNREFUSED']);

/** Why fetching a URL failed (the fetcher's facts, told in each language). */
export function fetchFailureSentence(rule: FetchFailureRule, facts: FailureFacts): Sentence {
  const url = facts.url ?? '';
  const host = facts.host ?? hostOf(url);
  const code = facts.code ? ` (${facts.code})` : '';
  switch (rule) {
    case 'invalid_url':
      if (facts.code === 'credentials') {
        return facts.from
          ? {
              fr: `${facts.from} redirige vers une URL avec un nom d'utilisateur ou un mot de passe (${url}), refusée`,
              en: `${facts.from} redirects to a URL with a user name or password (${url}), refused`,
            }
          : {
              fr: `l'URL ${url} contient un nom d'utilisateur ou un mot de passe, elle est refusée`,
              en: `the URL ${url} carries a user name or password, it is refused`,
            };
      }
      return facts.from
        ? {
            fr: `${facts.from} redirige vers ${url}, qui n'est pas une adresse http(s)`,
            en: `${facts.from} redirects to ${url}, which is not an http(s) address`,
          }
        : { fr: `${url} n'est pas une adresse http(s)`, en: `${url} is not an http(s) address` };
    case 'private_address':
      return {
        fr: `${host} pointe vers une adresse non publique (${facts.address})`,
        en: `${host} points to a non-public address (${facts.address})`,
      };
    case 'dns_failure':
      return facts.code && TEMPORARY_DNS.has(facts.code)
        ? { fr: `la résolution DNS de ${host} a échoué temporairement${code}`, en: `resolving ${host} failed temporarily${code}` }
        : { fr: `le nom ${host} ne correspond à aucune adresse${code}`, en: `${host} does not resolve to any address${code}` };
    case 'timeout':
      return {
        fr: `${url} n'a pas répondu complètement en ${duration(facts.limit ?? 0, 'fr')}`,
        en: `${url} gave no complete answer within ${duration(facts.limit ?? 0, 'en')}`,
      };
    case 'too_large':
      return facts.declared
        ? {
            fr: `${url} annonce ${facts.declared} octets, plus que les ${facts.limit} autorisés`,
            en: `${url} declares ${facts.declared} bytes, more than the ${facts.limit} allowed`,
          }
        : {
            fr: `${url} dépasse les ${facts.limit} octets autorisés`,
            en: `${url} is larger than the ${facts.limit} bytes allowed`,
          };
    case 'too_many_redirects':
      return {
        fr: `plus de ${facts.limit} redirections (la dernière de ${facts.from} vers ${url})`,
        en: `more than ${facts.limit} redirects (the last one from ${facts.from} to ${url})`,
      };
    case 'network_error': {
      const c = facts.code ?? '';
      if (REFUSED.has(c)) return { fr: `${host} refuse la connexion${code}`, en: `${host} refused the connection${code}` };
      if (RESET.has(c))
        return { fr: `la connexion à ${host} a été coupée${code}`, en: `the connection to ${host} was cut${code}` };
      if (UNREACHABLE.has(c)) return { fr: `${host} est injoignable${code}`, en: `${host} cannot be reached${code}` };
      if (c.startsWith('Z_') || c.startsWith('ERR_BROTLI')) {
        return {
          fr: `le contenu compressé de ${url} est illisible${code}`,
          en: `the compressed body of ${url} could not be decoded${code}`,
        };
      }
      if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(c)) {
        return {
          fr: `le certificat TLS de ${host} n'est pas valide${code}`,
          en: `the TLS certificate of ${host} is not valid${code}`,
        };
      }
      if (c.startsWith('HPE_'))
        return { fr: `${host} a envoyé une réponse HTTP invalide${code}`, en: `${host} sent an invalid HTTP answer${code}` };
      return { fr: `la connexion à ${host} a échoué${code}`, en: `the connection to ${host} failed${code}` };
    }
  }
}

/** Whether a DNS failure code is a temporary one, worth retrying at once. */
export function isTemporaryDnsCode(code: string | undefined): boolean {
  return code !== undefined && TEMPORARY_DNS.has(code);
}

/** Network error codes that may go away by themselves: refused, reset, unreachable. */
export function isTransientNetworkCode(code: string | undefined): boolean {
  return code !== undefined && (REFUSED.has(code) || RESET.has(code) || UNREACHABLE.has(code));
}

// The page --------------------------------------------------------------------------------

export function invalidInputSentence(which: 'target' | 'article', url: string): Sentence {
  return which === 'target'
    ? { fr: `l'URL cible ${url} n'est pas une adresse http(s)`, en: `the target URL ${url} is not an http(s) address` }
    : {
        fr: `l'URL de l'article acheté ${url} n'est pas une adresse http(s)`,
        en: `the URL of the article bought, ${url}, is not an http(s) address`,
      };
}

export function httpStatusSentence(url: string, status: number): Sentence {
  return { fr: `${url} répond HTTP ${status} au lieu de 200`, en: `${url} answers HTTP ${status} instead of 200` };
}

export function notHtmlSentence(url: string, contentType: string | undefined): Sentence {
  return contentType
    ? { fr: `${url} est de type ${contentType}, pas une page HTML`, en: `${url} is of type ${contentType}, not an HTML page` }
    : {
        fr: `${url} ne dit pas son type de contenu, ce n'est pas une page HTML`,
        en: `${url} gives no content type, it is not an HTML page`,
      };
}

export function offSiteSentence(where: { from: string | null; to: string }, siteDomain: string): Sentence {
  const host = hostOf(where.to);
  return where.from
    ? {
        fr: `${where.from} redirige vers ${host} (${where.to}), hors du site ${siteDomain}`,
        en: `${where.from} redirects to ${host} (${where.to}), off the site ${siteDomain}`,
      }
    : { fr: `${where.to} n'est pas sur le site ${siteDomain}`, en: `${where.to} is not on the site ${siteDomain}` };
}

/** What the article bought's own URL does: where it redirects (null when it does not), what it answers. */
export type ArticleFate = { redirectsTo: string | null; status: number | null };

export function wrongPageSentence(
  reached: { url: string; title: string | null; signIn: boolean },
  articleUrl: string,
  article: ArticleFate | null,
): Sentence {
  const page = reached.signIn
    ? { fr: `une page de connexion (${reached.url})`, en: `a sign-in page (${reached.url})` }
    : reached.title
      ? { fr: `${reached.url} (« ${reached.title} »)`, en: `${reached.url} ("${reached.title}")` }
      : { fr: reached.url, en: reached.url };
  let fate = { fr: '', en: '' };
  if (article?.redirectsTo) {
    fate = { fr: `, qui redirige vers ${article.redirectsTo}`, en: `, which redirects to ${article.redirectsTo}` };
  } else if (article?.status && article.status !== 200) {
    fate = { fr: `, qui répond HTTP ${article.status}`, en: `, which answers HTTP ${article.status}` };
  }
  return {
    fr: `la page atteinte est ${page.fr}, pas l'article acheté ${articleUrl}${fate.fr}`,
    en: `the page reached is ${page.en}, not the article bought, ${articleUrl}${fate.en}`,
  };
}

export function articleUnresolvedSentence(articleUrl: string, failure: Sentence): Sentence {
  return {
    fr: `impossible de savoir où mène l'article acheté ${articleUrl} : ${failure.fr}`,
    en: `where the article bought, ${articleUrl}, leads could not be found: ${failure.en}`,
  };
}

export function noindexHeaderSentence(values: string[]): Sentence {
  const shown = values.join(' | ');
  return { fr: `l'en-tête X-Robots-Tag de la page vaut « ${shown} »`, en: `the X-Robots-Tag header of the page says "${shown}"` };
}

export function noindexMetaSentence(meta: { name: string; content: string }): Sentence {
  const tag = metaTag(meta);
  return { fr: `la page contient ${tag}`, en: `the page has ${tag}` };
}

export function robotsTxtSentence(robotsUrl: string, pageUrl: string, lineNumber: number | null, line: string | null): Sentence {
  const path = pathOf(pageUrl);
  const where =
    lineNumber && line
      ? { fr: ` (ligne ${lineNumber} : « ${line} »)`, en: ` (line ${lineNumber}: "${line}")` }
      : { fr: '', en: '' };
  return {
    fr: `${robotsUrl} interdit ${path} à Googlebot${where.fr}`,
    en: `${robotsUrl} disallows ${path} to Googlebot${where.en}`,
  };
}

export function canonicalSentence(canonical: string, finalUrl: string, from: 'tag' | 'header'): Sentence {
  return from === 'tag'
    ? {
        fr: `la page déclare ${canonical} comme URL canonique (balise <link rel="canonical">), et non ${finalUrl}`,
        en: `the page declares ${canonical} as its canonical URL (<link rel="canonical"> tag), not ${finalUrl}`,
      }
    : {
        fr: `la page déclare ${canonical} comme URL canonique (en-tête HTTP « Link »), et non ${finalUrl}`,
        en: `the page declares ${canonical} as its canonical URL (HTTP Link header), not ${finalUrl}`,
      };
}

export function pageNofollowSentence(found: { meta: { name: string; content: string } } | { header: string[] }): Sentence {
  if ('meta' in found) {
    const tag = metaTag(found.meta);
    return {
      fr: `la page contient ${tag}, Google ne suit aucun de ses liens`,
      en: `the page has ${tag}, Google follows none of its links`,
    };
  }
  const shown = found.header.join(' | ');
  return {
    fr: `l'en-tête X-Robots-Tag de la page vaut « ${shown} », Google ne suit aucun de ses liens`,
    en: `the X-Robots-Tag header of the page says "${shown}", Google follows none of its links`,
  };
}

// The link ------------------------------------------------------------------------------

export type NearMissKind =
  { kind: 'extra_query'; params: string[] } | { kind: 'other_query' } | { kind: 'other_page' } | { kind: 'other_site' };

export function linkMissingSentence(
  targetUrl: string,
  linkCount: number,
  nearest: { href: string; anchor: string; inComment: boolean; why: NearMissKind } | null,
  hasPasswordInput: boolean,
): Sentence {
  if (nearest) {
    const why = nearMissWhy(nearest.why, nearest.href);
    const where = inComments(nearest.inComment);
    const anchor = nearest.anchor ? { fr: ` « ${nearest.anchor} »`, en: ` "${nearest.anchor}"` } : { fr: '', en: '' };
    return {
      fr: `la page a un lien${anchor.fr} vers ${nearest.href} (${why.fr}) au lieu de ${targetUrl}${where.fr}`,
      en: `the page has a link${anchor.en} to ${nearest.href} (${why.en}) instead of ${targetUrl}${where.en}`,
    };
  }
  const password = hasPasswordInput
    ? { fr: ', et elle affiche un formulaire de mot de passe', en: ', and it shows a password form' }
    : { fr: '', en: '' };
  if (linkCount === 0)
    return { fr: `la page ne contient aucun lien${password.fr}`, en: `the page has no link at all${password.en}` };
  return {
    fr: `aucun des ${linkCount} liens de la page ne pointe vers ${targetUrl}${password.fr}`,
    en: `none of the ${linkCount} links of the page points to ${targetUrl}${password.en}`,
  };
}

export function anchorMismatchSentence(
  targetUrl: string,
  found: { anchor: string; inComment: boolean }[],
  ordered: string,
): Sentence {
  const shown = found.slice(0, 3);
  const more =
    found.length > 3 ? { fr: ` et ${found.length - 3} autres`, en: ` and ${found.length - 3} more` } : { fr: '', en: '' };
  const where = inComments(shown.every((link) => link.inComment));
  if (shown.length === 1) {
    return {
      fr: `le lien vers ${targetUrl} a pour ancre « ${shown[0].anchor} » au lieu de « ${ordered} »${where.fr}`,
      en: `the link to ${targetUrl} reads "${shown[0].anchor}" instead of "${ordered}"${where.en}`,
    };
  }
  return {
    fr: `les liens vers ${targetUrl} ont pour ancres ${shown.map((l) => `« ${l.anchor} »`).join(', ')}${more.fr} au lieu de « ${ordered} »${where.fr}`,
    en: `the links to ${targetUrl} read ${shown.map((l) => `"${l.anchor}"`).join(', ')}${more.en} instead of "${ordered}"${where.en}`,
  };
}

export function relSentence(targetUrl: string, link: { anchor: string; rel: string[]; inComment: boolean }): Sentence {
  const where = inComments(link.inComment);
  const rel = link.rel.join(' ');
  return {
    fr: `le lien « ${link.anchor} » vers ${targetUrl} porte rel="${rel}"${where.fr}`,
    en: `the link "${link.anchor}" to ${targetUrl} has rel="${rel}"${where.en}`,
  };
}

function nearMissWhy(why: NearMissKind, href: string): Sentence {
  switch (why.kind) {
    case 'extra_query':
      return {
        fr: `la cible avec des paramètres en plus : ${why.params.join(', ')}`,
        en: `the target with extra parameters: ${why.params.join(', ')}`,
      };
    case 'other_query':
      return { fr: "la cible avec d'autres paramètres", en: 'the target with other parameters' };
    case 'other_page': {
      const host = hostOf(href).replace(/^www\./, '');
      return { fr: `une autre page de ${host}`, en: `another page of ${host}` };
    }
    case 'other_site':
      return { fr: "un autre site, avec l'ancre commandée", en: 'another site, with the anchor ordered' };
  }
}

function inComments(inComment: boolean): Sentence {
  return inComment ? { fr: ', dans les commentaires', en: ', in the comments' } : { fr: '', en: '' };
}

function metaTag(meta: { name: string; content: string }): string {
  return `<meta name="${meta.name}" content="${meta.content}">`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

function duration(ms: number, lang: 'fr' | 'en'): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 100) / 10;
  return lang === 'fr' ? `${String(seconds).replace('.', ',')} s` : `${seconds} s`;
}
