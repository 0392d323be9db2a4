import { Document as SepaDocument } from 'sepa';
import { BUSINESS_TIME_ZONE } from '../../http/dates.js';

/**
 * The SEPA credit-transfer file of a payout batch (ISO 20022 pain.001.001.03, the version French
 * banks accept for uploads), built with the npm package `sepa`: one payment information block
 * debiting the platform's account, one transaction per withdrawal.
 *
 * What the package leaves to us:
 * - amounts: it sums euros as floats; every amount here is integer cents, the control sums are
 *   computed in cents and handed to it exact, and the file is checked against them;
 * - characters: names and remittance texts are transliterated to the SEPA Latin character set
 *   (a–z A–Z 0–9 / - ? : ( ) . , ' + space), "É" → "E", "œ" → "oe", "&" → "+", "–" → "-", …, then cut
 *   to 70 (names) and 140 (remittance) characters; end-to-end ids must already be in that set;
 * - dates: it prints the server's local calendar date and time; both are given as Paris's.
 */

export type SepaParty = { name: string; iban: string; bic: string };

export type SepaTransfer = {
  /** the withdrawal's reference, printed on the publisher's statement: ≤ 35 SEPA characters */
  endToEndId: string;
  creditorName: string;
  iban: string;
  /** may be empty: the creditor's bank is then found from the IBAN */
  bic: string;
  amountCents: number;
  remittance: string;
};

export type SepaCreditTransferInput = {
  /** the batch's reference (MsgId and PmtInfId; each InstrId is `<reference>.<n>`), ≤ 30 SEPA characters */
  reference: string;
  createdAt: Date;
  /** the day the bank is asked to execute the transfers: YYYY-MM-DD, or an instant whose day in Paris is taken */
  executionDate: Date | string;
  debtor: SepaParty;
  transfers: SepaTransfer[];
};

/** The characters EPC's SEPA guidelines allow in every field (the basic Latin set). */
const SEPA_CHARACTERS = /^[A-Za-z0-9/\-?:().,'+ ]*$/;

const SPECIAL: Record<string, string> = {
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  ß: 'ss',
  ẞ: 'SS',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Þ: 'Th',
  þ: 'th',
  ı: 'i',
  '&': '+',
  '’': "'",
  '‘': "'",
  '‚': "'",
  '`': "'",
  '´': "'",
  '«': '',
  '»': '',
  '“': '',
  '”': '',
  '„': '',
  '"': '',
  '–': '-',
  '—': '-',
  '‐': '-',
  '‑': '-',
  '−': '-',
  _: '-',
  '…': '...',
  '€': 'EUR',
  '°': 'o',
  '@': '(a)',
  '#': 'No',
  '*': '.',
  '%': 'pct',
  '=': '-',
  ';': ',',
  '!': '.',
  '[': '(',
  ']': ')',
  '{': '(',
  '}': ')',
  '<': '(',
  '>': ')',
  '\\': '/',
  '|': '/',
  '~': '-',
  '^': '',
  $: 'USD',
};

/**
 * A text in the SEPA Latin character set: accents removed, ligatures and typographic signs spelled
 * out, anything else a space; spaces collapsed; cut to `max` characters.
 */
export function toSepaText(text: string, max: number): string {
  const mapped = [...text.normalize('NFC')]
    .map((ch) => SPECIAL[ch] ?? ch)
    .join('')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
  const clean = [...mapped].map((ch) => (SEPA_CHARACTERS.test(ch) ? ch : ' ')).join('');
  return clean.replace(/\s+/g, ' ').trim().slice(0, max).trim();
}

function assertSepaId(id: string, field: string) {
  if (!id || id.length > 35 || !SEPA_CHARACTERS.test(id) || id.startsWith('/') || id.includes('//') || id.trim() !== id) {
    throw new Error(
      `${field} must be 1 to 35 SEPA characters, neither starting with "/" nor holding "//": ${JSON.stringify(id)}`,
    );
  }
}

const compactAccount = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/** Cents as the file writes them: "1234.56", exact (no floating point on the way). */
export function sepaAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** The calendar day and the time of `at` in Paris. */
function parisParts(at: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: BUSINESS_TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    y: Number(parts.year),
    m: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour),
    mi: Number(parts.minute),
    s: Number(parts.second),
  };
}

