import { Menu } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../api/queries';
import type { AllocatePreset } from './AllocateDialog';

/**
 * The credits entries of a row's menu (agency tree, clients list): its wallet, allocate to it,
 * take credits back from it to the caller, top it up. The page renders the AllocateDialog.
 */
export function CreditMenuItems({
  account,
  onAllocate,
}: {
  account: { id: string; name: string };
  onAllocate: (preset: AllocatePreset) => void;
}) {
  const { t } = useTranslation();
  const me = useSession();
  return (
    <>
      <Menu.Item component={Link} to={`/portefeuille/${account.id}`} data-testid="action-wallet">
        {t('credits.actions.wallet')}
      </Menu.Item>
      <Menu.Item onClick={() => onAllocate({ toId: account.id })} data-testid="action-allocate">
        {t('credits.actions.allocate')}
      </Menu.Item>
      <Menu.Item
        onClick={() => onAllocate({ fromId: account.id, toId: me.account.id, reclaim: true })}
        data-testid="action-reclaim"
      >
        {t('credits.actions.reclaim')}
      </Menu.Item>
      <Menu.Item component={Link} to={`/recharger?compte=${account.id}`} data-testid="action-top-up">
        {t('credits.actions.topUp')}
      </Menu.Item>
      <Menu.Divider />
    </>
  );
}
