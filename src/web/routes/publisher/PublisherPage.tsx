import { useState } from 'react';
import { Alert, Anchor, Button, Card, Group, Modal, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { queryClient, useSession } from '../../api/queries';
import { marketKeys, marketplace, type SiteKind, type SiteLanguage, type Theme } from '../../api/marketplace';
import { formatDateTime } from '../../components/format';
import { kindLabel, languageLabel, numeric, SiteStatusBadge, themeLabel, useKindOptions, useLanguageOptions, useThemeOptions } from '../../components/market';
import { applyServerError, notifySuccess } from '../../components/serverErrors';
import { ReceivedOrders } from './ReceivedOrders';
import { ClaimsList } from '../claims/ClaimsList';
import { GuaranteeSelect } from './GuaranteeSelect';
import { guaranteeFromValue, useGuaranteeOptions } from '../../components/claims';
import { MoreButton } from '../../components/MoreButton';
import { QueryStatus } from '../../components/QueryStatus';
import { PayoutsTab } from '../payouts/PayoutsTab';
import { ProfileTab } from '../payouts/ProfileTab';

const TABS = [
  { value: 'sites', path: '/editeur' },
  { value: 'orders', path: '/editeur/commandes' },
  { value: 'claims', path: '/editeur/reclamations' },
  { value: 'payouts', path: '/editeur/paiements' },
  { value: 'profile', path: '/editeur/profil' },
] as const;

/**
 * "/editeur" (tab "Sites"), "/editeur/commandes" (tab "Commandes reçues"), "/editeur/reclamations"
 * (tab "Réclamations"), and for publisher accounts "/editeur/paiements" (earnings and transfers)
 * and "/editeur/profil" (billing profile, proofs, self-billing mandate).
 */
export function PublisherPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const { account } = useSession();
  // Payouts are a publisher account's (the API answers 403 to the other sellers).
  const paid = account.role === 'publisher';
  const found = TABS.find((x) => x.path !== '/editeur' && location.pathname.startsWith(x.path))?.value ?? 'sites';
  if (!paid && (found === 'payouts' || found === 'profile')) return <Navigate to="/editeur" replace />;
  return (
    <Stack gap="lg" maw={1300}>
      <Title order={1} fz={28}>
        {t('publisher.title')}
      </Title>
      <Tabs value={found} onChange={(v) => navigate(TABS.find((x) => x.value === v)?.path ?? '/editeur')} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="sites" data-testid="tab-sites">
            {t('publisher.tabSites')}
          </Tabs.Tab>
          <Tabs.Tab value="orders" data-testid="tab-received-orders">
            {t('publisher.tabOrders')}
          </Tabs.Tab>
          <Tabs.Tab value="claims" data-testid="tab-publisher-claims">
            {t('claims.publisher.tabClaims')}
          </Tabs.Tab>
          {paid && (
            <Tabs.Tab value="payouts" data-testid="tab-payouts">
              {t('payouts.tabs.payouts')}
            </Tabs.Tab>
          )}
          {paid && (
            <Tabs.Tab value="profile" data-testid="tab-billing-profile">
              {t('payouts.tabs.profile')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="sites">
          <SitesTab />
        </Tabs.Panel>
        <Tabs.Panel value="orders">
          <ReceivedOrders />
        </Tabs.Panel>
        <Tabs.Panel value="claims">
          <ClaimsList side="publisher" />
        </Tabs.Panel>
        {paid && (
          <Tabs.Panel value="payouts">
            <PayoutsTab />
          </Tabs.Panel>
        )}
        {paid && (
          <Tabs.Panel value="profile">
            <ProfileTab />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

function SitesTab() {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const sites = useInfiniteQuery({
    queryKey: marketKeys.ownSites,
    queryFn: ({ pageParam }) => marketplace.ownSites(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = sites.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>
          {t('publisher.sitesHelp')}
        </Text>
        <Button onClick={() => setAdding(true)} data-testid="add-site">
          {t('publisher.addSite')}
        </Button>
      </Group>
      {sites.isPending || sites.error ? (
        <QueryStatus query={sites} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="sites-empty">
          {t('publisher.noSites')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={1040}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="sites-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('publisher.domain')}</Table.Th>
                <Table.Th>{t('catalog.theme')}</Table.Th>
                <Table.Th>{t('catalog.kind')}</Table.Th>
                <Table.Th>{t('catalog.language')}</Table.Th>
                <Table.Th ta="right">{t('publisher.articles')}</Table.Th>
                <Table.Th ta="right">{t('publisher.keywords')}</Table.Th>
                <Table.Th>{t('claims.guarantee.label')}</Table.Th>
                <Table.Th>{t('orders.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.id} data-testid="site-row" data-domain={s.domain}>
                  <Table.Td>
                    <Anchor component={Link} to={`/editeur/sites/${s.id}`} fw={600} size="sm">
                      {s.domain}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(s.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{themeLabel(t, s.theme)}</Table.Td>
                  <Table.Td>{kindLabel(t, s.siteKind)}</Table.Td>
                  <Table.Td>{languageLabel(t, s.language)}</Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {s.articleCount}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {s.keywordCount}
                  </Table.Td>
                  <Table.Td>
                    <GuaranteeSelect siteId={s.id} months={s.guaranteeMonths} defaultMonths={s.effectiveGuaranteeMonths} size="xs" w={170} aria-label={t('claims.guarantee.label')} />
                  </Table.Td>
                  <Table.Td maw={280}>
                    <SiteStatusBadge status={s.status} />
                    {s.status === 'refused' && s.reviewReason && (
                      <Text size="xs" c="red.8" mt={4} data-testid="site-refusal">
                        {t('publisher.reason', { reason: s.reviewReason })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button component={Link} to={`/editeur/sites/${s.id}`} size="compact-sm" variant="default" data-testid="open-site">
                      {t('publisher.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={sites} testId="sites-more" />
      <Modal opened={adding} onClose={() => setAdding(false)} title={t('publisher.addSite')} centered>
        <NewSiteForm onClose={() => setAdding(false)} />
      </Modal>
    </Card>
  );
}

function NewSiteForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const themeOptions = useThemeOptions();
  const kindOptions = useKindOptions();
  const languageOptions = useLanguageOptions();
  const guaranteeOptions = useGuaranteeOptions();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { domain: '', theme: '', siteKind: 'thematic', language: 'fr', guarantee: 'default' },
    validate: {
      domain: (v) => (v.trim() ? null : t('validation.required')),
      theme: (v) => (v ? null : t('validation.required')),
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      marketplace.createSite({
        domain: v.domain.trim(),
        theme: v.theme as Theme,
        siteKind: v.siteKind as SiteKind,
        language: v.language as SiteLanguage,
        guaranteeMonths: guaranteeFromValue(v.guarantee) ?? undefined,
      }),
    onSuccess: async (site) => {
      notifySuccess(t('publisher.siteCreated', { domain: site.domain }));
      await queryClient.invalidateQueries({ queryKey: marketKeys.ownSites });
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form, { guaranteeMonths: 'guarantee' })),
  });
  return (
    <form
      noValidate
      data-testid="new-site-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        create.mutate(v);
      })}
    >
      <Stack>
        <TextInput
          label={t('publisher.domain')}
          description={t('publisher.domainHelp')}
          required
          data-autofocus
          data-testid="site-domain"
          {...form.getInputProps('domain')}
        />
        <Select label={t('catalog.theme')} data={themeOptions} searchable required data-testid="site-theme" {...form.getInputProps('theme')} />
        <Select label={t('catalog.kind')} data={kindOptions} allowDeselect={false} required data-testid="site-kind" {...form.getInputProps('siteKind')} />
        <Select
          label={t('catalog.language')}
          data={languageOptions}
          allowDeselect={false}
          required
          data-testid="site-language"
          {...form.getInputProps('language')}
        />
        <Select
          label={t('claims.guarantee.label')}
          description={t('claims.guarantee.help')}
          data={guaranteeOptions}
          allowDeselect={false}
          data-testid="site-guarantee"
          {...form.getInputProps('guarantee')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="site-submit">
            {t('publisher.submitSite')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