/** A Date whose local fields (what the package prints) are these: the package prints local time. */
const localDate = (y: number, m: number, d: number, h = 12, mi = 0, s = 0) => new Date(y, m - 1, d, h, mi, s);

function executionDay(value: Date | string): Date {
  if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) throw new Error(`executionDate must be YYYY-MM-DD: ${value}`);
    return localDate(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  const p = parisParts(value);
  return localDate(p.y, p.m, p.d);
}

/** The pain.001.001.03 XML of a batch of credit transfers. Throws on an empty batch or a field the bank would refuse. */
export function buildSepaCreditTransfer(input: SepaCreditTransferInput): string {
  if (input.transfers.length === 0) throw new Error('a SEPA credit transfer needs at least one transfer');
  assertSepaId(input.reference, 'reference');
  if (input.reference.length > 30)
    throw new Error('reference must be at most 30 characters (its transactions are named <reference>.<n>)');
  const seen = new Set<string>();
  let totalCents = 0;
  for (const t of input.transfers) {
    assertSepaId(t.endToEndId, 'endToEndId');
    if (seen.has(t.endToEndId)) throw new Error(`endToEndId ${t.endToEndId} appears twice`);
    seen.add(t.endToEndId);
    if (!Number.isSafeInteger(t.amountCents) || t.amountCents < 1 || t.amountCents > 999_999_999_99) {
      throw new Error(`amountCents must be whole cents between 1 and 99,999,999,999: ${t.amountCents}`);
    }
    totalCents += t.amountCents;
  }
  if (!Number.isSafeInteger(totalCents)) throw new Error('the batch total is too large');
  const debtorName = toSepaText(input.debtor.name, 70);
  if (!debtorName) throw new Error('the debtor needs a name');

  const doc = new SepaDocument('pain.001.001.03');
  doc.grpHdr.id = input.reference;
  const c = parisParts(input.createdAt);
  doc.grpHdr.created = localDate(c.y, c.m, c.d, c.h, c.mi, c.s);
  doc.grpHdr.initiatorName = debtorName;

  const info = doc.createPaymentInfo();
  info.requestedExecutionDate = executionDay(input.executionDate);
  info.debtorName = debtorName;
  info.debtorIBAN = compactAccount(input.debtor.iban);
  info.debtorBIC = compactAccount(input.debtor.bic);
  info.batchBooking = true;
  doc.addPaymentInfo(info);
  // The package names the block `<MsgId>.0`; it is the batch's reference itself, its transactions `<reference>.<n>`.
  info.id = input.reference;

  for (const t of input.transfers) {
    const name = toSepaText(t.creditorName, 70);
    if (!name) throw new Error(`the creditor of ${t.endToEndId} needs a name`);
    const tx = info.createTransaction();
    tx.end2endId = t.endToEndId;
    tx.creditorName = name;
    tx.creditorIBAN = compactAccount(t.iban);
    tx.creditorBIC = compactAccount(t.bic);
    // cents / 100 is the double nearest to the decimal amount: toFixed(2) prints it exactly.
    tx.amount = t.amountCents / 100;
    tx.remittanceInfo = toSepaText(t.remittance, 140);
    info.addTransaction(tx);
  }

  // The package adds the amounts as floats (0.1 + 0.2 ≠ 0.3): the control sum is given in cents.
  const normalize = info.normalize.bind(info);
  info.normalize = () => {
    normalize();
    info.controlSum = totalCents / 100;
  };
  const xml = doc.toString();

  const expected = sepaAmount(totalCents);
  const sums = [...xml.matchAll(/<CtrlSum>([^<]*)<\/CtrlSum>/g)].map((m) => m[1]);
  if (sums.length !== 2 || sums.some((s) => s !== expected))
    throw new Error(`control sums ${sums.join(', ')} differ from ${expected}`);
  const amounts = [...xml.matchAll(/<InstdAmt Ccy="EUR">([^<]*)<\/InstdAmt>/g)].map((m) => m[1]);
  if (amounts.join() !== input.transfers.map((t) => sepaAmount(t.amountCents)).join())
    throw new Error('an amount of the file differs from its cents');
  return xml;
}
