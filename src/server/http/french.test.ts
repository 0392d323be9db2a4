import { describe, expect, it } from 'vitest';
import { de, elide, frenchDate, que, startsWithVowelSound } from './french.js';
import * as web from '../../web/i18n/french.js';

describe('French elision', () => {
  it('elides de and que before a vowel, accented or not', () => {
    expect(de('Marie')).toBe('de Marie');
    expect(de('Agence Lumière')).toBe('d’Agence Lumière');
    expect(de('Atelier Bois')).toBe('d’Atelier Bois');
    expect(de('Élodie')).toBe('d’Élodie');
    expect(de('œuvre')).toBe('d’œuvre');
    expect(de('EDF')).toBe('d’EDF');
    expect(que('Agence')).toBe('qu’Agence');
    expect(que('Sophie Leroy')).toBe('que Sophie Leroy');
    expect(elide('le', 'Atelier')).toBe('l’Atelier');
    expect(elide('la', 'Boulangerie')).toBe('la Boulangerie');
  });

  it('treats h as aspirated except a few mute-h words, and y as a vowel only before a consonant', () => {
    expect(de('Hachette')).toBe('de Hachette');
    expect(de('Hervé Martin')).toBe('de Hervé Martin');
    expect(de('Hélène')).toBe('d’Hélène');
    expect(de('Hôtel du Port')).toBe('d’Hôtel du Port');
    expect(de('Yves')).toBe('d’Yves');
    expect(de('Yoga Studio')).toBe('de Yoga Studio');
  });

  it('keeps the full word before digits, quotes and empty names', () => {
    expect(de('3 Suisses')).toBe('de 3 Suisses');
    expect(de('« Agence »')).toBe('de « Agence »');
    expect(de('')).toBe('de ');
    expect(startsWithVowelSound('  Agence')).toBe(true);
  });

  it('is the same rule on the web side', () => {
    for (const name of ['Marie', 'Agence', 'Élodie', 'Hachette', 'Hélène', 'Yves', 'Yoga', '3 Suisses', 'Œuvre']) {
      expect(web.de(name)).toBe(de(name));
      expect(web.que(name)).toBe(que(name));
    }
  });
});

describe('French dates', () => {
  const long = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
  it('prints 1er for the first of the month only', () => {
    expect(frenchDate(long, new Date('2026-12-01T12:00:00Z'))).toBe('1er décembre 2026');
    expect(frenchDate(long, new Date('2026-12-11T12:00:00Z'))).toBe('11 décembre 2026');
    expect(frenchDate(long, new Date('2026-12-21T12:00:00Z'))).toBe('21 décembre 2026');
    const withTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    expect(frenchDate(withTime, new Date('2026-12-01T14:30:00Z'))).toBe('1er décembre 2026 à 14:30');
    const medium = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'UTC' });
    expect(web.frenchDate(medium, new Date('2026-11-01T12:00:00Z'))).toBe('1er nov. 2026');
  });
});
