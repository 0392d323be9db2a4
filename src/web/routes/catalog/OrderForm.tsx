import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Loader,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { allAccounts, endpoints } from '../../api/endpoints';
import { keys, queryClient, useSession } from '../../api/queries';
import { marketKeys, marketplace, type Offer, type OrderBody } from '../../api/marketplace';
import { formatDate, formatEuros, formatNumber } from '../../components/format';
import { kindLabel, languageLabel, newIdempotencyKey, numeric, themeLabel } from '../../components/market';
import { applyServerError, notifySuccess } from '../../components/serverErrors';
import { NewCampaignModal, NewProjectModal } from './ProjectDialogs';
import { QueryStatus } from '../../components/QueryStatus';
import { SearchSelect } from '../../components/SearchSelect';
import { allPages, searchAccounts } from '../../components/pickers';

function OfferFact({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} data-testid={testId} style={numeric}>
        {value}
      </Text>
    </div>
  );
}

function OfferCard({ offer }: { offer: Offer }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg" data-testid="order-offer-card">
      <Text size="sm" c="dimmed">
        {t('orderForm.offer')}
      </Text>
      <Title order={3} mb="sm" data-testid="order-offer-keyword">
        {offer.keyword}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
        <OfferFact label={t('catalog.position')} value={offer.position} />
        <OfferFact label={t('catalog.volume')} value={formatNumber(offer.volume)} />
        <OfferFact label={t('catalog.top10')} value={offer.top10Count} />
        <OfferFact label={t('catalog.theme')} value={themeLabel(t, offer.theme)} />
        <OfferFact label={t('catalog.kind')} value={kindLabel(t, offer.siteKind)} />
        <OfferFact label={t('catalog.language')} value={languageLabel(t, offer.language)} />
      </SimpleGrid>
      <Group justify="space-between" mt="md" pt="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
        <Text size="sm">{t('catalog.price')}</Text>
        <Text fz={22} fw={700} data-testid="order-offer-price">
          {formatEuros(offer.priceCents)}
        </Text>
      </Group>
      <Text size="xs" c="dimmed" mt="sm">
        {t('orderForm.hidden')}
      </Text>
    </Card>
  );
}

/** "/commander/:offerId": order a link on an offer for a client of the caller (or itself, if a client). */
export function OrderFormPage() {
  const { t } = useTranslation();
  const { offerId = '' } = useParams();
  const offer = useQuery({ queryKey: marketKeys.offer(offerId), queryFn: () => marketplace.offer(offerId) });
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Anchor component={Link} to="/catalogue" size="sm">
          ← {t('orderForm.back')}
        </Anchor>
        <Title order={1} fz={28}>
          {t('orderForm.title')}
        </Title>
      </div>
      {offer.isPending || offer.error ? (
        <QueryStatus query={offer} />
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 5 }} order={{ base: 1, md: 2 }}>
            <OfferCard offer={offer.data} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7 }} order={{ base: 2, md: 1 }}>
            <OrderForm offer={offer.data} />
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

