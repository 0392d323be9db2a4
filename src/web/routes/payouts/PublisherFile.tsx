import { Alert, Anchor, Badge, Group, Modal, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { supportPayouts } from '../../api/payouts';
import { formatDate, formatDateTime, formatEuros } from '../../components/format';
import { QueryStatus } from '../../components/QueryStatus';
import { DocumentStatusBadge, missingSentence, numeric } from './shared';

/** A publisher's name that opens its payout file for support: profile, proofs, mandate, figures. */
export function PublisherFileLink({ accountId, name }: { accountId: string; name: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Anchor component="button" type="button" fw={600} onClick={() => setOpen(true)} data-testid="publisher-file-link">
        {name}
      </Anchor>
      {open && <PublisherFileModal accountId={accountId} name={name} onClose={() => setOpen(false)} />}
    </>
  );
}

function PublisherFileModal({ accountId, name, onClose }: { accountId: string; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const file = useQuery({ queryKey: ['support', 'payouts', 'file', accountId], queryFn: () => supportPayouts.publisherFile(accountId) });
  const f = file.data;
  const p = f?.profile;
  const row = (label: string, value: string | null | undefined) => (
    <Table.Tr>
      <Table.Th w={220}>{label}</Table.Th>
      <Table.Td>{value || '—'}</Table.Td>
    </Table.Tr>
  );
  return (
    <Modal opened onClose={onClose} title={t('payouts.support.file.title', { name })} size="xl" data-testid="publisher-file">
      {(file.isPending || file.error) && <QueryStatus query={file} />}
      {f && (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            {(
              [
                ['pending', f.summary.pendingCents],
                ['payable', f.summary.payableCents],
                ['paid', f.summary.paidCents],
                ['debt', f.summary.debtCents],
              ] as const
            ).map(([key, cents]) => (
              <div key={key}>
                <Text size="sm" c="dimmed">
                  {t(`payouts.figures.${key}`)}
                </Text>
                <Text fw={700} style={numeric}>
                  {formatEuros(cents)}
                </Text>
              </div>
            ))}
          </SimpleGrid>
          {f.completeness.missing.length > 0 && (
            <Alert color="yellow" title={t('payouts.profile.incomplete')}>
              {f.completeness.missing.map((code) => missingSentence(t, code, f.summary.minimumWithdrawalCents)).join(' ')}
            </Alert>
          )}
          {p && (
            <Table variant="vertical" layout="fixed" withTableBorder={false} data-testid="publisher-file-profile">
              <Table.Tbody>
                {row(t('payouts.profile.kind'), t(`payouts.profile.${p.kind}`))}
                {row(p.kind === 'business' ? t('payouts.profile.legalNameBusiness') : t('payouts.profile.legalNameIndividual'), p.legalName)}
                {row(t('payouts.profile.address'), `${p.address}, ${p.postalCode} ${p.city}, ${p.country}`)}
                {p.kind === 'individual' && row(t('payouts.profile.birthDate'), p.birthDate ? formatDate(p.birthDate) : null)}
                {p.kind === 'business' && row(t('payouts.profile.siret'), p.siret)}
                {p.kind === 'business' && row(t('payouts.profile.vatRegime'), p.vatRegime ? t(`payouts.profile.vatRegimes.${p.vatRegime}`) : null)}
                {row(t('payouts.profile.vatNumber'), p.vatNumber)}
                {row(t('payouts.profile.taxNumber'), p.taxNumber)}
                {row(t('payouts.profile.iban'), p.iban)}
                {row(t('payouts.profile.bic'), p.bic)}
                {row(t('payouts.profile.accountHolder'), p.accountHolder)}
              </Table.Tbody>
            </Table>
          )}
          <div>
            <Title order={5} mb={4}>
              {t('payouts.support.file.mandate')}
            </Title>
            <Text size="sm">
              {f.mandate
                ? t('payouts.support.file.mandateAccepted', { version: f.mandate.version, date: formatDateTime(f.mandate.acceptedAt), person: f.mandate.acceptedBy })
                : t('payouts.support.file.mandateNone')}
            </Text>
          </div>
          <div>
            <Title order={5} mb={4}>
              {t('payouts.support.file.documents')}
            </Title>
            {f.documents.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('payouts.support.documents.none')}
              </Text>
            ) : (
              <Stack gap={4}>
                {f.documents.map((d) => (
                  <Group key={d.id} gap="sm">
                    <Anchor href={supportPayouts.documentFileUrl(d.id)} size="sm">
                      {t(`payouts.proofs.kinds.${d.kind}`)} — {formatDate(d.issuedOn)}
                    </Anchor>
                    <DocumentStatusBadge status={d.status} />
                    {d.validUntil && (
                      <Badge variant="light" color="gray">
                        {t('payouts.support.file.validUntil', { date: formatDate(d.validUntil) })}
                      </Badge>
                    )}
                  </Group>
                ))}
              </Stack>
            )}
          </div>
        </Stack>
      )}
    </Modal>
  );
}
