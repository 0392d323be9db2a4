import { Alert, Anchor, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { keys, useSession } from '../api/queries';
import { formatDate, formatDateTime, formatEuros } from '../components/format';
import { maySell, useShowsPublisherSpace } from '../components/market';
import { RoleBadge } from '../components/RoleBadge';
import { isAgencyMember, isStandaloneCustomer } from '../components/Shell';
import { messageOf } from '../components/serverErrors';
import { hasBudget } from './credits/shared';
import { payoutKeys, payouts } from '../api/payouts';
import { Cockpit } from './dashboard/Cockpit';

function Figure({ label, cents, testId, strong }: { label: string; cents: number; testId: string; strong?: boolean }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={strong ? 28 : 22} fw={700} data-testid={testId}>
        {formatEuros(cents)}
      </Text>
    </Card>
  );
}

/** "Tableau de bord": the account in use, its details and its wallet. */
export function Dashboard() {
  const { t } = useTranslation();
  const me = useSession();
  const account = useQuery({ queryKey: keys.account(me.account.id), queryFn: () => endpoints.account(me.account.id) });
  const member = isAgencyMember(me.account);
  const agency = useQuery({ queryKey: keys.agency, queryFn: endpoints.agency, enabled: member });
  const publisher = me.account.role === 'publisher';
  const earnings = useQuery({ queryKey: payoutKeys.summary, queryFn: payouts.summary, enabled: publisher });
  // An agency or a standalone client may sell too: without a site, no menu entry, this link instead.
  const showsPublisherSpace = useShowsPublisherSpace(me.account);

  if (account.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (account.error) return <Alert color="red">{messageOf(account.error)}</Alert>;
  const a = account.data;
  const company = a.company;

  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Text c="dimmed" size="sm">
            {t('dashboard.hello')}
          </Text>
          <Title order={1} fz={28} data-testid="dashboard-name">
            {a.name}
          </Title>
        </div>
        <RoleBadge role={a.role} size="lg" />
      </Group>

      {/* First what the role acts on (issue 12); the account's balances and details below. */}
      <Cockpit />

      {publisher ? (
        earnings.data && (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: earnings.data.debtCents > 0 ? 4 : 3 }}>
              <Figure label={t('payouts.figures.pending')} cents={earnings.data.pendingCents} testId="earnings-pending" />
              <Figure label={t('payouts.figures.payable')} cents={earnings.data.payableCents} testId="earnings-payable" strong />
              <Figure label={t('payouts.figures.paid')} cents={earnings.data.paidCents} testId="earnings-paid" />
              {earnings.data.debtCents > 0 && <Figure label={t('payouts.figures.debt')} cents={earnings.data.debtCents} testId="earnings-debt" />}
            </SimpleGrid>
            <Group>
              <Button component={Link} to="/editeur/paiements" variant="light" data-testid="dashboard-payouts">
                {t('payouts.dashboard.open')}
              </Button>
            </Group>
          </Stack>
        )
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Figure label={t('wallet.available')} cents={a.wallet.availableCents} testId="wallet-available" strong />
          <Figure label={t('wallet.posted')} cents={a.wallet.postedCents} testId="wallet-posted" />
          <Figure label={t('wallet.pending')} cents={a.wallet.pendingCents} testId="wallet-pending" />
        </SimpleGrid>
      )}
      {hasBudget(a) && (
        <Group gap="sm" mt={-8}>
          <Button component={Link} to={`/portefeuille/${a.id}`} variant="light" data-testid="dashboard-wallet">
            {t('credits.dashboard.openWallet')}
          </Button>
          <Button component={Link} to={`/recharger?compte=${a.id}`} variant="default" data-testid="dashboard-top-up">
            {t('credits.dashboard.topUp')}
          </Button>
        </Group>
      )}

      {isStandaloneCustomer(me.account) && (
        <Card withBorder radius="md" padding="lg" data-testid="agency-mode-card">
          <Group justify="space-between" wrap="wrap">
            <div style={{ flex: 1, minWidth: 260 }}>
              <Title order={4}>{t('agencyRequest.cardTitle')}</Title>
              <Text size="sm" c="dimmed">
                {t('agencyRequest.cardText')}
              </Text>
            </div>
            <Button component={Link} to="/mode-agence" variant="light">
              {t('agencyRequest.cardAction')}
            </Button>
          </Group>
        </Card>
      )}

      {member && agency.data && (
        <Card withBorder radius="md" padding="lg">
          <Group justify="space-between" mb="sm">
            <Title order={4}>{agency.data.name}</Title>
            <Anchor component={Link} to="/agence" size="sm">
              {t('dashboard.openAgency')}
            </Anchor>
          </Group>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <div>
              <Text size="sm" c="dimmed">
                {t('agency.mode')}
              </Text>
              <Text fw={600}>{t(`modes.${agency.data.mode}.label`)}</Text>
            </div>
            <div>
              <Text size="sm" c="dimmed">
                {t('roles.plural.manager')}
              </Text>
              <Text fw={600}>{agency.data.counts.managers}</Text>
            </div>
            <div>
              <Text size="sm" c="dimmed">
                {t('roles.plural.consultant')}
              </Text>
              <Text fw={600}>{agency.data.counts.consultants}</Text>
            </div>
            <div>
              <Text size="sm" c="dimmed">
                {t('roles.plural.client')}
              </Text>
              <Text fw={600}>{agency.data.counts.clients}</Text>
            </div>
          </SimpleGrid>
        </Card>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder radius="md" padding="lg">
          <Title order={4} mb="sm">
            {t('dashboard.details')}
          </Title>
          <Table variant="vertical" layout="fixed" withTableBorder={false} data-testid="account-details">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={{ base: 130, sm: 200 }}>{t('fields.name')}</Table.Th>
                <Table.Td>{a.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('fields.email')}</Table.Th>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.email ?? t('dashboard.noEmail')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('fields.role')}</Table.Th>
                <Table.Td>{t(`roles.${a.role}`)}</Table.Td>
              </Table.Tr>
              {a.parentName && (
                <Table.Tr>
                  <Table.Th>{t('fields.parent')}</Table.Th>
                  <Table.Td>{a.parentName}</Table.Td>
                </Table.Tr>
              )}
              {a.agencyMode && (
                <Table.Tr>
                  <Table.Th>{t('agency.mode')}</Table.Th>
                  <Table.Td>{t(`modes.${a.agencyMode}.label`)}</Table.Td>
                </Table.Tr>
              )}
              <Table.Tr>
                <Table.Th>{t('dashboard.createdAt')}</Table.Th>
                <Table.Td>{formatDate(a.createdAt)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('dashboard.lastSignIn')}</Table.Th>
                <Table.Td>{a.hasLogin ? formatDateTime(a.lastSignInAt) : t('dashboard.noLogin')}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder radius="md" padding="lg">
          <Group justify="space-between" mb="sm">
            <Title order={4}>{t('company.title')}</Title>
            <Anchor component={Link} to="/mon-compte" size="sm">
              {t('common.edit')}
            </Anchor>
          </Group>
          {company ? (
            <Stack gap={2}>
              <Text fw={600}>{company.legalName}</Text>
              <Text size="sm">{company.address}</Text>
              <Text size="sm">
                {company.postalCode} {company.city} ({company.country})
              </Text>
              {company.siret && (
                <Text size="sm" c="dimmed">
                  {t('common.labelValue', { label: t('company.siret'), value: company.siret })}
                </Text>
              )}
              {company.vatNumber && (
                <Text size="sm" c="dimmed">
                  {t('common.labelValue', { label: t('company.vatNumber'), value: company.vatNumber })}
                </Text>
              )}
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              {t('company.none')}
            </Text>
          )}
        </Card>
      </SimpleGrid>
      {maySell(me.account) && showsPublisherSpace === false && (
        <Text size="sm">
          <Anchor component={Link} to="/editeur" data-testid="dashboard-sell-links">
            {t('marketNav.sellLinks')}
          </Anchor>
        </Text>
      )}
    </Stack>
  );
}
