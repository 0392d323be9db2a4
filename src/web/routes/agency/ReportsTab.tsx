import { useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  ColorInput,
  FileButton,
  Group,
  Image,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { reportKeys, reports, type Branding, type CreatedShare } from '../../api/reports';
import { formatDate, formatEuros, formatNumber } from '../../components/format';
import { notifyError, notifySuccess } from '../../components/serverErrors';
import { isApiError } from '../../api/client';
import { QueryStatus } from '../../components/QueryStatus';
import { SearchSelect } from '../../components/SearchSelect';
import { searchAccounts } from '../../components/pickers';

/** Tab « Marque blanche »: the reports' logo, colours, footer and platform name, with a preview. */
export function BrandingTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const branding = useQuery({ queryKey: reportKeys.branding, queryFn: reports.branding });
  const [form, setForm] = useState({ primaryColor: '#1f3a5f', accentColor: '#2b8a3e', footerText: '', showPlatformName: false });
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (branding.data) {
      const { primaryColor, accentColor, footerText, showPlatformName } = branding.data;
      setForm({ primaryColor, accentColor, footerText, showPlatformName });
    }
  }, [branding.data]);
  const done = (data: Branding) => queryClient.setQueryData(reportKeys.branding, data);
  const save = useMutation({
    mutationFn: () => reports.saveBranding(form),
    onSuccess: (data) => {
      setErrors({});
      done(data);
      notifySuccess(t('reports.branding.saved'));
    },
    onError: (error) => {
      if (isApiError(error) && error.field) setErrors({ [error.field]: error.message });
      else notifyError(error);
    },
  });
  const reset = useMutation({ mutationFn: reports.resetBranding, onSuccess: done, onError: notifyError });
  const upload = useMutation({ mutationFn: (file: File) => reports.uploadLogo(file), onSuccess: done, onError: notifyError });
  const removeLogo = useMutation({ mutationFn: reports.removeLogo, onSuccess: done, onError: notifyError });

  if (!branding.data) return <QueryStatus query={branding} />;
  const b = branding.data;
  const source = b.own
    ? t('reports.branding.own')
    : b.source === 'manager'
      ? t('reports.branding.fromManager')
      : b.source === 'agency'
        ? t('reports.branding.fromAgency')
        : t('reports.branding.fromDefault');

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Card withBorder radius="md" padding="lg">
        <Title order={2} fz={20} mb={4}>
          {t('reports.branding.title')}
        </Title>
        <Text c="dimmed" size="sm" mb="md">
          {t('reports.branding.intro')} {b.editable ? t('reports.branding.inherited') : t('reports.branding.readOnly')}
        </Text>
        <Badge variant="light" mb="md" data-testid="branding-source">
          {source}
        </Badge>
        <Stack gap="sm">
          <ColorInput
            label={t('reports.branding.primaryColor')}
            value={form.primaryColor}
            onChange={(v) => setForm({ ...form, primaryColor: v })}
            format="hex"
            disabled={!b.editable}
            error={errors.primaryColor}
            data-testid="branding-primary"
          />
          <ColorInput
            label={t('reports.branding.accentColor')}
            value={form.accentColor}
            onChange={(v) => setForm({ ...form, accentColor: v })}
            format="hex"
            disabled={!b.editable}
            error={errors.accentColor}
            data-testid="branding-accent"
          />
          <TextInput
            label={t('reports.branding.footerText')}
            placeholder={t('reports.branding.footerPlaceholder')}
            value={form.footerText}
            maxLength={300}
            onChange={(e) => setForm({ ...form, footerText: e.currentTarget.value })}
            disabled={!b.editable}
            error={errors.footerText}
            data-testid="branding-footer"
          />
          <Switch
            label={t('reports.branding.showPlatformName')}
            description={t('reports.branding.showPlatformNameHint')}
            checked={form.showPlatformName}
            onChange={(e) => setForm({ ...form, showPlatformName: e.currentTarget.checked })}
            disabled={!b.editable}
            data-testid="branding-platform"
          />
          {b.editable && (
            <>
              <Text size="sm" fw={500} mt="xs">
                {t('reports.branding.logo')}
              </Text>
              <Group gap="sm">
                <FileButton onChange={(file) => file && upload.mutate(file)} accept="image/png,image/jpeg">
                  {(props) => (
                    <Button variant="default" loading={upload.isPending} data-testid="branding-logo" {...props}>
                      {t('reports.branding.logoPick')}
                    </Button>
                  )}
                </FileButton>
                {b.hasLogo && b.own && (
                  <Button variant="subtle" color="red" onClick={() => removeLogo.mutate()} loading={removeLogo.isPending}>
                    {t('reports.branding.removeLogo')}
                  </Button>
                )}
              </Group>
              <Group mt="md">
                <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="branding-save">
                  {t('reports.branding.save')}
                </Button>
                {b.own && b.source === 'manager' && (
                  <Button variant="subtle" onClick={() => reset.mutate()} loading={reset.isPending}>
                    {t('reports.branding.reset')}
                  </Button>
                )}
              </Group>
            </>
          )}
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="lg" data-testid="branding-preview">
        <Text size="sm" c="dimmed" mb="sm">
          {t('reports.branding.preview')}
        </Text>
        <Box style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6, padding: 20, background: 'white' }}>
          <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
            {b.hasLogo ? <Image src={reports.logoUrl(b.updatedAt)} alt="" h={40} w="auto" fit="contain" /> : <span />}
            <div style={{ textAlign: 'right' }}>
              <Text fw={700} fz={20} style={{ color: form.primaryColor }}>
                {t('reports.branding.previewTitle')}
              </Text>
              <Text size="sm">{t('reports.branding.previewClient')}</Text>
            </div>
          </Group>
          <SimpleGrid cols={3} spacing="xs" mb="md">
            {[
              [t('reports.branding.previewLive'), formatNumber(12)],
              [t('reports.branding.previewLost'), formatNumber(1)],
              [t('reports.branding.previewSpent'), formatEuros(345000)],
            ].map(([label, value]) => (
              <Box key={label} style={{ border: `1px solid ${form.accentColor}`, borderRadius: 4, padding: 8 }}>
                <Text size="xs" c="dimmed">
                  {label}
                </Text>
                <Text fw={700} style={{ color: form.primaryColor }}>
                  {value}
                </Text>
              </Box>
            ))}
          </SimpleGrid>
          <Box style={{ background: form.primaryColor, height: 18, borderRadius: 2 }} />
          {[0, 1, 2].map((i) => (
            <Box key={i} style={{ background: i % 2 ? '#f3f4f6' : 'white', height: 14 }} />
          ))}
          <Box mt="md" pt={6} style={{ borderTop: `1px solid ${form.accentColor}` }}>
            <Text size="xs" c="dimmed" data-testid="preview-footer">
              {[form.footerText, form.showPlatformName ? t('reports.branding.previewPlatform') : '']
                .filter(Boolean)
                .join(' · ') || '\u00a0'}
            </Text>
          </Box>
        </Box>
      </Card>
    </SimpleGrid>
  );
}

