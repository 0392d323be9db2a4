import { describe, expect, it } from 'vitest';
import { isUrlOnDomain, normalizeDomain, normalizeKeyword, toPrefixQuery } from './domain.js';

describe('domains', () => {
  it('normalizes what people paste', () => {
    expect(normalizeDomain('https://www.Exemple.fr/blog/article?x=1', false)).toBe('exemple.fr');
    expect(normalizeDomain('exemple.fr', false)).toBe('exemple.fr');
    expect(normalizeDomain('  WWW.exemple.co.uk.  ', false)).toBe('exemple.co.uk');
    expect(normalizeDomain('café-paris.fr', false)).toBe('xn--caf-paris-d4a.fr');
  });

  it('refuses what is not a public domain', () => {
    for (const bad of ['', 'localhost', 'exemple', 'ftp://exemple.fr', 'http://exemple.fr:8080', '127.0.0.1', 'ex ample.fr', '-x.fr']) {
      expect(normalizeDomain(bad, false)).toBeNull();
    }
  });

  it('accepts localhost with a port only when private addresses are allowed', () => {
    expect(normalizeDomain('http://127.0.0.1:4321/page', true)).toBe('127.0.0.1:4321');
    expect(normalizeDomain('localhost:4321', true)).toBe('localhost:4321');
    expect(normalizeDomain('localhost:4321', false)).toBeNull();
  });

  it('tells whether a URL is on a domain or a subdomain', () => {
    expect(isUrlOnDomain('https://exemple.fr/a', 'exemple.fr')).toBe(true);
    expect(isUrlOnDomain('https://www.exemple.fr/a', 'exemple.fr')).toBe(true);
    expect(isUrlOnDomain('https://blog.exemple.fr/a', 'exemple.fr')).toBe(true);
    expect(isUrlOnDomain('https://exemple.fr.evil.com/a', 'exemple.fr')).toBe(false);
    expect(isUrlOnDomain('https://autre-exemple.fr/a', 'exemple.fr')).toBe(false);
    expect(isUrlOnDomain('javascript:alert(1)', 'exemple.fr')).toBe(false);
    expect(isUrlOnDomain('http://127.0.0.1:4321/x', '127.0.0.1:4321')).toBe(true);
    expect(isUrlOnDomain('http://127.0.0.1:9999/x', '127.0.0.1:4321')).toBe(false);
  });
});

describe('keywords', () => {
  it('compares without accents, case or extra spaces', () => {
    expect(normalizeKeyword('  Crédit   Immobilier ÉTUDIANT ')).toBe('credit immobilier etudiant');
  });

  it('builds a safe prefix query', () => {
    expect(toPrefixQuery('Assurance auto')).toBe('assurance:* & auto:*');
    expect(toPrefixQuery("l'hôtel & spa | !")).toBe('l:* & hotel:* & spa:*');
    expect(toPrefixQuery(' !! ')).toBeNull();
  });
});