function OrderForm({ offer }: { offer: Offer }) {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const isClient = me.account.role === 'client';
  // One key per opening of the form: a double click or a retry after a network error places one order.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string | null>(null);
  const [shortfall, setShortfall] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'project' | 'campaign' | null>(null);

  const form = useForm({
    initialValues: {
      clientId: isClient ? me.account.id : '',
      projectId: '',
      campaignId: '',
      targetUrl: '',
      anchor: '',
      brief: '',
      fundFromAccountId: '',
    },
    validate: {
      clientId: (v) => (v ? null : t('validation.required')),
      projectId: (v) => (v ? null : t('validation.required')),
      targetUrl: (v) => (v.trim() ? null : t('validation.required')),
      anchor: (v) => (v.trim() ? null : t('validation.required')),
    },
  });
  const { clientId, projectId } = form.values;

  // The client picker searches as the user types (an agency may have thousands of clients); the
  // first two tell whether there is only one, which is then chosen for the user.
  const firstClients = useQuery({
    queryKey: ['accounts', 'clients', 'order-form', 'first'],
    queryFn: () => endpoints.accounts({ role: 'client', limit: 2 }),
    enabled: !isClient,
  });
  const youAsClient = useMemo(() => (isClient ? [{ value: me.account.id, label: me.account.name }] : []), [isClient, me.account]);
  // the person in charge, when it is not the caller, tells apart two clients of the same name
  const clientLabel = (c: { name: string; parentId: string | null; parentName: string | null }) =>
    c.parentName && c.parentId !== me.account.id ? `${c.name} — ${c.parentName}` : c.name;
  // A single choice is made for the user (one client, then one project).
  const first = firstClients.data;
  const onlyClient = isClient ? me.account.id : first && first.items.length === 1 && !first.nextCursor ? first.items[0].id : null;
  useEffect(() => {
    if (onlyClient && !form.values.clientId) form.setFieldValue('clientId', onlyClient);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onlyClient]);

  const projects = useQuery({
    queryKey: marketKeys.projects(clientId || null),
    // a client's projects, every page of them
    queryFn: async () => ({ items: await allPages((cursor) => marketplace.projects({ clientId, limit: 500, cursor })) }),
    enabled: Boolean(clientId),
  });
  const project = projects.data?.items.find((p) => p.id === projectId);
  const onlyProject = projects.data?.items.length === 1 ? projects.data.items[0].id : null;
  useEffect(() => {
    if (onlyProject && !form.values.projectId) form.setFieldValue('projectId', onlyProject);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onlyProject]);
  const campaigns = useQuery({
    queryKey: marketKeys.campaigns({ projectId }),
    queryFn: async () => ({ items: await allPages((cursor) => marketplace.campaigns({ projectId, limit: 500, cursor })) }),
    enabled: Boolean(projectId),
  });
  const campaign = campaigns.data?.items.find((c) => c.id === form.values.campaignId);

  // The client's available credits (its own wallet when acting as it).
  const clientWallet = useQuery({
    queryKey: keys.account(clientId),
    queryFn: () => endpoints.account(clientId),
    enabled: Boolean(clientId),
  });

  const client = isClient ? undefined : clientWallet.data;

  // Wallets that may top up the difference: the caller's own and those in its reach (not the client's).
  const own = useQuery({ queryKey: keys.account(me.account.id), queryFn: () => endpoints.account(me.account.id), enabled: shortfall !== null });
  const reach = useQuery({
    queryKey: ['accounts', 'wallets', 'order-form'],
    queryFn: async () => ({ items: await allAccounts() }),
    enabled: shortfall !== null,
  });
  const fundOptions = useMemo(() => {
    const out: { value: string; label: string; cents: number }[] = [];
    if (own.data && own.data.id !== clientId) {
      out.push({
        value: own.data.id,
        label: t('orderForm.walletOption', { name: t('orderForm.you', { name: own.data.name }), amount: formatEuros(own.data.wallet.availableCents) }),
        cents: own.data.wallet.availableCents,
      });
    }
    for (const a of reach.data?.items ?? []) {
      if (a.id === clientId || a.balanceCents <= 0) continue;
      out.push({ value: a.id, label: t('orderForm.walletOption', { name: a.name, amount: formatEuros(a.balanceCents) }), cents: a.balanceCents });
    }
    return out.filter((o) => o.cents > 0).sort((a, b) => b.cents - a.cents);
  }, [own.data, reach.data, clientId, t]);

  const place = useMutation({
    mutationFn: (v: typeof form.values & { fund: boolean }) => {
      const body: OrderBody = {
        projectId: v.projectId,
        offerId: offer.offerId,
        targetUrl: v.targetUrl.trim(),
        anchor: v.anchor.trim(),
        campaignId: v.campaignId || undefined,
        brief: v.brief.trim() || undefined,
        fundFromAccountId: v.fund && v.fundFromAccountId ? v.fundFromAccountId : undefined,
      };
      return marketplace.placeOrder(body, idempotencyKey);
    },
    onSuccess: async (order) => {
      notifySuccess(t('orderForm.placed', { price: formatEuros(order.priceCents), name: order.clientName }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['orders'] }),
        queryClient.invalidateQueries({ queryKey: ['campaigns'] }),
        queryClient.invalidateQueries({ queryKey: ['clients-overview'] }),
        queryClient.invalidateQueries({ queryKey: ['accounts'] }),
        queryClient.invalidateQueries({ queryKey: ['account'] }),
      ]);
      navigate(`/commandes/${order.id}`);
    },
    onError: (e) => {
      if (isApiError(e) && e.code === 'insufficient_funds' && e.status === 409 && !e.field) {
        setShortfall(e.message);
        return;
      }
      setFormError(applyServerError(e, form));
    },
  });

  const submit = (fund: boolean) =>
    form.onSubmit((v) => {
      setFormError(null);
      if (!fund) setShortfall(null);
      place.mutate({ ...v, fund });
    });

  const changeClient = (value: string | null) => {
    form.setValues({ clientId: value ?? '', projectId: '', campaignId: '', fundFromAccountId: '' });
    setShortfall(null);
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <form noValidate onSubmit={submit(false)} data-testid="order-form">
        <Stack>
          <SearchSelect
            label={t('orderForm.client')}
            queryKey={['accounts', 'clients', 'order-form']}
            search={searchAccounts(['client'], clientLabel)}
            resolve={async (id) => {
              const c = await endpoints.account(id);
              return { value: c.id, label: clientLabel(c) };
            }}
            extra={youAsClient}
            enabled={!isClient}
            allowDeselect={false}
            disabled={isClient}
            required
            data-testid="order-client"
            {...form.getInputProps('clientId')}
            value={clientId || null}
            onChange={changeClient}
          />
          {clientWallet.data && (
            <Text size="xs" c="dimmed" mt={-8} data-testid="order-client-balance">
              {t('orderForm.available', {
                name: clientWallet.data.name,
                amount: formatEuros(clientWallet.data.wallet.availableCents),
              })}
            </Text>
          )}

          <div>
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <Select
                style={{ flex: 1 }}
                label={t('orderForm.project')}
                data={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.domain})` }))}
                disabled={!clientId}
                allowDeselect={false}
                required
                data-testid="order-project"
                {...form.getInputProps('projectId')}
                onChange={(value) => form.setValues({ projectId: value ?? '', campaignId: '' })}
              />
              <Button variant="light" disabled={!clientId} onClick={() => setDialog('project')} data-testid="order-new-project">
                {t('orderForm.newProject')}
              </Button>
            </Group>
            {clientId && projects.data && projects.data.items.length === 0 && (
              <Text size="xs" c="dimmed" mt={4} data-testid="order-no-project">
                {t('orderForm.noProject')}
              </Text>
            )}
          </div>

          <div>
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <Select
                style={{ flex: 1 }}
                label={t('orderForm.campaign')}
                placeholder={t('orderForm.noCampaign')}
                data={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
                disabled={!projectId}
                clearable
                data-testid="order-campaign"
                {...form.getInputProps('campaignId')}
                onChange={(value) => form.setFieldValue('campaignId', value ?? '')}
              />
              <Button variant="light" disabled={!projectId} onClick={() => setDialog('campaign')} data-testid="order-new-campaign">
                {t('orderForm.newCampaign')}
              </Button>
            </Group>
            {campaign && (
              <Text size="xs" c="dimmed" mt={4} data-testid="order-campaign-budget">
                {campaign.budgetCents !== null
                  ? t('orderForm.campaignBudget', { committed: formatEuros(campaign.committedCents), budget: formatEuros(campaign.budgetCents) })
                  : t('orderForm.campaignNoBudget', { committed: formatEuros(campaign.committedCents) })}
                {campaign.endsOn ? ` · ${formatDate(`${campaign.endsOn}T12:00:00`)}` : ''}
              </Text>
            )}
          </div>

          <TextInput
            label={t('orderForm.targetUrl')}
            description={project ? t('orderForm.targetUrlHelp', { domain: project.domain }) : undefined}
            placeholder={project ? `https://${project.domain}/` : undefined}
            required
            data-testid="order-target-url"
            {...form.getInputProps('targetUrl')}
          />
          <TextInput
            label={t('orderForm.anchor')}
            description={t('orderForm.anchorHelp')}
            required
            maxLength={200}
            data-testid="order-anchor"
            {...form.getInputProps('anchor')}
          />
          <Textarea label={t('orderForm.brief')} autosize minRows={3} maxRows={8} data-testid="order-brief" {...form.getInputProps('brief')} />

          {formError && <Alert color="red">{formError}</Alert>}

          {shortfall ? (
            <Alert color="orange" title={t('orderForm.insufficientTitle')} data-testid="order-shortfall">
              <Stack gap="sm">
                <Text size="sm" data-testid="order-shortfall-message">
                  {shortfall}
                </Text>
                {own.isPending || reach.isPending ? (
                  <Loader size="sm" />
                ) : fundOptions.length === 0 ? (
                  <Text size="sm" data-testid="order-no-fund-source">
                    {t('orderForm.noFundSource')}
                  </Text>
                ) : (
                  <>
                    <Select
                      label={t('orderForm.fundFrom')}
                      description={t('orderForm.fundHelp')}
                      data={fundOptions.map(({ value, label }) => ({ value, label }))}
                      allowDeselect={false}
                      data-testid="order-fund-from"
                      {...form.getInputProps('fundFromAccountId')}
                    />
                    <Group justify="flex-end">
                      <Button
                        color="orange"
                        disabled={!form.values.fundFromAccountId}
                        loading={place.isPending}
                        onClick={() => submit(true)()}
                        data-testid="order-fund-submit"
                      >
                        {t('orderForm.fundSubmit')}
                      </Button>
                    </Group>
                  </>
                )}
              </Stack>
            </Alert>
          ) : null}

          <Group justify="space-between" mt="sm">
            {client?.parentName ? (
              <Badge variant="light" color="gray">
                {t('common.labelValue', { label: t('fields.personInCharge'), value: client.parentName })}
              </Badge>
            ) : (
              <span />
            )}
            <Button type="submit" size="md" loading={place.isPending && !place.variables?.fund} data-testid="order-submit">
              {t('orderForm.submit', { price: formatEuros(offer.priceCents) })}
            </Button>
          </Group>
        </Stack>
      </form>
      <NewProjectModal
        clientId={clientId || null}
        opened={dialog === 'project'}
        onClose={() => setDialog(null)}
        onCreated={(p) => form.setValues({ projectId: p.id, campaignId: '' })}
      />
      <NewCampaignModal
        projectId={projectId || null}
        opened={dialog === 'campaign'}
        onClose={() => setDialog(null)}
        onCreated={(c) => form.setFieldValue('campaignId', c.id)}
      />
    </Card>
  );
}