/** Tab « Rapports »: a client's report (PDF, CSV), its share links, and the whole inventory export. */
export function ClientReportsTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [clientId, setClientId] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [days, setDays] = useState<number>(30);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const summary = useQuery({
    queryKey: [...reportKeys.summary(clientId ?? ''), from, to],
    queryFn: () => reports.summary(clientId!, from || undefined, to || undefined),
    enabled: Boolean(clientId),
  });
  const shares = useQuery({
    queryKey: reportKeys.shares(clientId ?? ''),
    queryFn: () => reports.shares(clientId!),
    enabled: Boolean(clientId),
  });
  const create = useMutation({
    mutationFn: () =>
      reports.createShare({ clientId: clientId!, expiresInDays: days, ...(from ? { from } : {}), ...(to ? { to } : {}) }),
    onSuccess: (data) => {
      setCreated(data);
      void queryClient.invalidateQueries({ queryKey: reportKeys.shares(clientId!) });
    },
    onError: notifyError,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => reports.revokeShare(id),
    onSuccess: () => {
      notifySuccess(t('reports.shares.revoked'));
      void queryClient.invalidateQueries({ queryKey: reportKeys.shares(clientId!) });
    },
    onError: notifyError,
  });
  const monthly = useQuery({
    queryKey: reportKeys.monthly(clientId ?? ''),
    queryFn: () => reports.monthlyEmail(clientId!),
    enabled: Boolean(clientId),
  });
  const setMonthly = useMutation({
    mutationFn: (enabled: boolean) => reports.setMonthlyEmail(clientId!, enabled),
    onSuccess: (data) => queryClient.setQueryData(reportKeys.monthly(clientId!), data),
    onError: notifyError,
  });
  const query = { clientId: clientId ?? undefined, from: from || undefined, to: to || undefined };
  const s = summary.data?.summary;

  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg">
        <Title order={2} fz={20} mb={4}>
          {t('reports.report.title')}
        </Title>
        <Text c="dimmed" size="sm" mb="md">
          {t('reports.report.intro')}
        </Text>
        <Group align="flex-end" gap="sm" wrap="wrap">
          {/* the server searches as the user types: an agency's clients beyond the first 500 are found too */}
          <SearchSelect
            label={t('reports.report.client')}
            placeholder={t('reports.report.clientPlaceholder')}
            queryKey={['accounts', 'clients', 'reports']}
            search={searchAccounts(['client'])}
            value={clientId}
            onChange={(v) => {
              setClientId(v);
              setCreated(null);
            }}
            w={280}
            data-testid="report-client"
          />
          <TextInput
            type="date"
            label={t('reports.report.from')}
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            data-testid="report-from"
          />
          <TextInput
            type="date"
            label={t('reports.report.to')}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="report-to"
          />
          <Button
            component="a"
            href={clientId ? reports.pdfUrl(query) : undefined}
            target="_blank"
            disabled={!clientId}
            data-testid="report-pdf"
          >
            {t('reports.report.pdf')}
          </Button>
          <Button
            component="a"
            variant="default"
            href={clientId ? reports.csvUrl(query) : undefined}
            disabled={!clientId}
            data-testid="report-csv"
          >
            {t('reports.report.csv')}
          </Button>
        </Group>
        {s && (
          <SimpleGrid cols={{ base: 2, sm: 5 }} mt="md" data-testid="report-summary">
            {[
              [t('reports.report.live'), formatNumber(s.live)],
              [t('reports.report.lost'), formatNumber(s.lost)],
              [t('reports.report.atRisk'), formatNumber(s.atRisk)],
              [t('reports.report.pending'), formatNumber(s.pending)],
              [t('reports.report.spent'), formatEuros(s.spentCents)],
            ].map(([label, value]) => (
              <div key={label}>
                <Text size="xs" c="dimmed">
                  {label}
                </Text>
                <Text fw={700}>{value}</Text>
              </div>
            ))}
          </SimpleGrid>
        )}
      </Card>

      {clientId && (
        <Card withBorder radius="md" padding="lg">
          <Title order={2} fz={20} mb={4}>
            {t('reports.shares.title')}
          </Title>
          <Text c="dimmed" size="sm" mb="md">
            {t('reports.shares.intro')}
          </Text>
          <Group align="flex-end" gap="sm">
            <NumberInput
              label={t('reports.shares.days')}
              value={days}
              onChange={(v) => setDays(Number(v) || 1)}
              min={1}
              max={365}
              w={160}
              data-testid="share-days"
            />
            <Button onClick={() => create.mutate()} loading={create.isPending} data-testid="share-create">
              {t('reports.shares.create')}
            </Button>
          </Group>
          {monthly.data && (
            <Switch
              mt="md"
              label={t('reports.shares.monthly')}
              description={
                monthly.data.email
                  ? t('reports.shares.monthlyHint', { email: monthly.data.email })
                  : t('reports.shares.monthlyNoEmail')
              }
              checked={monthly.data.enabled}
              disabled={!monthly.data.email && !monthly.data.enabled}
              onChange={(e) => setMonthly.mutate(e.currentTarget.checked)}
              data-testid="monthly-email"
            />
          )}
          {created && (
            <Alert color="teal" mt="md" title={t('reports.shares.created')}>
              <Anchor href={created.url} target="_blank" data-testid="share-url" style={{ wordBreak: 'break-all' }}>
                {created.url}
              </Anchor>
            </Alert>
          )}
          {shares.data && shares.data.items.length === 0 && (
            <Text c="dimmed" size="sm" mt="md">
              {t('reports.shares.none')}
            </Text>
          )}
          {shares.data && shares.data.items.length > 0 && (
            <Table.ScrollContainer minWidth={520} mt="md">
              <Table data-testid="shares-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('reports.shares.createdAt')}</Table.Th>
                    <Table.Th>{t('reports.shares.expiresAt')}</Table.Th>
                    <Table.Th>{t('reports.shares.status')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shares.data.items.map((share) => (
                    <Table.Tr key={share.id}>
                      <Table.Td>{formatDate(share.createdAt)}</Table.Td>
                      <Table.Td>{formatDate(share.expiresAt)}</Table.Td>
                      <Table.Td>
                        <Badge color={share.status === 'active' ? 'teal' : 'gray'} variant="light">
                          {t(`reports.shares.statuses.${share.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">
                        {share.status === 'active' && (
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => revoke.mutate(share.id)}
                            data-testid="share-revoke"
                          >
                            {t('reports.shares.revoke')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      )}

      <Card withBorder radius="md" padding="lg">
        <Title order={2} fz={20} mb={4}>
          {t('reports.inventory.title')}
        </Title>
        <Text c="dimmed" size="sm" mb="md">
          {t('reports.inventory.intro')}
        </Text>
        <Group gap="sm">
          <Button
            component="a"
            variant="default"
            href={reports.inventoryUrl('csv', clientId ?? undefined)}
            data-testid="inventory-csv"
          >
            {t('reports.inventory.csv')}
          </Button>
          <Button
            component="a"
            variant="default"
            href={reports.inventoryUrl('json', clientId ?? undefined)}
            data-testid="inventory-json"
          >
            {t('reports.inventory.json')}
          </Button>
        </Group>
      </Card>
    </Stack>
  );
}
