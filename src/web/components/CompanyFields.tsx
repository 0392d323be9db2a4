import { Grid, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Company, CompanyInput } from '../api/types';

export type CompanyFormValues = {
  legalName: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  siret: string;
  vatNumber: string;
};

export const emptyCompany = (): CompanyFormValues => ({
  legalName: '',
  address: '',
  postalCode: '',
  city: '',
  country: 'FR',
  siret: '',
  vatNumber: '',
});

export function companyToForm(company: Company | null | undefined): CompanyFormValues {
  if (!company) return emptyCompany();
  return {
    legalName: company.legalName,
    address: company.address,
    postalCode: company.postalCode,
    city: company.city,
    country: company.country,
    siret: company.siret ?? '',
    vatNumber: company.vatNumber ?? '',
  };
}

/** The body the API expects: optional numbers left out when empty, spaces removed from them. */
export function formToCompany(values: CompanyFormValues): CompanyInput {
  const siret = values.siret.replace(/\s+/g, '');
  const vat = values.vatNumber.replace(/\s+/g, '').toUpperCase();
  return {
    legalName: values.legalName,
    address: values.address,
    postalCode: values.postalCode,
    city: values.city,
    country: values.country.trim().toUpperCase(),
    siret: siret || null,
    vatNumber: vat || null,
  };
}

/** Billing details (invoices carry them), under `company.*` of the given form. */
export function CompanyFields<T extends { company: CompanyFormValues }>({ form }: { form: UseFormReturnType<T> }) {
  const { t } = useTranslation();
  const f = form as unknown as UseFormReturnType<{ company: CompanyFormValues }>;
  return (
    <Grid gap="sm" data-testid="company-fields">
      <Grid.Col span={12}>
        <TextInput label={t('company.legalName')} required {...f.getInputProps('company.legalName')} />
      </Grid.Col>
      <Grid.Col span={12}>
        <TextInput label={t('company.address')} required {...f.getInputProps('company.address')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <TextInput label={t('company.postalCode')} required {...f.getInputProps('company.postalCode')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 5 }}>
        <TextInput label={t('company.city')} required {...f.getInputProps('company.city')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 3 }}>
        <TextInput label={t('company.country')} placeholder="FR" required maxLength={2} {...f.getInputProps('company.country')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput label={t('company.siret')} description={t('company.siretHint')} {...f.getInputProps('company.siret')} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput label={t('company.vatNumber')} description={t('company.vatHint')} {...f.getInputProps('company.vatNumber')} />
      </Grid.Col>
    </Grid>
  );
}
