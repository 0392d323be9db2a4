import { Stack, Tabs, Title } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAgency } from '../../components/hierarchy';
import { ClientsTab } from './ClientsTab';
import { TeamTab } from './TeamTab';
import { QueryStatus } from '../../components/QueryStatus';

/** "/agence" (tab "Agence") and "/agence/clients" (tab "Clients"), scoped by the API to the viewer's subtree. */
export function AgencyPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const agency = useAgency();
  const tab = location.pathname.startsWith('/agence/clients') ? 'clients' : 'team';
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1} fz={28}>
        {agency.data?.name ?? t('nav.agency')}
      </Title>
      {agency.isPending || agency.error ? (
        <QueryStatus query={agency} />
      ) : (
        <Tabs value={tab} onChange={(v) => navigate(v === 'clients' ? '/agence/clients' : '/agence')} keepMounted={false}>
          <Tabs.List mb="lg">
            <Tabs.Tab value="team" data-testid="tab-team">
              {t('agency.tabTeam')}
            </Tabs.Tab>
            <Tabs.Tab value="clients" data-testid="tab-clients">
              {t('agency.tabClients')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="team">
            <TeamTab agency={agency.data} />
          </Tabs.Panel>
          <Tabs.Panel value="clients">
            <ClientsTab agency={agency.data} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}
