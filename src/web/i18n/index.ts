import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import fr from './fr/common';
import en from './en/common';
import frMarketplace from './fr/marketplace';
import enMarketplace from './en/marketplace';
import frCredits from './fr/credits';
import enCredits from './en/credits';
import frNotifications from './fr/notifications';
import enNotifications from './en/notifications';
import frClaims from './fr/claims';
import enClaims from './en/claims';
import frPayouts from './fr/payouts';
import enPayouts from './en/payouts';
import frActivity from './fr/activity';
import enActivity from './en/activity';
import frProjects from './fr/projects';
import enProjects from './en/projects';
import frCatalog from './fr/catalog';
import enCatalog from './en/catalog';
import frTeam from './fr/team';
import enTeam from './en/team';
import frReports from './fr/reports';
import enReports from './en/reports';
import frDashboard from './fr/dashboard';
import enDashboard from './en/dashboard';
import { de, que } from './french';

export const languages = ['fr', 'en'] as const;
export type Language = (typeof languages)[number];
const STORAGE_KEY = 'maillon.lang';

function storedLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'fr' || stored === 'en') return stored;
  } catch {
    // storage unavailable (private mode): French, the default
  }
  return 'fr';
}

void i18n.use(initReactI18next).init({
  resources: {
    fr: { translation: { ...fr, ...frMarketplace, credits: frCredits, notifications: frNotifications, claims: frClaims, payouts: frPayouts, activity: frActivity, projects: frProjects, catalogList: frCatalog, team: frTeam, reports: frReports, cockpit: frDashboard } },
    en: { translation: { ...en, ...enMarketplace, credits: enCredits, notifications: enNotifications, claims: enClaims, payouts: enPayouts, activity: enActivity, projects: enProjects, catalogList: enCatalog, team: enTeam, reports: enReports, cockpit: enDashboard } },
  },
  lng: storedLanguage(),
  fallbackLng: 'fr',
  interpolation: { escapeValue: false },
  returnNull: false,
});

// French elision through interpolation: '{{name, de}}' prints « de Marie » or « d’Agence Lumière »,
// '{{name, que}}' « que Marie » or « qu’Agence » (rule in ./french.ts). Only French texts use them.
i18n.services.formatter?.add('de', (value: unknown) => de(String(value ?? '')));
i18n.services.formatter?.add('que', (value: unknown) => que(String(value ?? '')));

if (typeof document !== 'undefined') document.documentElement.lang = i18n.language;

export function currentLanguage(): Language {
  return i18n.language?.startsWith('en') ? 'en' : 'fr';
}

/** Switches the interface language and remembers it in this browser. */
export async function setLanguage(language: Language) {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still switched
  }
  await i18n.changeLanguage(language);
  document.documentElement.lang = language;
}

export default i18n;
