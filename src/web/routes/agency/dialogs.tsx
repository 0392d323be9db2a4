import { useState } from 'react';
import {
  Alert,
  Button,
  Center,
  Checkbox,
  Divider,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../../api/endpoints';
import { useSession } from '../../api/queries';
import type { AccountListItem, Mode, Plan, Role } from '../../api/types';
import { CompanyFields, emptyCompany, formToCompany } from '../../components/CompanyFields';
import { PlanView } from '../../components/PlanView';
import { applyServerError, messageOf, notifySuccess } from '../../components/serverErrors';
import {
  creatableRoles,
  descendantsOf,
  isCollaborator,
  moveOptions,
  parentOptions,
  refreshHierarchy,
  type CollaboratorRole,
} from '../../components/hierarchy';

type Member = Pick<AccountListItem, 'id' | 'name' | 'role' | 'parentId' | 'active'>;

function useRoleLabel() {
  const { t } = useTranslation();
  return (r: Role) => t(`roles.${r}`);
}

function ModalActions({ children }: { children: React.ReactNode }) {
  return (
    <Group justify="flex-end" mt="md">
      {children}
    </Group>
  );
}

// ---------------------------------------------------------------------------------------------
// Mode switch: the plan first (dry run), then "Appliquer".

export function ModeSwitchModal({
  target,
  currentMode,
  onClose,
}: {
  target: Mode | null;
  currentMode: Mode;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target ? t('agency.switchTitle', { from: t(`modes.${currentMode}.label`), to: t(`modes.${target}.label`) }) : ''}
      size="lg"
      centered
    >
      {target && <ModeSwitchPlan key={target} target={target} onClose={onClose} />}
    </Modal>
  );
}

/**
 * The plan of a switch to `target`. When it would restore suspended collaborators, a checkbox
 * (checked) lets the agency switch without restoring: unchecked, the plan is asked again with
 * `restore: false`, and applying sends the choice.
 */
