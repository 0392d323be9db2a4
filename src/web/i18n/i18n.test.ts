import { afterAll, describe, expect, it } from 'vitest';
import i18n from './index';
import { formatDate, formatDay, formatEuros, formatNumber } from '../components/format';

// The web's i18next set-up, run in Node: the elision formatters through interpolation, and the
// formats that follow the interface's language.
describe('web i18n', () => {
  afterAll(() => i18n.changeLanguage('fr'));

  it('elides names through the de and que formatters', async () => {
    await i18n.changeLanguage('fr');
    expect(i18n.t('credits.wallet.titleOf', { name: 'Agence Lumière' })).toBe('Portefeuille d’Agence Lumière');
    expect(i18n.t('credits.wallet.titleOf', { name: 'Boulangerie Dupain' })).toBe('Portefeuille de Boulangerie Dupain');
    expect(i18n.t('acting.banner', { account: 'Atelier Bois', person: 'Agence Lumière' })).toBe(
      'Vous agissez en tant qu’Atelier Bois — connecté en tant qu’Agence Lumière',
    );
    expect(i18n.t('agency.deactivated', { name: 'Sophie Leroy' })).toBe('Compte de Sophie Leroy désactivé.');
    expect(i18n.t('agency.roleChanged', { name: 'Sophie Leroy', role: i18n.t('rolesInText.manager') })).toBe(
      'Sophie Leroy a maintenant le rôle manager.',
    );
    await i18n.changeLanguage('en');
    expect(i18n.t('credits.wallet.titleOf', { name: 'Agence Lumière' })).not.toContain('d’');
  });

  it('prints « 1er » in French and amounts, volumes in the language of the interface', async () => {
    await i18n.changeLanguage('fr');
    expect(formatDate('2026-12-01T12:00:00Z')).toBe('1er décembre 2026');
    expect(formatDate('2026-12-02T12:00:00Z')).toBe('2 décembre 2026');
    expect(formatDay('2026-11-01T12:00:00Z')).toBe('1er nov. 2026');
    expect(formatEuros(123456).replace(/\s/g, ' ')).toBe('1 234,56 €');
    expect(formatNumber(96350).replace(/\s/g, ' ')).toBe('96 350');
    await i18n.changeLanguage('en');
    expect(formatDate('2026-12-01T12:00:00Z')).toBe('1 December 2026');
    expect(formatEuros(123456)).toBe('€1,234.56');
    expect(formatNumber(96350)).toBe('96,350');
  });
});
