import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import i18n from './index';
import fr from './fr/activity';
import en from './en/activity';
import { auditSentence, sentenceKey } from '../components/auditSentence';
import { AUDIT_CATEGORIES, categoryOf } from '../../server/modules/audit/categories';

/**
 * Every audit action the server writes (`recordAudit(...)`/`recordAuditIf(...)` calls in
 * src/server, tests aside): its string literals shaped like an action key, and the template
 * literals below, expanded to the values their variable takes. A new template fails until listed.
 */
const TEMPLATES: Record<string, string[]> = {
  'agency.request_${decision}': ['agency.request_approve', 'agency.request_reject'],
  'site.${decision}': ['site.approve', 'site.refuse'],
  'payout_document.${input.decision}': ['payout_document.accept', 'payout_document.refuse'],
};

function callAt(s: string, open: number): string {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    if (s[j] === '(') depth++;
    else if (s[j] === ')' && --depth === 0) return s.slice(open, j + 1);
  }
  return '';
}

function writtenActions(): { actions: Set<string>; unknownTemplates: string[] } {
  const actions = new Set<string>();
  const unknownTemplates: string[] = [];
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir)) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) {
        const s = fs.readFileSync(p, 'utf8');
        for (const m of s.matchAll(/recordAudit(?:If)?\(/g)) {
          const call = callAt(s, m.index + m[0].length - 1);
          for (const l of call.matchAll(/'([a-z0-9_]+(?:\.[a-z0-9_]+)+)'/g)) actions.add(l[1]);
          for (const l of call.matchAll(/`([a-z0-9_.]*\$\{[^`]*)`/g)) {
            if (TEMPLATES[l[1]]) TEMPLATES[l[1]].forEach((a) => actions.add(a));
            else unknownTemplates.push(`${p}: ${l[1]}`);
          }
        }
      }
    }
  };
  walk(path.resolve(__dirname, '../../server'));
  return { actions, unknownTemplates };
}

describe('activity log sentences', () => {
  afterAll(() => i18n.changeLanguage('fr'));

  it('has a French and an English sentence for every action the server writes', () => {
    const { actions, unknownTemplates } = writtenActions();
    expect(unknownTemplates).toEqual([]);
    expect(actions.size).toBeGreaterThan(40);
    expect(actions).toContain('order.place');
    const keys = [...actions].map(sentenceKey);
    expect(new Set(keys).size).toBe(actions.size);
    expect(keys.filter((k) => !(k in fr.sentences))).toEqual([]);
    expect(keys.filter((k) => !(k in en.sentences))).toEqual([]);
    expect(Object.keys(en.sentences).sort()).toEqual(Object.keys(fr.sentences).sort());
  });

  it('files every action the server writes under exactly one category of the filters', () => {
    const { actions } = writtenActions();
    expect([...actions].filter((a) => categoryOf(a) === null)).toEqual([]);
    const listed = Object.values(AUDIT_CATEGORIES).flat();
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.filter((a) => !(sentenceKey(a) in fr.sentences))).toEqual([]);
  });

  it('reads an order as a sentence with the amount in the language’s euros', async () => {
    const order = { action: 'order.place', person: { name: 'Léa Petit' }, account: { name: 'Agence Lumière' }, subject: { name: 'Boulangerie Dupain' }, amountCents: 25000 };
    await i18n.changeLanguage('fr');
    expect(auditSentence(order).replace(/\s/g, ' ')).toBe('Léa Petit a commandé un lien pour Boulangerie Dupain — 250,00 €');
    await i18n.changeLanguage('en');
    expect(auditSentence(order)).toBe('Léa Petit ordered a link for Boulangerie Dupain — €250.00');
  });

  it('elides in French, and reads an unknown action as a generic sentence, never its key', async () => {
    await i18n.changeLanguage('fr');
    const line = { person: { name: 'Léa Petit' }, account: { name: 'Agence Lumière' }, subject: { name: 'Atelier Bois' }, amountCents: null };
    expect(auditSentence({ ...line, action: 'account.deactivate' })).toBe('Léa Petit a désactivé le compte d’Atelier Bois');
    expect(auditSentence({ ...line, action: 'credits.allocate', amountCents: 5000 }).replace(/\s/g, ' ')).toBe(
      'Léa Petit a attribué des crédits à Atelier Bois — 50,00 €',
    );
    const future = auditSentence({ ...line, action: 'robot.future_thing' });
    expect(future).not.toContain('robot.future_thing');
    expect(future.replace(/\s/g, ' ')).toBe('Léa Petit a fait une action « robot future thing » pour Agence Lumière');
    await i18n.changeLanguage('en');
    expect(auditSentence({ ...line, action: 'robot.future_thing' })).toBe('Léa Petit did “robot future thing” for Agence Lumière');
  });
});