function ModeSwitchPlan({ target, onClose }: { target: Mode; onClose: () => void }) {
  const { t } = useTranslation();
  const [restore, setRestore] = useState(true);
  const preview = useQuery({
    queryKey: ['mode-plan', target, restore],
    queryFn: () => endpoints.switchMode({ mode: target, dryRun: true, restore }),
    gcTime: 0,
    staleTime: 0,
    // the other choice's plan stays on screen (apply disabled) while this one loads
    placeholderData: keepPreviousData,
  });
  const [error, setError] = useState<string | null>(null);
  const apply = useMutation({
    mutationFn: () => endpoints.switchMode({ mode: target, dryRun: false, restore }),
    onSuccess: async (result) => {
      notifySuccess(t('agency.modeApplied', { mode: t(`modes.${result.mode}.label`) }));
      await refreshHierarchy();
      onClose();
    },
    onError: (e) => setError(messageOf(e)),
  });
  const offersRestore = !restore || preview.isPlaceholderData || (preview.data?.plan.restored.length ?? 0) > 0;
  return (
    <Stack data-testid="mode-plan-modal">
      <Text size="sm">{t(`modes.${target}.description`)}</Text>
      {offersRestore && (
        <Checkbox
          label={t('agency.restoreSuspended')}
          description={t('agency.restoreSuspendedHelp')}
          checked={restore}
          onChange={(e) => {
            setError(null);
            setRestore(e.currentTarget.checked);
          }}
          data-testid="mode-restore"
        />
      )}
      <Divider />
      {preview.isPending ? (
        <Center py="md">
          <Loader size="sm" />
        </Center>
      ) : preview.error ? (
        <Alert color="red">{messageOf(preview.error)}</Alert>
      ) : (
        <PlanView plan={preview.data.plan} closing="suspended" />
      )}
      {error && <Alert color="red">{error}</Alert>}
      <ModalActions>
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={() => apply.mutate()}
          loading={apply.isPending}
          disabled={!preview.data || preview.isFetching}
          data-testid="apply-plan"
        >
          {t('plan.apply')}
        </Button>
      </ModalActions>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------
// Creating a collaborator (manager, consultant) or a client.

type CreateProps = {
  onClose: () => void;
  kind: 'collaborator' | 'client';
  mode: Mode;
  /** the active accounts below the viewer that may be parents (at least managers and consultants) */
  members: Member[];
};

export function CreateMemberModal({ opened, ...props }: CreateProps & { opened: boolean }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={props.onClose}
      title={props.kind === 'client' ? t('agency.addClient') : t('agency.addCollaborator')}
      size={props.kind === 'client' ? 'lg' : 'md'}
      centered
    >
      <CreateMemberForm {...props} />
    </Modal>
  );
}

function CreateMemberForm({ onClose, kind, mode, members }: CreateProps) {
  const { t } = useTranslation();
  const me = useSession();
  const roleLabel = useRoleLabel();
  const roles = creatableRoles(me.account, mode).filter((r) => (kind === 'client' ? r === 'client' : r !== 'client'));
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      role: (roles[0] ?? (kind === 'client' ? 'client' : 'manager')) as string,
      name: '',
      email: '',
      parentId: me.account.id,
      withCompany: false,
      company: emptyCompany(),
    },
    validate: {
      name: (v) => (v.trim() ? null : t('validation.required')),
      parentId: (v) => (v ? null : t('validation.required')),
    },
  });
  const parents = parentOptions(me.account, members, form.values.role as Role, new Set(), roleLabel);
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      endpoints.createAccount({
        role: v.role as 'manager' | 'consultant' | 'client',
        name: v.name.trim(),
        email: v.email.trim() || undefined,
        parentId: v.parentId,
        company: v.withCompany ? formToCompany(v.company) : undefined,
      }),
    onSuccess: async (account) => {
      notifySuccess(
        account.email
          ? t('agency.createdInvited', { name: account.name, email: account.email })
          : t('agency.created', { name: account.name }),
      );
      await refreshHierarchy();
      onClose();
    },
    onError: (e) => setFormError(applyServerError(e, form, kind === 'client' ? { role: null } : {})),
  });
  const close = onClose;
  return (
    <form
      noValidate
      data-testid={kind === 'client' ? 'create-client-form' : 'create-collaborator-form'}
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        create.mutate(v);
      })}
    >
      <Stack>
        {kind === 'collaborator' && (
          <Select
            label={t('fields.role')}
            data={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
            allowDeselect={false}
            required
            data-testid="member-role"
            {...form.getInputProps('role')}
            onChange={(value) => {
              form.setFieldValue('role', value ?? form.values.role);
              const stillValid = parentOptions(me.account, members, (value ?? 'client') as Role, new Set(), roleLabel).some(
                (p) => p.value === form.values.parentId,
              );
              if (!stillValid) form.setFieldValue('parentId', me.account.id);
            }}
          />
        )}
        <TextInput label={t('fields.name')} required data-autofocus data-testid="member-name" {...form.getInputProps('name')} />
        <TextInput
          label={t('fields.emailOptional')}
          description={kind === 'client' ? t('agency.clientEmailHelp') : t('agency.collaboratorEmailHelp')}
          type="email"
          data-testid="member-email"
          {...form.getInputProps('email')}
        />
        <Select
          label={kind === 'client' ? t('fields.personInCharge') : t('fields.parent')}
          data={parents.map((p) => ({ value: p.value, label: p.label }))}
          searchable
          allowDeselect={false}
          nothingFoundMessage={t('common.nothingFound')}
          required
          data-testid="member-parent"
          {...form.getInputProps('parentId')}
        />
        {kind === 'client' && (
          <>
            <Switch
              label={t('company.include')}
              description={t('company.includeHelp')}
              data-testid="member-with-company"
              {...form.getInputProps('withCompany', { type: 'checkbox' })}
            />
            {form.values.withCompany && <CompanyFields form={form} />}
          </>
        )}
        {formError && <Alert color="red">{formError}</Alert>}
        <ModalActions>
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="member-submit">
            {t('common.create')}
          </Button>
        </ModalActions>
      </Stack>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Changing a collaborator's role: the plan (who moves to whom) first, then apply.

type RoleChangeProps = { members: Member[]; mode: Mode; onClose: () => void };

export function RoleChangeModal({ account, ...props }: RoleChangeProps & { account: Member | null }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={account !== null}
      onClose={props.onClose}
      title={account ? t('agency.changeRoleOf', { name: account.name }) : ''}
      centered
      size="lg"
    >
      {account && <RoleChangeForm key={account.id} account={account} {...props} />}
    </Modal>
  );
}

