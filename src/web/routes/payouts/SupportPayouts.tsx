import { useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  payoutKeys,
  supportPayouts,
  WITHDRAWAL_STATUSES,
  type Batch,
  type ReviewDocument,
  type Withdrawal,
  type WithdrawalStatus,
} from '../../api/payouts';
import { formatDate, formatDateTime, formatEuros } from '../../components/format';
import { MoreButton } from '../../components/MoreButton';
import { QueryStatus } from '../../components/QueryStatus';
import { applyServerError, notifyError, notifySuccess } from '../../components/serverErrors';
import { PublisherFileLink } from './PublisherFile';
import { BatchStatusBadge, DocumentStatusBadge, numeric, refreshPayouts, WithdrawalStatusBadge, YearDownloadCard } from './shared';

type Section = 'documents' | 'withdrawals' | 'batches' | 'tax';
const SECTIONS: Section[] = ['documents', 'withdrawals', 'batches', 'tax'];

/** Support tab "Paiements éditeurs": proofs to check, withdrawal requests approved in batches, SEPA files, DAC7. */
export function SupportPayouts() {
  const { t } = useTranslation();
  const [section, setSection] = useState<Section>('documents');
  return (
    <Tabs value={section} onChange={(v) => setSection((v as Section) ?? 'documents')} variant="pills" keepMounted={false}>
      <Tabs.List mb="md">
        {SECTIONS.map((s) => (
          <Tabs.Tab key={s} value={s} data-testid={`payouts-section-${s}`}>
            {t(`payouts.support.sections.${s}`)}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value="documents">
        <DocumentsReview />
      </Tabs.Panel>
      <Tabs.Panel value="withdrawals">
        <WithdrawalRequests onBatch={() => setSection('batches')} />
      </Tabs.Panel>
      <Tabs.Panel value="batches">
        <Batches />
      </Tabs.Panel>
      <Tabs.Panel value="tax">
        <Dac7Export />
      </Tabs.Panel>
    </Tabs>
  );
}

type DocumentFilter = 'pending' | 'accepted' | 'refused';

function DocumentsReview() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<DocumentFilter>('pending');
  const [refusing, setRefusing] = useState<ReviewDocument | null>(null);
  const documents = useInfiniteQuery({
    queryKey: payoutKeys.supportDocuments(status),
    queryFn: ({ pageParam }) => supportPayouts.documents(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const accept = useMutation({
    mutationFn: (d: ReviewDocument) => supportPayouts.review(d.id, 'accept'),
    onSuccess: async (_, d) => {
      notifySuccess(t('payouts.support.documents.accepted', { name: d.accountName }));
      await refreshPayouts();
    },
    onError: notifyError,
  });
  const items = documents.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap">
        <Title order={4}>{t('payouts.support.documents.title')}</Title>
        <SegmentedControl
          size="xs"
          value={status}
          onChange={(v) => setStatus(v as DocumentFilter)}
          data={(['pending', 'accepted', 'refused'] as const).map((s) => ({
            value: s,
            label: t(`payouts.support.documents.statusFilter.${s}`),
          }))}
          data-testid="documents-status"
        />
      </Group>
      {documents.isPending || documents.error ? (
        <QueryStatus query={documents} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="review-documents-empty">
          {t('payouts.support.documents.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" data-testid="review-documents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payouts.support.documents.publisher')}</Table.Th>
                <Table.Th>{t('payouts.support.documents.kind')}</Table.Th>
                <Table.Th>{t('payouts.support.documents.issuedOn')}</Table.Th>
                <Table.Th>{t('payouts.support.documents.uploadedAt')}</Table.Th>
                <Table.Th>{t('payouts.support.documents.file')}</Table.Th>
                <Table.Th ta="right">{status === 'pending' ? t('common.actions') : t('payouts.proofs.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id} data-testid="review-document" data-id={d.id} data-name={d.accountName}>
                  <Table.Td>
                    <PublisherFileLink accountId={d.accountId} name={d.accountName} />
                  </Table.Td>
                  <Table.Td>{t(`payouts.proofs.kinds.${d.kind}`)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(d.issuedOn)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(d.uploadedAt)}</Table.Td>
                  <Table.Td maw={260}>
                    <Anchor
                      href={supportPayouts.documentFileUrl(d.id)}
                      target="_blank"
                      rel="noopener"
                      size="sm"
                      style={{ overflowWrap: 'anywhere' }}
                      aria-label={`${t('payouts.support.documents.open')} ${d.fileName}`}
                      data-testid="review-document-file"
                    >
                      {d.fileName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {d.status === 'pending' ? (
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          color="teal"
                          onClick={() => accept.mutate(d)}
                          loading={accept.isPending && accept.variables?.id === d.id}
                          data-testid="accept-document"
                        >
                          {t('payouts.support.documents.accept')}
                        </Button>
                        <Button size="compact-sm" variant="default" onClick={() => setRefusing(d)} data-testid="refuse-document">
                          {t('payouts.support.documents.refuse')}
                        </Button>
                      </Group>
                    ) : (
                      <Stack gap={2} align="flex-end">
                        <DocumentStatusBadge status={d.status} />
                        {d.validUntil && (
                          <Text size="xs" c="dimmed">
                            {t('payouts.proofs.validUntil')} {formatDate(d.validUntil)}
                          </Text>
                        )}
                        {d.refusalReason && (
                          <Text size="xs" c="dimmed" ta="right" maw={260}>
                            {d.refusalReason}
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
      <MoreButton query={documents} testId="review-documents-more" />
      <Modal
        opened={refusing !== null}
        onClose={() => setRefusing(null)}
        title={t('payouts.support.documents.refuseTitle', { name: refusing?.accountName ?? '' })}
        centered
      >
        {refusing && (
          <ReasonForm
            label={t('payouts.support.documents.reason')}
            help={t('payouts.support.documents.reasonHelp')}
            submit={t('payouts.support.documents.refuse')}
            testId="refuse-document"
            send={(reason) => supportPayouts.review(refusing.id, 'refuse', reason)}
            onDone={() => {
              notifySuccess(t('payouts.support.documents.refused', { name: refusing.accountName }));
              setRefusing(null);
            }}
            onCancel={() => setRefusing(null)}
          />
        )}
      </Modal>
    </Card>
  );
}

/** A reason typed by support (3 characters at least), sent with `send`. */
function ReasonForm({
  label,
  help,
  submit,
  testId,
  send,
  onDone,
  onCancel,
}: {
  label: string;
  help: string;
  submit: string;
  testId: string;
  send: (reason: string) => Promise<unknown>;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (v) => (v.trim().length >= 3 ? null : t('payouts.support.documents.reasonRequired')) },
  });
  const mutation = useMutation({
    mutationFn: (v: typeof form.values) => send(v.reason.trim()),
    onSuccess: async () => {
      await refreshPayouts();
      onDone();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid={`${testId}-form`}
      onSubmit={form.onSubmit((v) => {
        setError(null);
        mutation.mutate(v);
      })}
    >
      <Stack>
        <Textarea
          label={label}
          description={help}
          autosize
          minRows={3}
          required
          data-autofocus
          data-testid={`${testId}-reason`}
          {...form.getInputProps('reason')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={mutation.isPending} data-testid={`${testId}-submit`}>
            {submit}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function WithdrawalRequests({ onBatch }: { onBatch: () => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<WithdrawalStatus>('requested');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [refusing, setRefusing] = useState<Withdrawal | null>(null);
  const list = useInfiniteQuery({
    queryKey: payoutKeys.supportWithdrawals(status),
    queryFn: ({ pageParam }) => supportPayouts.withdrawals(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const chosen = items.filter((w) => selected.has(w.id));
  const chosenTotal = chosen.reduce((sum, w) => sum + w.amountCents, 0);
  const batch = useMutation({
    mutationFn: () => supportPayouts.createBatch(chosen.map((w) => w.id)),
    onSuccess: async (b) => {
      notifySuccess(
        t('payouts.support.withdrawals.batchCreated', {
          reference: b.reference,
          count: b.count,
          amount: formatEuros(b.totalCents),
        }),
      );
      setSelected(new Set());
      await refreshPayouts();
      onBatch();
    },
    onError: notifyError,
  });
  const selectable = status === 'requested';
  const allSelected = items.length > 0 && items.every((w) => selected.has(w.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap">
        <Title order={4}>{t('payouts.support.withdrawals.title')}</Title>
        <SegmentedControl
          size="xs"
          value={status}
          onChange={(v) => {
            setStatus(v as WithdrawalStatus);
            setSelected(new Set());
          }}
          data={WITHDRAWAL_STATUSES.map((s) => ({ value: s, label: t(`payouts.withdrawalStatus.${s}`) }))}
          data-testid="withdrawals-status"
        />
      </Group>
      {selectable && items.length > 0 && (
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Text size="sm" c="dimmed" data-testid="withdrawals-selected">
            {t('payouts.support.withdrawals.selected', { count: chosen.length, amount: formatEuros(chosenTotal) })}
          </Text>
          <Button
            disabled={chosen.length === 0}
            loading={batch.isPending}
            onClick={() => batch.mutate()}
            data-testid="approve-batch"
          >
            {chosen.length > 0
              ? t('payouts.support.withdrawals.approveBatchCount', { count: chosen.length })
              : t('payouts.support.withdrawals.approveBatch')}
          </Button>
        </Group>
      )}
      {list.isPending || list.error ? (
        <QueryStatus query={list} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="support-withdrawals-empty">
          {t('payouts.support.withdrawals.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" data-testid="support-withdrawals">
            <Table.Thead>
              <Table.Tr>
                {selectable && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={t('payouts.support.withdrawals.selectAll')}
                      checked={allSelected}
                      indeterminate={chosen.length > 0 && !allSelected}
                      onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.map((w) => w.id)) : new Set())}
                      data-testid="withdrawals-select-all"
                    />
                  </Table.Th>
                )}
                <Table.Th>{t('payouts.support.withdrawals.publisher')}</Table.Th>
                <Table.Th ta="right">{t('payouts.support.withdrawals.amount')}</Table.Th>
                <Table.Th>{t('payouts.support.withdrawals.iban')}</Table.Th>
                <Table.Th>{t('payouts.support.withdrawals.holder')}</Table.Th>
                <Table.Th>{t('payouts.support.withdrawals.requestedAt')}</Table.Th>
                <Table.Th>{t('payouts.withdrawals.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <Table.Tr key={w.id} data-testid="support-withdrawal" data-id={w.id} data-name={w.accountName}>
                  {selectable && (
                    <Table.Td>
                      <Checkbox
                        aria-label={t('payouts.support.withdrawals.select', { name: w.accountName })}
                        checked={selected.has(w.id)}
                        onChange={(e) => toggle(w.id, e.currentTarget.checked)}
                        data-testid="withdrawal-select"
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <PublisherFileLink accountId={w.accountId} name={w.accountName} />
                  </Table.Td>
                  <Table.Td ta="right" style={numeric} fw={600}>
                    {formatEuros(w.amountCents)}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {w.ibanMasked}
                    {w.bic && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {w.bic}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{w.accountHolder ?? '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(w.requestedAt)}</Table.Td>
                  <Table.Td>
                    <WithdrawalStatusBadge status={w.status} />
                    {w.refusalReason && (
                      <Text size="xs" c="dimmed" mt={2} maw={240}>
                        {w.refusalReason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {(w.status === 'requested' || w.status === 'approved') && (
                      <Button size="compact-sm" variant="default" onClick={() => setRefusing(w)} data-testid="refuse-withdrawal">
                        {t('payouts.support.withdrawals.refuse')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={list} testId="support-withdrawals-more" />
      <Modal
        opened={refusing !== null}
        onClose={() => setRefusing(null)}
        title={t('payouts.support.withdrawals.refuseTitle', {
          name: refusing?.accountName ?? '',
          amount: refusing ? formatEuros(refusing.amountCents) : '',
        })}
        centered
      >
        {refusing && (
          <ReasonForm
            label={t('payouts.support.withdrawals.reason')}
            help={t('payouts.support.withdrawals.reasonHelp')}
            submit={t('payouts.support.withdrawals.refuse')}
            testId="refuse-withdrawal"
            send={(reason) => supportPayouts.refuse(refusing.id, reason)}
            onDone={() => {
              notifySuccess(t('payouts.support.withdrawals.refused', { name: refusing.accountName }));
              setSelected((prev) => {
                const next = new Set(prev);
                next.delete(refusing.id);
                return next;
              });
              setRefusing(null);
            }}
            onCancel={() => setRefusing(null)}
          />
        )}
      </Modal>
    </Card>
  );
}

function Batches() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Batch | null>(null);
  const list = useInfiniteQuery({
    queryKey: payoutKeys.batches,
    queryFn: ({ pageParam }) => supportPayouts.batches(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={4} mb="md">
        {t('payouts.support.batches.title')}
      </Title>
      {list.isPending || list.error ? (
        <QueryStatus query={list} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="batches-empty">
          {t('payouts.support.batches.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="batches">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payouts.support.batches.reference')}</Table.Th>
                <Table.Th ta="right">{t('payouts.support.batches.count')}</Table.Th>
                <Table.Th ta="right">{t('payouts.support.batches.total')}</Table.Th>
                <Table.Th>{t('payouts.support.batches.createdAt')}</Table.Th>
                <Table.Th>{t('payouts.support.batches.exportedAt')}</Table.Th>
                <Table.Th>{t('payouts.support.batches.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((b) => (
                <Table.Tr key={b.id} data-testid="batch-row" data-id={b.id} data-reference={b.reference}>
                  <Table.Td ff="monospace" fw={600} style={{ whiteSpace: 'nowrap' }}>
                    {b.reference}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {b.count}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric} fw={600}>
                    {formatEuros(b.totalCents)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(b.createdAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(b.exportedAt)}</Table.Td>
                  <Table.Td>
                    <BatchStatusBadge status={b.status} />
                    {b.paidAt && (
                      <Text size="xs" c="dimmed" mt={2} style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(b.paidAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button size="compact-sm" variant="default" onClick={() => setOpen(b)} data-testid="open-batch">
                      {t('payouts.support.batches.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={list} testId="batches-more" />
      <Modal
        opened={open !== null}
        onClose={() => setOpen(null)}
        title={t('payouts.support.batches.detailTitle', { reference: open?.reference ?? '' })}
        size="xl"
        centered
      >
        {open && <BatchDetail id={open.id} />}
      </Modal>
    </Card>
  );
}

function BatchDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const batch = useQuery({ queryKey: payoutKeys.batch(id), queryFn: () => supportPayouts.batch(id), staleTime: 0 });
  const paid = useMutation({
    mutationFn: () => supportPayouts.markPaid(id),
    onSuccess: async (b) => {
      notifySuccess(t('payouts.support.batches.paid', { reference: b.reference }));
      setConfirming(false);
      await refreshPayouts();
    },
    onError: notifyError,
  });
  if (batch.isPending || batch.error) return <QueryStatus query={batch} />;
  const b = batch.data;
  return (
    <Stack data-testid="batch-detail" data-status={b.status}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <BatchStatusBadge status={b.status} />
          <Text size="sm" style={numeric}>
            {t('payouts.support.batches.transfers', { count: b.count })} · <b>{formatEuros(b.totalCents)}</b>
          </Text>
        </Group>
        <Group gap="sm">
          <Button
            component="a"
            href={supportPayouts.sepaUrl(b.id)}
            download={`${b.reference}.xml`}
            variant="light"
            onClick={() => window.setTimeout(() => void refreshPayouts(), 1000)}
            data-testid="batch-sepa"
          >
            {t('payouts.support.batches.sepa')}
          </Button>
          {b.status === 'approved' && (
            <Button color="teal" onClick={() => setConfirming(true)} data-testid="batch-mark-paid">
              {t('payouts.support.batches.markPaid')}
            </Button>
          )}
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={700}>
        <Table verticalSpacing="xs" striped data-testid="batch-withdrawals">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('payouts.support.withdrawals.publisher')}</Table.Th>
              <Table.Th>{t('payouts.support.withdrawals.holder')}</Table.Th>
              <Table.Th>{t('payouts.support.withdrawals.iban')}</Table.Th>
              <Table.Th ta="right">{t('payouts.support.withdrawals.amount')}</Table.Th>
              <Table.Th>{t('payouts.withdrawals.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {b.withdrawals.map((w) => (
              <Table.Tr key={w.id} data-testid="batch-withdrawal">
                <Table.Td fw={600}>{w.accountName}</Table.Td>
                <Table.Td>{w.accountHolder ?? '—'}</Table.Td>
                <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                  {w.ibanMasked}
                </Table.Td>
                <Table.Td ta="right" style={numeric}>
                  {formatEuros(w.amountCents)}
                </Table.Td>
                <Table.Td>
                  <WithdrawalStatusBadge status={w.status} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('payouts.support.batches.confirmTitle', { reference: b.reference })}
        centered
      >
        <Stack>
          <Text size="sm">{t('payouts.support.batches.confirmHelp', { count: b.count, amount: formatEuros(b.totalCents) })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="teal" loading={paid.isPending} onClick={() => paid.mutate()} data-testid="batch-confirm-paid">
              {t('payouts.support.batches.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function Dac7Export() {
  const { t } = useTranslation();
  return (
    <YearDownloadCard
      title={t('payouts.support.tax.title')}
      help={t('payouts.support.tax.help')}
      yearLabel={t('payouts.support.tax.year')}
      action={t('payouts.support.tax.export')}
      href={supportPayouts.dac7Url}
      download={(year) => `dac7-${year}.csv`}
      testId="dac7-export"
    />
  );
}
