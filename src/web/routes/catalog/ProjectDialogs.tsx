import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketplace, type Campaign, type Project } from '../../api/marketplace';
import { toCents } from '../../components/market';
import { applyServerError, notifySuccess } from '../../components/serverErrors';
import { decimalSeparator } from '../../components/format';

/** "Nouveau projet" for a client: a name and its site (URL or domain). */
export function NewProjectModal({
  clientId,
  opened,
  onClose,
  onCreated,
}: {
  clientId: string | null;
  opened: boolean;
  onClose: () => void;
  onCreated: (project: Project) => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened && clientId !== null} onClose={onClose} title={t('orderForm.newProject')} centered>
      {clientId && <NewProjectForm clientId={clientId} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function NewProjectForm({ clientId, onClose, onCreated }: { clientId: string; onClose: () => void; onCreated: (p: Project) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', url: '' },
    validate: {
      name: (v) => (v.trim() ? null : t('validation.required')),
      url: (v) => (v.trim() ? null : t('validation.required')),
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) => marketplace.createProject({ clientId, name: v.name.trim(), url: v.url.trim() }),
    onSuccess: async (project) => {
      notifySuccess(t('orderForm.projectCreated', { name: project.name }));
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      onCreated(project);
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form, { clientId: null })),
  });
  return (
    <form
      noValidate
      data-testid="new-project-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        create.mutate(v);
      })}
    >
      <Stack>
        <TextInput label={t('orderForm.projectName')} required data-autofocus data-testid="project-name" {...form.getInputProps('name')} />
        <TextInput
          label={t('orderForm.projectUrl')}
          description={t('orderForm.projectUrlHelp')}
          required
          data-testid="project-url"
          {...form.getInputProps('url')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="project-submit">
            {t('common.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Nouvelle campagne" in a project: a name, an optional goal, budget cap and dates. */
export function NewCampaignModal({
  projectId,
  opened,
  onClose,
  onCreated,
}: {
  projectId: string | null;
  opened: boolean;
  onClose: () => void;
  onCreated: (campaign: Campaign) => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened && projectId !== null} onClose={onClose} title={t('orderForm.newCampaign')} centered>
      {projectId && <NewCampaignForm projectId={projectId} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function NewCampaignForm({ projectId, onClose, onCreated }: { projectId: string; onClose: () => void; onCreated: (c: Campaign) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', goal: '', budgetCents: '' as string | number, startsOn: '', endsOn: '' },
    validate: { name: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      marketplace.createCampaign({
        projectId,
        name: v.name.trim(),
        goal: v.goal.trim() || undefined,
        budgetCents: toCents(v.budgetCents),
        startsOn: v.startsOn || undefined,
        endsOn: v.endsOn || undefined,
      }),
    onSuccess: async (campaign) => {
      notifySuccess(t('orderForm.campaignCreated', { name: campaign.name }));
      await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      onCreated(campaign);
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form, { projectId: null })),
  });
  return (
    <form
      noValidate
      data-testid="new-campaign-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        create.mutate(v);
      })}
    >
      <Stack>
        <TextInput label={t('orderForm.campaignName')} required data-autofocus data-testid="campaign-name" {...form.getInputProps('name')} />
        <TextInput label={t('orderForm.campaignGoal')} data-testid="campaign-goal" {...form.getInputProps('goal')} />
        <NumberInput
          label={t('orderForm.budget')}
          min={1}
          decimalSeparator={decimalSeparator()}
          decimalScale={2}
          allowNegative={false}
          suffix={t('market.euroSuffix')}
          data-testid="campaign-budget"
          {...form.getInputProps('budgetCents')}
        />
        <SimpleGrid cols={2}>
          <TextInput type="date" label={t('orderForm.startsOn')} data-testid="campaign-starts" {...form.getInputProps('startsOn')} />
          <TextInput type="date" label={t('orderForm.endsOn')} data-testid="campaign-ends" {...form.getInputProps('endsOn')} />
        </SimpleGrid>
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="campaign-submit">
            {t('common.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
