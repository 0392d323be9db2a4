import { describe, expect, it } from 'vitest';
import { formatEuros, parseFrenchEuros } from './money.js';
import { translate, translateParams } from './messages.js';

describe('translate', () => {
  it('makes a counted message agree with its number, in each language', () => {
    expect(translate('fr', 'plan_invitation_sent', { count: 1 })).toBe(
      '1 personne sans mot de passe recevra une nouvelle invitation.',
    );
    expect(translate('fr', 'plan_invitation_sent', { count: 2 })).toBe(
      '2 personnes sans mot de passe recevront une nouvelle invitation.',
    );
    expect(translate('en', 'plan_invitation_sent', { count: 1 })).toBe(
      '1 person who never chose a password will receive a new invitation.',
    );
    expect(translate('en', 'plan_invitation_sent', { count: 2 })).toBe(
      '2 people who never chose a password will receive a new invitation.',
    );
    expect(translate('fr', 'plan_restorable', { count: 1 })).toBe(
      '1 collaborateur suspendu par un changement de mode peut être restauré.',
    );
    expect(translate('en', 'plan_restorable', { count: 3 })).toBe('3 collaborators suspended by a mode switch can be restored.');
  });

  it('fills plain parameters as before', () => {
    expect(translate('fr', 'parent_must_outrank', { parentRole: 'consultant', role: 'manager' })).toBe(
      'Le parent (consultant) doit avoir un rôle supérieur à manager.',
    );
  });

  it('elides « de » before a name starting with a vowel, in French only', () => {
    expect(translate('fr', 'order_insufficient_funds', { name: 'Agence Lumière', missing: '12,00 €' })).toBe(
      'Crédits insuffisants sur le compte d’Agence Lumière : il manque 12,00 €.',
    );
    expect(translate('fr', 'order_insufficient_funds', { name: 'Boulangerie Dupain', missing: '12,00 €' })).toBe(
      'Crédits insuffisants sur le compte de Boulangerie Dupain : il manque 12,00 €.',
    );
    expect(translate('en', 'order_insufficient_funds', { name: 'Agence Lumière', missing: '€12.00' })).toBe(
      'Not enough credits on the account of Agence Lumière: €12.00 missing.',
    );
    expect(translate('fr', 'company_missing', { name: 'Élodie Roux' })).toContain('facturation d’Élodie Roux');
  });

  it('prints amounts the English way in English', () => {
    const params = translateParams('en', { name: 'Agence Lumière', missing: formatEuros(123456) });
    expect(translate('en', 'order_insufficient_funds', params)).toBe('Not enough credits on the account of Agence Lumière: €1,234.56 missing.');
    expect(translateParams('fr', { missing: formatEuros(123456) }).missing).toBe(formatEuros(123456));
    expect(translateParams('en', { max: formatEuros(-5) }).max).toBe('-€0.05');
    expect(parseFrenchEuros('12 €')).toBeNull();
    expect(parseFrenchEuros(formatEuros(100000000))).toBe(100000000);
  });
});
