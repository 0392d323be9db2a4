import { describe, expect, it } from 'vitest';
import { decideVat, isValidEuVatFormat, vatCents } from './vat.js';

describe('VAT decision', () => {
  it('charges 20 % to a French buyer, with or without a VAT number', () => {
    expect(decideVat('FR', 'FR40812345678')).toMatchObject({ regime: 'fr', rateBp: 2000 });
    expect(decideVat('fr', null)).toMatchObject({ regime: 'fr', rateBp: 2000 });
  });

  it('reverse-charges an EU business with a VAT number of valid format, with the mention', () => {
    const d = decideVat('BE', 'BE0123456789');
    expect(d).toMatchObject({ regime: 'reverse_charge', rateBp: 0 });
    expect(d.mention).toContain('Autoliquidation');
    expect(decideVat('DE', 'DE123456789').regime).toBe('reverse_charge');
    expect(decideVat('GR', 'EL123456789').regime).toBe('reverse_charge');
  });

  it('charges French VAT to an EU buyer whose VAT number is missing or malformed', () => {
    expect(decideVat('BE', null)).toMatchObject({ regime: 'eu_consumer', rateBp: 2000 });
    expect(decideVat('BE', 'BE12')).toMatchObject({ regime: 'eu_consumer', rateBp: 2000 });
    expect(decideVat('DE', 'FR40812345678').regime).toBe('eu_consumer');
  });

  it('charges no VAT outside the EU, with the mention', () => {
    const d = decideVat('CH', 'CHE123456789');
    expect(d).toMatchObject({ regime: 'outside_eu', rateBp: 0 });
    expect(d.mention).toContain('259-1');
    expect(decideVat('US', null).regime).toBe('outside_eu');
  });

  it('checks VAT formats per country', () => {
    expect(isValidEuVatFormat('FR', 'FR 40 812345678')).toBe(true);
    expect(isValidEuVatFormat('FR', 'FR4081234567')).toBe(false);
    expect(isValidEuVatFormat('NL', 'NL123456789B01')).toBe(true);
    expect(isValidEuVatFormat('AT', 'ATU12345678')).toBe(true);
    expect(isValidEuVatFormat('AT', 'AT12345678')).toBe(false);
  });

  it('rounds VAT half up to the cent', () => {
    expect(vatCents(50_000, 2000)).toBe(10_000);
    expect(vatCents(1_03, 2000)).toBe(21);
    expect(vatCents(1_02, 2000)).toBe(20);
    expect(vatCents(12_345, 0)).toBe(0);
  });
});
