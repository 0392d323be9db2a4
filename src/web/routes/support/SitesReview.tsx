import { useState } from 'react';
import { Alert, Button, Card, Group, Modal, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketKeys, marketplace, type Site, type SiteStatus } from '../../api/marketplace';
import { formatDateTime } from '../../components/format';
import { kindLabel, languageLabel, numeric, SiteStatusBadge, themeLabel } from '../../components/market';
import { applyServerError, notifyError, notifySuccess } from '../../components/serverErrors';
import { MoreButton } from '../../components/MoreButton';
import { QueryStatus } from '../../components/QueryStatus';

const refresh = () => queryClient.invalidateQueries({ queryKey: ['support', 'sites'] });

/** Support tab "Sites à valider": approve a publisher's site, or refuse it with a reason it will see. */
export function SitesReview() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<SiteStatus>('pending_review');
  const [refusing, setRefusing] = useState<Site | null>(null);
  const sites = useInfiniteQuery({
    queryKey: marketKeys.sitesForReview(status),
    queryFn: ({ pageParam }) => marketplace.sitesForReview(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const approve = useMutation({
    mutationFn: (s: Site) => marketplace.approveSite(s.id),
    onSuccess: async (s) => {
      notifySuccess(t('marketSupport.approved', { domain: s.domain }));
      await refresh();
    },
    onError: notifyError,
  });
  const items = sites.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap">
        <Title order={4}>{t('marketSupport.sitesTitle')}</Title>
        <SegmentedControl
          size="xs"
          value={status}
          onChange={(v) => setStatus(v as SiteStatus)}
          data={(['pending_review', 'approved', 'refused'] as const).map((s) => ({ value: s, label: t(`siteStatus.${s}`) }))}
          data-testid="review-status"
        />
      </Group>
      {sites.isPending || sites.error ? (
        <QueryStatus query={sites} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="review-empty">
          {t('marketSupport.noSites')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={960}>
          <Table verticalSpacing="sm" data-testid="review-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('publisher.domain')}</Table.Th>
                <Table.Th>{t('marketSupport.publisher')}</Table.Th>
                <Table.Th>{t('catalog.theme')}</Table.Th>
                <Table.Th>{t('catalog.kind')}</Table.Th>
                <Table.Th>{t('catalog.language')}</Table.Th>
                <Table.Th ta="right">{t('publisher.articles')}</Table.Th>
                <Table.Th>{t('marketSupport.submittedAt')}</Table.Th>
                <Table.Th ta="right">{status === 'pending_review' ? t('common.actions') : t('orders.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.id} data-testid="review-row" data-domain={s.domain}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {s.domain}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.publisherName ?? '—'}</Table.Td>
                  <Table.Td>{themeLabel(t, s.theme)}</Table.Td>
                  <Table.Td>{kindLabel(t, s.siteKind)}</Table.Td>
                  <Table.Td>{languageLabel(t, s.language)}</Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {s.articleCount}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(s.createdAt)}</Table.Td>
                  <Table.Td>
                    {s.status === 'pending_review' ? (
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          color="teal"
                          onClick={() => approve.mutate(s)}
                          loading={approve.isPending && approve.variables?.id === s.id}
                          data-testid="approve-site"
                        >
                          {t('marketSupport.approve')}
                        </Button>
                        <Button size="compact-sm" variant="default" onClick={() => setRefusing(s)} data-testid="refuse-site">
                          {t('marketSupport.refuse')}
                        </Button>
                      </Group>
                    ) : (
                      <Stack gap={2} align="flex-end">
                        <SiteStatusBadge status={s.status} />
                        {s.reviewReason && (
                          <Text size="xs" c="dimmed" ta="right" maw={260}>
                            {s.reviewReason}
                          </Text>
                        )}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={sites} testId="review-more" />
      <Modal
        opened={refusing !== null}
        onClose={() => setRefusing(null)}
        title={t('marketSupport.refuseTitle', { domain: refusing?.domain ?? '' })}
        centered
      >
        {refusing && <RefuseSiteForm site={refusing} onDone={() => setRefusing(null)} />}
      </Modal>
    </Card>
  );
}

function RefuseSiteForm({ site, onDone }: { site: Site; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (v) => (v.trim().length >= 3 ? null : t('marketSupport.reasonRequired')) },
  });
  const refuse = useMutation({
    mutationFn: (v: typeof form.values) => marketplace.refuseSite(site.id, v.reason.trim()),
    onSuccess: async (s) => {
      notifySuccess(t('marketSupport.refused', { domain: s.domain }));
      await refresh();
      onDone();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="refuse-site-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        refuse.mutate(v);
      })}
    >
      <Stack>
        <Textarea
          label={t('marketSupport.reason')}
          description={t('marketSupport.reasonHelp')}
          autosize
          minRows={3}
          required
          data-autofocus
          data-testid="refuse-site-reason"
          {...form.getInputProps('reason')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={refuse.isPending} data-testid="refuse-site-submit">
            {t('marketSupport.refuse')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