function RoleChangeForm({ account, members, mode, onClose }: RoleChangeProps & { account: Member }) {
  const { t } = useTranslation();
  const me = useSession();
  const roleLabel = useRoleLabel();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const targets = creatableRoles(me.account, mode).filter((r): r is CollaboratorRole => isCollaborator(r) && r !== account.role);
  const form = useForm({
    initialValues: { role: (targets[0] ?? '') as string, childrenTo: '' },
    validate: { role: (v) => (v ? null : t('validation.required')) },
  });
  const below = descendantsOf(account.id, members);
  // Whoever takes over the accounts the new role no longer outranks: outside the moved subtree.
  const heirs = parentOptions(me.account, members, 'client', below, roleLabel);
  const run = useMutation({
    mutationFn: (dryRun: boolean) =>
      endpoints.updateAccount(account.id, {
        role: form.values.role as CollaboratorRole,
        childrenTo: form.values.childrenTo || undefined,
        dryRun,
      }),
    onSuccess: async (result, dryRun) => {
      if (dryRun) return setPlan(result.plan);
      notifySuccess(t('agency.roleChanged', { name: result.name, role: t(`rolesInText.${result.role}`) }));
      await refreshHierarchy();
      close();
    },
    onError: (e) => {
      setPlan(null);
      setFormError(applyServerError(e, form, { parentId: 'role' }));
    },
  });
  const close = onClose;
  return (
    <Stack data-testid="role-change-modal">
      {targets.length === 0 ? (
        <Alert color="gray">{t('agency.noOtherRole')}</Alert>
      ) : (
        <>
          <Text size="sm">{t('agency.currentRole', { role: roleLabel(account.role) })}</Text>
          <Select
            label={t('fields.newRole')}
            data={targets.map((r) => ({ value: r, label: roleLabel(r) }))}
            allowDeselect={false}
            data-testid="new-role"
            {...form.getInputProps('role')}
            onChange={(v) => {
              setPlan(null);
              form.setFieldValue('role', v ?? '');
            }}
          />
          <Select
            label={t('fields.childrenTo')}
            description={t('agency.childrenToHelp')}
            placeholder={t('agency.childrenToDefault')}
            data={heirs.map((h) => ({ value: h.value, label: h.label }))}
            clearable
            searchable
            {...form.getInputProps('childrenTo')}
            onChange={(v) => {
              setPlan(null);
              form.setFieldValue('childrenTo', v ?? '');
            }}
          />
        </>
      )}
      {plan && (
        <>
          <Divider label={t('plan.title')} labelPosition="left" />
          <PlanView plan={plan} />
        </>
      )}
      {formError && <Alert color="red">{formError}</Alert>}
      <ModalActions>
        <Button variant="default" onClick={close}>
          {t('common.cancel')}
        </Button>
        {plan ? (
          <Button onClick={() => run.mutate(false)} loading={run.isPending} data-testid="apply-plan">
            {t('plan.apply')}
          </Button>
        ) : (
          <Button
            onClick={() => form.validate().hasErrors || run.mutate(true)}
            loading={run.isPending}
            disabled={targets.length === 0}
            data-testid="preview-plan"
          >
            {t('plan.preview')}
          </Button>
        )}
      </ModalActions>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------
// Moving an account (a client's person in charge, a collaborator's manager): its subtree follows.

export function MoveModal({ account, members, onClose }: { account: Member | null; members: Member[]; onClose: () => void }) {
  const { t } = useTranslation();
  const title = account
    ? account.role === 'client'
      ? t('agency.changeInChargeOf', { name: account.name })
      : t('agency.moveOf', { name: account.name })
    : '';
  return (
    <Modal opened={account !== null} onClose={onClose} title={title} centered>
      {account && <MoveForm key={account.id} account={account} members={members} onClose={onClose} />}
    </Modal>
  );
}

function MoveForm({ account, members, onClose }: { account: Member; members: Member[]; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const roleLabel = useRoleLabel();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { parentId: '' },
    validate: { parentId: (v) => (v ? null : t('validation.required')) },
  });
  const options = moveOptions(me.account, account, members, roleLabel);
  const move = useMutation({
    mutationFn: (parentId: string) => endpoints.updateAccount(account.id, { parentId, dryRun: false }),
    onSuccess: async (result) => {
      const to = options.find((o) => o.value === result.parentId);
      notifySuccess(t('agency.moved', { name: result.name, to: to?.label ?? '' }));
      await refreshHierarchy();
      close();
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  const close = onClose;
  const isClient = account.role === 'client';
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        move.mutate(v.parentId);
      })}
    >
      <Stack data-testid="move-modal">
        {!isClient && <Text size="sm">{t('agency.moveHelp')}</Text>}
        <Select
          label={isClient ? t('fields.personInCharge') : t('fields.newParent')}
          data={options.map((o) => ({ value: o.value, label: o.label }))}
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          required
          data-testid="move-parent"
          {...form.getInputProps('parentId')}
        />
        {formError && <Alert color="red">{formError}</Alert>}
        <ModalActions>
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={move.isPending} data-testid="move-submit">
            {t('common.save')}
          </Button>
        </ModalActions>
      </Stack>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Deactivating: the plan (children and credits go to the parent), then confirm.

export function DeactivateModal({ account, onClose }: { account: Member | null; onClose: () => void }) {
  const { t } = useTranslation();
  const preview = useQuery({
    queryKey: ['deactivate-plan', account?.id],
    queryFn: () => endpoints.deactivateAccount(account!.id, true),
    enabled: account !== null,
    gcTime: 0,
    staleTime: 0,
  });
  const [error, setError] = useState<string | null>(null);
  const apply = useMutation({
    mutationFn: () => endpoints.deactivateAccount(account!.id, false),
    onSuccess: async (result) => {
      notifySuccess(t('agency.deactivated', { name: result.name }));
      await refreshHierarchy();
      close();
    },
    onError: (e) => setError(messageOf(e)),
  });
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Modal
      opened={account !== null}
      onClose={close}
      title={account ? t('agency.deactivateOf', { name: account.name }) : ''}
      centered
      size="lg"
    >
      <Stack data-testid="deactivate-modal">
        <Text size="sm">{t('agency.deactivateHelp')}</Text>
        {preview.isPending ? (
          <Center py="md">
            <Loader size="sm" />
          </Center>
        ) : preview.error ? (
          <Alert color="red">{messageOf(preview.error)}</Alert>
        ) : (
          <PlanView plan={preview.data.plan} />
        )}
        {error && <Alert color="red">{error}</Alert>}
        <ModalActions>
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            onClick={() => apply.mutate()}
            loading={apply.isPending}
            disabled={!preview.data}
            data-testid="confirm-deactivate"
          >
            {t('agency.deactivate')}
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
