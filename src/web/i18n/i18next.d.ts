import 'i18next';
import type fr from './fr/common';
import type frMarketplace from './fr/marketplace';
import type frCredits from './fr/credits';
import type frNotifications from './fr/notifications';
import type frClaims from './fr/claims';
import type frPayouts from './fr/payouts';
import type frActivity from './fr/activity';
import type frProjects from './fr/projects';
import type frCatalog from './fr/catalog';
import type frTeam from './fr/team';
import type frReports from './fr/reports';
import type frDashboard from './fr/dashboard';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof fr & typeof frMarketplace & { credits: typeof frCredits; notifications: typeof frNotifications; claims: typeof frClaims; payouts: typeof frPayouts; activity: typeof frActivity; projects: typeof frProjects; catalogList: typeof frCatalog; team: typeof frTeam; reports: typeof frReports; cockpit: typeof frDashboard } };
  }
}
