import { useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Checkbox,
  FileInput,
  Grid,
  Group,
  Modal,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  DOCUMENT_KINDS,
  PROOF_MAX_BYTES,
  PROOF_TYPES,
  payoutKeys,
  payouts,
  VAT_REGIMES,
  type DocumentKind,
  type Profile,
  type ProfileInput,
  type PublisherDocument,
  type PublisherKind,
  type VatRegime,
} from '../../api/payouts';
import { queryClient } from '../../api/queries';
import { formatDate, formatDateTime } from '../../components/format';
import { QueryStatus } from '../../components/QueryStatus';
import { applyServerError, notifyError, notifySuccess } from '../../components/serverErrors';
import { BlockerList, DocumentStatusBadge, refreshPayouts } from './shared';
import { useScrollToHash } from './useScrollToHash';

type ProfileValues = {
  kind: PublisherKind;
  legalName: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  birthDate: string;
  siret: string;
  vatRegime: VatRegime | '';
  vatNumber: string;
  taxNumber: string;
  iban: string;
  bic: string;
  accountHolder: string;
};

function toValues(p: Profile | null): ProfileValues {
  return {
    kind: p?.kind ?? 'business',
    legalName: p?.legalName ?? '',
    address: p?.address ?? '',
    postalCode: p?.postalCode ?? '',
    city: p?.city ?? '',
    country: p?.country ?? 'FR',
    birthDate: p?.birthDate ?? '',
    siret: p?.siret ?? '',
    vatRegime: p?.vatRegime ?? '',
    vatNumber: p?.vatNumber ?? '',
    taxNumber: p?.taxNumber ?? '',
    iban: p?.iban ?? '',
    bic: p?.bic ?? '',
    accountHolder: p?.accountHolder ?? '',
  };
}

const compact = (s: string) => s.replace(/\s+/g, '');
const orNull = (s: string) => (s.trim() ? s.trim() : null);

/** The body the API expects: what does not apply to the kind left out (null), spaces out of the numbers. */
function toInput(v: ProfileValues): ProfileInput {
  const business = v.kind === 'business';
  const regime = business && v.vatRegime ? v.vatRegime : null;
  return {
    kind: v.kind,
    legalName: v.legalName.trim(),
    address: v.address.trim(),
    postalCode: v.postalCode.trim(),
    city: v.city.trim(),
    country: v.country.trim().toUpperCase(),
    birthDate: business ? null : orNull(v.birthDate),
    siret: business ? orNull(compact(v.siret)) : null,
    vatRegime: regime,
    vatNumber: regime === 'fr_vat' || regime === 'eu_reverse_charge' ? orNull(compact(v.vatNumber).toUpperCase()) : null,
    taxNumber: orNull(compact(v.taxNumber)),
    iban: orNull(compact(v.iban).toUpperCase()),
    bic: orNull(compact(v.bic).toUpperCase()),
    accountHolder: orNull(v.accountHolder),
  };
}

/** "/editeur/profil": who gets paid (identity, tax details, bank account), its proofs of registration, the self-billing mandate. */
export function ProfileTab() {
  const profile = useQuery({ queryKey: payoutKeys.profile, queryFn: payouts.profile });
  const [kind, setKind] = useState<PublisherKind | null>(null);
  useScrollToHash(!profile.isPending);
  if (profile.isPending || profile.error) return <QueryStatus query={profile} />;
  const shownKind = kind ?? profile.data.profile?.kind ?? 'business';
  return (
    <Stack gap="lg">
      <ProfileForm profile={profile.data.profile} missing={profile.data.completeness.missing} onKind={setKind} />
      <Proofs business={shownKind === 'business'} />
      {shownKind === 'business' && <MandateCard />}
    </Stack>
  );
}

