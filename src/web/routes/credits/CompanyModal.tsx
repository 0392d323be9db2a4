import { useState } from 'react';
import { Alert, Button, Center, Group, Loader, Modal, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../../api/endpoints';
import { keys, queryClient } from '../../api/queries';
import type { AccountDetail } from '../../api/types';
import { CompanyFields, companyToForm, formToCompany } from '../../components/CompanyFields';
import { applyServerError, messageOf, notifySuccess } from '../../components/serverErrors';

/** The billing details of an account in reach (not the caller's own: "Mon compte" does that), `PATCH /api/accounts/:id`. */
export function CompanyModal({ account, onClose }: { account: { id: string; name: string } | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={account !== null}
      onClose={onClose}
      title={account ? t('credits.topUp.companyTitle', { name: account.name }) : ''}
      size="lg"
      centered
    >
      {account && <Loaded id={account.id} onClose={onClose} />}
    </Modal>
  );
}

function Loaded({ id, onClose }: { id: string; onClose: () => void }) {
  const account = useQuery({ queryKey: keys.account(id), queryFn: () => endpoints.account(id) });
  if (account.isPending) {
    return (
      <Center py="lg">
        <Loader size="sm" />
      </Center>
    );
  }
  if (account.error) return <Alert color="red">{messageOf(account.error)}</Alert>;
  return <CompanyForm account={account.data} onClose={onClose} />;
}

function CompanyForm({ account, onClose }: { account: AccountDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: { company: companyToForm(account.company) } });
  const save = useMutation({
    mutationFn: (v: typeof form.values) => endpoints.updateAccount(account.id, { company: formToCompany(v.company) }),
    onSuccess: async () => {
      notifySuccess(t('credits.topUp.companySaved', { name: account.name }));
      await queryClient.invalidateQueries({ queryKey: keys.account(account.id) });
      onClose();
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="company-form"
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
    >
      <Stack>
        <CompanyFields form={form} />
        {formError && <Alert color="red">{formError}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="company-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
