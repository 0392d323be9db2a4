import i18n from '../i18n';
import { formatEuros } from './format';

/** The fields of an activity-log line a sentence is built from (GET /api/audit). */
export type SentenceEntry = {
  action: string;
  person: { name: string } | null;
  account: { name: string } | null;
  subject: { name: string } | null;
  amountCents: number | null;
};

/** The translation key of an action's sentence: `order.place` → `activity.sentences.order_place`. */
export function sentenceKey(action: string): string {
  return action.replace(/\./g, '_');
}

/**
 * One line of the activity log as a sentence in the interface's language: « Léa Petit a commandé un
 * lien pour Boulangerie Dupain — 250,00 € ». An action without a sentence (one added later) reads
 * as a generic sentence naming the action in words, never its raw key.
 */
export function auditSentence(entry: SentenceEntry): string {
  const person = entry.person?.name ?? i18n.t('activity.someone');
  const account = entry.account?.name ?? '—';
  const subject = entry.subject?.name ?? account;
  const sentences = i18n.t('activity.sentences', { returnObjects: true }) as Record<string, string>;
  const key = sentenceKey(entry.action);
  const vars = { person, account, subject };
  const sentence =
    sentences && typeof sentences === 'object' && key in sentences
      ? i18n.t(`activity.sentences.${key}` as 'activity.generic', vars)
      : i18n.t('activity.generic', { ...vars, what: entry.action.replace(/[._]+/g, ' ').trim() });
  return entry.amountCents === null ? sentence : i18n.t('activity.withAmount', { sentence, amount: formatEuros(entry.amountCents) });
}