function ProfileForm({
  profile,
  missing,
  onKind,
}: {
  profile: Profile | null;
  missing: string[];
  onKind: (k: PublisherKind) => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<ProfileValues>({
    initialValues: toValues(profile),
    validate: {
      legalName: (v) => (v.trim() ? null : t('validation.required')),
      address: (v) => (v.trim() ? null : t('validation.required')),
      postalCode: (v) => (v.trim() ? null : t('validation.required')),
      city: (v) => (v.trim() ? null : t('validation.required')),
      country: (v) => (/^[A-Za-z]{2}$/.test(v.trim()) ? null : t('payouts.profile.countryFormat')),
      birthDate: (v, values) =>
        values.kind === 'individual' && v && !/^\d{4}-\d{2}-\d{2}$/.test(v) ? t('payouts.profile.birthDateFormat') : null,
    },
  });
  const save = useMutation({
    mutationFn: (v: ProfileValues) => payouts.saveProfile(toInput(v)),
    onSuccess: async (answer) => {
      notifySuccess(t('payouts.profile.saved'));
      queryClient.setQueryData(payoutKeys.profile, answer);
      form.setValues(toValues(answer.profile));
      form.resetDirty();
      await refreshPayouts();
    },
    onError: (e) => setError(applyServerError(e, form, { 'profile.siret': 'siret', 'profile.iban': 'iban' })),
  });
  const business = form.values.kind === 'business';
  const regime = form.values.vatRegime;
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={4}>{t('payouts.profile.title')}</Title>
      <Text size="sm" c="dimmed" mb="md" maw={820}>
        {t('payouts.profile.help')}
      </Text>
      {profile &&
        (missing.length === 0 ? (
          <Alert color="teal" mb="md" data-testid="profile-complete">
            {t('payouts.profile.complete')} {t('payouts.profile.updatedAt', { date: formatDateTime(profile.updatedAt) })}
          </Alert>
        ) : (
          <Alert color="yellow" mb="md" title={t('payouts.profile.incomplete')} data-testid="profile-incomplete">
            <BlockerList missing={missing} minimumCents={0} links={false} />
          </Alert>
        ))}
      <form
        noValidate
        data-testid="profile-form"
        onSubmit={form.onSubmit((v) => {
          setError(null);
          save.mutate(v);
        })}
      >
        <Stack gap="md">
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('payouts.profile.kind')}
            </Text>
            <SegmentedControl
              value={form.values.kind}
              onChange={(v) => {
                form.setFieldValue('kind', v as PublisherKind);
                onKind(v as PublisherKind);
              }}
              data={[
                { value: 'business', label: t('payouts.profile.business') },
                { value: 'individual', label: t('payouts.profile.individual') },
              ]}
              data-testid="profile-kind"
            />
          </div>

          <Title order={5}>{t('payouts.profile.identity')}</Title>
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: business ? 12 : 8 }}>
              <TextInput
                label={business ? t('payouts.profile.legalNameBusiness') : t('payouts.profile.legalNameIndividual')}
                required
                data-testid="profile-legal-name"
                {...form.getInputProps('legalName')}
              />
            </Grid.Col>
            {!business && (
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput
                  type="date"
                  label={t('payouts.profile.birthDate')}
                  required
                  data-testid="profile-birth-date"
                  {...form.getInputProps('birthDate')}
                />
              </Grid.Col>
            )}
            <Grid.Col span={12}>
              <TextInput
                label={t('payouts.profile.address')}
                required
                data-testid="profile-address"
                {...form.getInputProps('address')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 3 }}>
              <TextInput
                label={t('payouts.profile.postalCode')}
                required
                data-testid="profile-postal-code"
                {...form.getInputProps('postalCode')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label={t('payouts.profile.city')} required data-testid="profile-city" {...form.getInputProps('city')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 3 }}>
              <TextInput
                label={t('payouts.profile.country')}
                placeholder="FR"
                maxLength={2}
                required
                data-testid="profile-country"
                {...form.getInputProps('country')}
              />
            </Grid.Col>
          </Grid>

          <Title order={5}>{t('payouts.profile.tax')}</Title>
          <Grid gap="sm">
            {business && (
              <>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <TextInput
                    label={t('payouts.profile.siret')}
                    description={t('payouts.profile.siretHelp')}
                    required
                    inputMode="numeric"
                    data-testid="profile-siret"
                    {...form.getInputProps('siret')}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Select
                    label={t('payouts.profile.vatRegime')}
                    description={t('payouts.profile.vatRegimeHelp')}
                    required
                    allowDeselect={false}
                    data={VAT_REGIMES.map((r) => ({ value: r, label: t(`payouts.profile.vatRegimes.${r}`) }))}
                    comboboxProps={{ withinPortal: true }}
                    data-testid="profile-vat-regime"
                    {...form.getInputProps('vatRegime')}
                    value={form.values.vatRegime || null}
                    onChange={(v) => form.setFieldValue('vatRegime', (v ?? '') as VatRegime | '')}
                  />
                </Grid.Col>
                {(regime === 'fr_vat' || regime === 'eu_reverse_charge') && (
                  <Grid.Col span={{ base: 12, sm: 6 }}>
                    <TextInput
                      label={t('payouts.profile.vatNumber')}
                      description={t('payouts.profile.vatNumberHelp')}
                      required
                      data-testid="profile-vat-number"
                      {...form.getInputProps('vatNumber')}
                    />
                  </Grid.Col>
                )}
              </>
            )}
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput
                label={t('payouts.profile.taxNumber')}
                description={t('payouts.profile.taxNumberHelp')}
                required={!business}
                data-testid="profile-tax-number"
                {...form.getInputProps('taxNumber')}
              />
            </Grid.Col>
          </Grid>

          <Title order={5}>{t('payouts.profile.bank')}</Title>
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: 8 }}>
              <TextInput
                label={t('payouts.profile.iban')}
                placeholder="FR76 3000 6000 0112 3456 7890 189"
                required={business}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                data-testid="profile-iban"
                {...form.getInputProps('iban')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <TextInput
                label={t('payouts.profile.bic')}
                required={business}
                data-testid="profile-bic"
                {...form.getInputProps('bic')}
              />
            </Grid.Col>
            <Grid.Col span={12}>
              <TextInput
                label={t('payouts.profile.accountHolder')}
                required={business}
                data-testid="profile-account-holder"
                {...form.getInputProps('accountHolder')}
              />
            </Grid.Col>
          </Grid>

          {error && (
            <Alert color="red" data-testid="profile-error">
              {error}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="profile-submit">
              {t('payouts.profile.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

const DAY = 86_400_000;

function Proofs({ business }: { business: boolean }) {
  const { t } = useTranslation();
  const documents = useQuery({ queryKey: payoutKeys.documents, queryFn: payouts.documents });
  const items = documents.data?.items ?? [];
  // The reminder: the accepted proof that lasts longest, when it ends within 30 days (or has ended).
  const accepted = items
    .filter((d) => d.status === 'accepted' && d.validUntil)
    .sort((a, b) => (b.validUntil ?? '').localeCompare(a.validUntil ?? ''))[0];
  const now = Date.now();
  const until = accepted?.validUntil ? new Date(accepted.validUntil).getTime() : null;
  // A newer proof waiting for review makes the reminder moot.
  const renewing = items.some((d) => d.status === 'pending');
  return (
    <Card withBorder radius="md" padding="lg" id="justificatifs" style={{ scrollMarginTop: 80 }} data-testid="proofs">
      <Title order={4}>{t('payouts.proofs.title')}</Title>
      {!business ? (
        <Text size="sm" c="dimmed" mt={4} data-testid="proofs-individual">
          {t('payouts.proofs.individualNote')}
        </Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="md" maw={820}>
            {t('payouts.proofs.help')}
          </Text>
          {until !== null && !renewing && until < now && (
            <Alert color="red" mb="md" data-testid="proof-expired">
              {t('payouts.proofs.expired', { date: formatDate(accepted!.validUntil) })}
            </Alert>
          )}
          {until !== null && !renewing && until >= now && until - now <= 30 * DAY && (
            <Alert color="yellow" mb="md" data-testid="proof-expires-soon">
              {t('payouts.proofs.expiresSoon', { date: formatDate(accepted!.validUntil) })}
            </Alert>
          )}
          <UploadForm />
          {documents.isPending || documents.error ? (
            <QueryStatus query={documents} />
          ) : items.length === 0 ? (
            <Text c="dimmed" ta="center" py="md" data-testid="documents-empty">
              {t('payouts.proofs.none')}
            </Text>
          ) : (
            <DocumentsTable items={items} />
          )}
        </>
      )}
    </Card>
  );
}

function DocumentsTable({ items }: { items: PublisherDocument[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760} mt="md">
      <Table verticalSpacing="xs" data-testid="documents">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('payouts.proofs.kind')}</Table.Th>
            <Table.Th>{t('payouts.proofs.file')}</Table.Th>
            <Table.Th>{t('payouts.proofs.issuedOn')}</Table.Th>
            <Table.Th>{t('payouts.proofs.uploadedAt')}</Table.Th>
            <Table.Th>{t('payouts.proofs.status')}</Table.Th>
            <Table.Th>{t('payouts.proofs.validUntil')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((d) => (
            <Table.Tr key={d.id} data-testid="document-row" data-id={d.id} data-status={d.status}>
              <Table.Td>{t(`payouts.proofs.kinds.${d.kind}`)}</Table.Td>
              <Table.Td miw={160} maw={240}>
                <Anchor
                  href={payouts.documentFileUrl(d.id)}
                  size="sm"
                  style={{ wordBreak: 'break-all' }}
                  data-testid="document-file"
                >
                  {d.fileName}
                </Anchor>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(d.issuedOn)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(d.uploadedAt)}</Table.Td>
              <Table.Td>
                <DocumentStatusBadge status={d.status} />
                {d.status === 'refused' && d.refusalReason && (
                  <Text size="xs" c="red.8" mt={2} maw={280} data-testid="document-refusal">
                    {t('payouts.proofs.refusal', { reason: d.refusalReason })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="document-valid-until">
                {d.validUntil ? formatDate(d.validUntil) : '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Today in the browser's calendar, as YYYY-MM-DD (the latest date a proof may carry). */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function UploadForm() {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<{ kind: DocumentKind; issuedOn: string; file: File | null }>({
    initialValues: { kind: 'urssaf_vigilance', issuedOn: today(), file: null },
    validate: {
      issuedOn: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? null : t('validation.required')),
      file: (f) => {
        if (!f) return t('payouts.proofs.fileRequired');
        if (!(PROOF_TYPES as readonly string[]).includes(f.type)) return t('payouts.proofs.wrongType');
        if (f.size > PROOF_MAX_BYTES) return t('payouts.proofs.tooLarge');
        return null;
      },
    },
  });
  const upload = useMutation({
    mutationFn: (v: typeof form.values) => payouts.uploadDocument(v.file!, v.kind, v.issuedOn),
    onSuccess: async () => {
      notifySuccess(t('payouts.proofs.uploaded'));
      form.setFieldValue('file', null);
      await refreshPayouts();
    },
    onError: (e) => setError(applyServerError(e, form, { fileName: 'file', document_type: 'file' })),
  });
  // Checked as soon as it is chosen, not only on sending.
  useEffect(() => {
    if (form.values.file) form.validateField('file');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [form.values.file]);
  return (
    <form
      noValidate
      data-testid="upload-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        upload.mutate(v);
      })}
    >
      <Grid gap="sm" align="flex-start">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Select
            label={t('payouts.proofs.kind')}
            data={DOCUMENT_KINDS.map((k) => ({ value: k, label: t(`payouts.proofs.kinds.${k}`) }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
            data-testid="upload-kind"
            {...form.getInputProps('kind')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 5, md: 3 }}>
          <TextInput
            type="date"
            label={t('payouts.proofs.issuedOn')}
            max={today()}
            required
            data-testid="upload-issued-on"
            {...form.getInputProps('issuedOn')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 7, md: 5 }}>
          <FileInput
            label={t('payouts.proofs.file')}
            placeholder={t('payouts.proofs.filePlaceholder')}
            accept={PROOF_TYPES.join(',')}
            clearable
            required
            data-testid="upload-file"
            {...form.getInputProps('file')}
          />
        </Grid.Col>
      </Grid>
      {error && (
        <Alert color="red" mt="sm" data-testid="upload-error">
          {error}
        </Alert>
      )}
      <Group mt="sm">
        <Button type="submit" loading={upload.isPending} data-testid="upload-submit">
          {t('payouts.proofs.upload')}
        </Button>
      </Group>
    </form>
  );
}

function MandateCard() {
  const { t } = useTranslation();
  const mandate = useQuery({ queryKey: payoutKeys.mandate, queryFn: payouts.mandate });
  const [agreed, setAgreed] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const accept = useMutation({
    mutationFn: (version: string) => payouts.acceptMandate(version),
    onSuccess: async () => {
      notifySuccess(t('payouts.mandate.accepted'));
      setAgreed(false);
      await refreshPayouts();
    },
    onError: notifyError,
  });
  const revoke = useMutation({
    mutationFn: payouts.revokeMandate,
    onSuccess: async () => {
      notifySuccess(t('payouts.mandate.revoked'));
      setRevoking(false);
      await refreshPayouts();
    },
    onError: notifyError,
  });
  const data = mandate.data;
  const current = data?.current && !data.current.revokedAt ? data.current : null;
  const upToDate = current !== null && current.version === data?.version;
  return (
    <Card withBorder radius="md" padding="lg" id="mandat" style={{ scrollMarginTop: 80 }} data-testid="mandate">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={4}>{t('payouts.mandate.title')}</Title>
          <Text size="sm" c="dimmed" maw={820}>
            {t('payouts.mandate.help')}
          </Text>
        </div>
        {data && (
          <Text size="sm" c="dimmed">
            {t('payouts.mandate.version', { version: data.version })}
          </Text>
        )}
      </Group>
      {mandate.isPending || mandate.error ? (
        <QueryStatus query={mandate} />
      ) : (
        <Stack gap="sm" mt="md">
          <ScrollArea.Autosize
            mah={260}
            type="auto"
            offsetScrollbars
            style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
          >
            <Text size="sm" p="md" style={{ whiteSpace: 'pre-wrap' }} data-testid="mandate-text">
              {data!.text}
            </Text>
          </ScrollArea.Autosize>
          {current && (
            <Alert color={upToDate ? 'teal' : 'yellow'} data-testid="mandate-accepted">
              <Group justify="space-between" wrap="wrap" gap="sm">
                <Text size="sm">
                  {t('payouts.mandate.version', { version: current.version })}
                  {' — '}
                  {t('payouts.mandate.acceptedBy', {
                    name: current.acceptedBy,
                    date: formatDateTime(current.acceptedAt),
                    ip: current.acceptedFrom,
                  })}
                  {!upToDate && (
                    <>
                      <br />
                      {t('payouts.mandate.outdated', { version: data!.version })}
                    </>
                  )}
                </Text>
                <Button
                  size="compact-sm"
                  variant="default"
                  color="red"
                  onClick={() => setRevoking(true)}
                  data-testid="mandate-revoke"
                >
                  {t('payouts.mandate.revoke')}
                </Button>
              </Group>
            </Alert>
          )}
          {!upToDate && (
            <Group justify="space-between" wrap="wrap">
              <Checkbox
                label={t('payouts.mandate.accept')}
                checked={agreed}
                onChange={(e) => setAgreed(e.currentTarget.checked)}
                data-testid="mandate-agree"
              />
              <Button
                disabled={!agreed}
                loading={accept.isPending}
                onClick={() => accept.mutate(data!.version)}
                data-testid="mandate-accept"
              >
                {t('payouts.mandate.submit')}
              </Button>
            </Group>
          )}
        </Stack>
      )}
      <Modal opened={revoking} onClose={() => setRevoking(false)} title={t('payouts.mandate.revokeTitle')} centered>
        <Stack>
          <Text size="sm">{t('payouts.mandate.revokeHelp')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate()} data-testid="mandate-revoke-confirm">
              {t('payouts.mandate.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
