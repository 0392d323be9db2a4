import { Stack, Tabs, Title } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAgency } from '../../components/hierarchy';
import { ClientsTab } from './ClientsTab';
import { TeamTab } from './TeamTab';
import { QueryStatus } from '../../components/QueryStatus';
import { useSession } from '../../api/queries';
import { BrandingTab, ClientReportsTab } from './ReportsTab';

const TAB_PATHS = { team: '/agence', clients: '/agence/clients', branding: '/agence/marque-blanche', reports: '/agence/rapports' } as const;

/** "/agence" (tab "Agence") and "/agence/clients" (tab "Clients"), scoped by the API to the viewer's subtree. */
export function AgencyPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const agency = useAgency();
  const me = useSession();
  const brands = ['agency', 'manager'].includes(me.account.role);
  const tab = location.pathname.startsWith('/agence/clients')
    ? 'clients'
    : location.pathname.startsWith('/agence/rapports')
      ? 'reports'
      : brands && location.pathname.startsWith('/agence/marque-blanche')
        ? 'branding'
        : 'team';
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1} fz={28}>
        {agency.data?.name ?? t('nav.agency')}
      </Title>
      {agency.isPending || agency.error ? (
        <QueryStatus query={agency} />
      ) : (
        <Tabs value={tab} onChange={(v) => navigate(TAB_PATHS[(v ?? 'team') as keyof typeof TAB_PATHS])} keepMounted={false}>
          <Tabs.List mb="lg">
            <Tabs.Tab value="team" data-testid="tab-team">
              {t('agency.tabTeam')}
            </Tabs.Tab>
            <Tabs.Tab value="clients" data-testid="tab-clients">
              {t('agency.tabClients')}
            </Tabs.Tab>
            <Tabs.Tab value="reports" data-testid="tab-reports">
              {t('reports.tabReports')}
            </Tabs.Tab>
            {brands && (
              <Tabs.Tab value="branding" data-testid="tab-branding">
                {t('reports.tabBranding')}
              </Tabs.Tab>
            )}
          </Tabs.List>
          <Tabs.Panel value="team">
            <TeamTab agency={agency.data} />
          </Tabs.Panel>
          <Tabs.Panel value="clients">
            <ClientsTab agency={agency.data} />
          </Tabs.Panel>
          <Tabs.Panel value="reports">
            <ClientReportsTab />
          </Tabs.Panel>
          {brands && (
            <Tabs.Panel value="branding">
              <BrandingTab />
            </Tabs.Panel>
          )}
        </Tabs>
      )}
    </Stack>
  );
}
