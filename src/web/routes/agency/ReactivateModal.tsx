import { useState } from 'react';
import { Alert, Button, Center, Divider, Group, Loader, Modal, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../../api/endpoints';
import { useSession } from '../../api/queries';
import type { AccountListItem, Role } from '../../api/types';
import { descendantsOf, parentOptions, refreshHierarchy } from '../../components/hierarchy';
import { PlanView } from '../../components/PlanView';
import { fieldErrorOf, messageOf, notifySuccess } from '../../components/serverErrors';

type Member = Pick<AccountListItem, 'id' | 'name' | 'role' | 'parentId' | 'active'>;
type Props = {
  /** the open accounts in reach that may hold it (closed ones are never offered) */
  members: Member[];
  onClose: () => void;
};

/** "Réactiver": the plan first (where it goes back, who comes back with it), an optional other parent, then apply. */
export function ReactivateModal({ account, ...props }: Props & { account: Member | null }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={account !== null}
      onClose={props.onClose}
      title={account ? t('agency.reactivateOf', { name: account.name }) : ''}
      centered
      size="lg"
    >
      {account && <ReactivateForm key={account.id} account={account} {...props} />}
    </Modal>
  );
}

function ReactivateForm({ account, members, onClose }: Props & { account: Member }) {
  const { t } = useTranslation();
  const me = useSession();
  const [parentId, setParentId] = useState<string | null>(null);
  const body = { parentId: parentId ?? undefined };
  const preview = useQuery({
    queryKey: ['reactivate-plan', account.id, parentId],
    queryFn: () => endpoints.reactivateAccount(account.id, { ...body, dryRun: true }),
    gcTime: 0,
    staleTime: 0,
  });
  const apply = useMutation({
    mutationFn: () => endpoints.reactivateAccount(account.id, { ...body, dryRun: false }),
    onSuccess: async (result) => {
      const invited = result.plan.restored.some((r) => r.accountId === result.id && r.invited);
      notifySuccess(
        invited && result.email
          ? t('agency.reactivatedInvited', { name: result.name, email: result.email })
          : t('agency.reactivated', { name: result.name }),
      );
      await refreshHierarchy();
      onClose();
    },
  });
  const parents = parentOptions(me.account, members, account.role, descendantsOf(account.id, members), (r: Role) =>
    t(`roles.${r}`),
  );
  // The server's answer, dry run or apply: on the parent picker when it is about the parent, else above the buttons.
  const error = apply.error ?? preview.error;
  const parentError = fieldErrorOf(error, 'parentId');
  const formError = error && !parentError ? messageOf(error) : null;
  // when the mode itself lacks the role, no parent would do: the picker is of no use
  const roleRefused = fieldErrorOf(error, 'role') !== null;
  return (
    <Stack data-testid="reactivate-modal">
      <Text size="sm">{t('agency.reactivateHelp')}</Text>
      {!roleRefused && (
        <Select
          label={t('agency.reactivateParent')}
          description={t('agency.reactivateParentHelp')}
          placeholder={t('agency.reactivateParentDefault')}
          data={parents.map((p) => ({ value: p.value, label: p.label }))}
          value={parentId}
          onChange={(v) => {
            apply.reset();
            setParentId(v);
          }}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          error={parentError}
          data-testid="reactivate-parent"
        />
      )}
      {preview.isPending ? (
        <Center py="md">
          <Loader size="sm" />
        </Center>
      ) : (
        preview.data && (
          <>
            <Divider label={t('plan.title')} labelPosition="left" />
            <PlanView plan={preview.data.plan} />
          </>
        )
      )}
      {formError && (
        <Alert color="red" data-testid="reactivate-error">
          {formError}
        </Alert>
      )}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={() => apply.mutate()}
          loading={apply.isPending}
          disabled={!preview.data || preview.isFetching}
          data-testid="confirm-reactivate"
        >
          {t('agency.reactivate')}
        </Button>
      </Group>
    </Stack>
  );
}
