import { Select, type SelectProps } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { claimEndpoints } from '../../api/claims';
import { marketKeys } from '../../api/marketplace';
import { queryClient } from '../../api/queries';
import { guaranteeFromValue, guaranteeText, guaranteeValue, useGuaranteeOptions } from '../../components/claims';
import { notifyError, notifySuccess } from '../../components/serverErrors';

/** A site's guarantee, changed in place (PATCH /api/publisher/sites/:id); it applies to the next orders. */
export function GuaranteeSelect({
  siteId,
  months,
  defaultMonths,
  ...props
}: {
  siteId: string;
  months: number | null;
  /** the guarantee the site gets without a choice (the server's effectiveGuaranteeMonths while `months` is null) */
  defaultMonths?: number | null;
} & Omit<SelectProps, 'data' | 'value' | 'onChange'>) {
  const { t } = useTranslation();
  const options = useGuaranteeOptions(months === null && defaultMonths !== undefined ? defaultMonths : 12);
  const save = useMutation({
    mutationFn: (value: string | null) => claimEndpoints.setSiteGuarantee(siteId, guaranteeFromValue(value)),
    onSuccess: async (site) => {
      notifySuccess(
        `${t('claims.guarantee.saved', { value: guaranteeText(t, site.guaranteeMonths, site.effectiveGuaranteeMonths ?? 12) })} ${t('claims.guarantee.appliesToNew')}`,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: marketKeys.ownSites }),
        queryClient.invalidateQueries({ queryKey: marketKeys.ownSite(siteId) }),
      ]);
    },
    onError: notifyError,
  });
  return (
    <Select
      data={options}
      value={guaranteeValue(save.isPending ? guaranteeFromValue(save.variables ?? null) : months)}
      onChange={(v) => v && save.mutate(v)}
      allowDeselect={false}
      disabled={save.isPending}
      data-testid="site-guarantee-select"
      {...props}
    />
  );
}
