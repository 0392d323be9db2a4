import { useMemo, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Menu,
  SegmentedControl,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../../api/endpoints';
import { keys, useSession } from '../../api/queries';
import type { AccountListItem, AccountStatus, Agency, Mode } from '../../api/types';
import { ActAsButton } from '../../components/ActAs';
import { AllocateDialog, type AllocatePreset } from '../../components/AllocateDialog';
import { CreditMenuItems } from '../../components/CreditMenuItems';
import { formatEuros } from '../../components/format';
import {
  buildTree,
  creatableRoles,
  isCollaborator,
  mayChangeRoles,
  maySwitchMode,
  moveOptions,
  useSubtree,
  type TreeRow,
} from '../../components/hierarchy';
import { RoleBadge } from '../../components/RoleBadge';
import { ClosedBadge, ClosedNote, ReactivateButton, StatusFilter } from './closed';
import { CreateMemberModal, DeactivateModal, ModeSwitchModal, MoveModal, RoleChangeModal } from './dialogs';
import { ReactivateModal } from './ReactivateModal';
import { QueryStatus } from '../../components/QueryStatus';
import { TeamTable } from './TeamTable';

const MODES: Mode[] = ['simple', 'intermediate', 'complete'];

function ModeCard({ agency }: { agency: Agency }) {
  const { t } = useTranslation();
  const me = useSession();
  const [target, setTarget] = useState<Mode | null>(null);
  const canSwitch = maySwitchMode(me.account);
  return (
    <Card withBorder radius="md" padding="lg" data-testid="mode-card">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={4} style={{ flex: 1, minWidth: 260 }}>
          <Title order={4}>{t('agency.mode')}</Title>
          <Text size="sm" c="dimmed" data-testid="mode-description">
            {t(`modes.${agency.mode}.description`)}
          </Text>
          <Group gap="xs" mt={4}>
            <Badge variant="light" color="violet">
              {t('agency.countManagers', { count: agency.counts.managers })}
            </Badge>
            <Badge variant="light" color="cyan">
              {t('agency.countConsultants', { count: agency.counts.consultants })}
            </Badge>
            <Badge variant="light" color="teal">
              {t('agency.countClients', { count: agency.counts.clients })}
            </Badge>
          </Group>
        </Stack>
        {canSwitch ? (
          <SegmentedControl
            value={agency.mode}
            onChange={(v) => v !== agency.mode && setTarget(v as Mode)}
            data={MODES.map((m) => ({ value: m, label: t(`modes.${m}.label`) }))}
            aria-label={t('agency.mode')}
            data-testid="mode-selector"
          />
        ) : (
          <Badge size="lg" variant="outline" data-testid="mode-badge">
            {t(`modes.${agency.mode}.label`)}
          </Badge>
        )}
      </Group>
      {canSwitch && <ModeSwitchModal target={target} currentMode={agency.mode} onClose={() => setTarget(null)} />}
    </Card>
  );
}

type Dialog = { kind: 'role' | 'move' | 'deactivate' | 'reactivate'; account: AccountListItem } | null;

/**
 * Tab "Agence": the mode, then the hierarchy below the viewer as an indented tree: its open
 * accounts, its closed ones (each saying why, with "Réactiver"), or both.
 */
export function TeamTab({ agency }: { agency: Agency }) {
  const { t } = useTranslation();
  const me = useSession();
  const [status, setStatus] = useState<AccountStatus>('active');
  // the open accounts: parents and targets offered by the dialogs, balances of the viewer's row
  const subtree = useSubtree();
  const listed = useSubtree(status);
  const self = useQuery({ queryKey: keys.account(me.account.id), queryFn: () => endpoints.account(me.account.id) });
  const [showClients, setShowClients] = useState(true);
  const [adding, setAdding] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [allocating, setAllocating] = useState<AllocatePreset | null>(null);

  const collaboratorRoles = creatableRoles(me.account, agency.mode).filter((r) => r !== 'client');
  const rows = useMemo(() => {
    if (!subtree.data || !listed.data) return [];
    const root: AccountListItem = {
      id: me.account.id,
      role: me.account.role,
      name: me.account.name,
      email: me.account.email,
      parentId: null,
      agencyId: me.account.agencyId,
      active: true,
      closed: null,
      parentName: null,
      depth: 0,
      hasLogin: true,
      lastSignInAt: null,
      balanceCents: self.data?.wallet.availableCents ?? 0,
      subtreeBalanceCents: (self.data?.wallet.availableCents ?? 0) + subtree.data.reduce((sum, a) => sum + a.balanceCents, 0),
      childrenCount: subtree.data.filter((a) => a.parentId === me.account.id).length,
    };
    const items = showClients ? listed.data : listed.data.filter((a) => a.role !== 'client');
    return buildTree(root, items);
  }, [subtree.data, listed.data, showClients, me.account, self.data]);

  return (
    <Stack gap="lg">
      <ModeCard agency={agency} />
      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" mb="md" wrap="wrap">
          <div>
            <Title order={4}>{t('agency.team')}</Title>
            <Text size="sm" c="dimmed">
              {status === 'inactive' ? t('agency.teamHelpClosed') : t('agency.teamHelp')}
            </Text>
          </div>
          <Group gap="md">
            <StatusFilter value={status} onChange={setStatus} />
            <Switch
              label={t('agency.showClients')}
              checked={showClients}
              onChange={(e) => setShowClients(e.currentTarget.checked)}
              data-testid="show-clients"
            />
            {collaboratorRoles.length > 0 && (
              <Button onClick={() => setAdding(true)} data-testid="add-collaborator">
                {t('agency.addCollaborator')}
              </Button>
            )}
          </Group>
        </Group>
        {subtree.isPending || subtree.error ? (
          <QueryStatus query={subtree} />
        ) : listed.isPending || listed.error ? (
          <QueryStatus query={listed} />
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="hierarchy-tree">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.name')}</Table.Th>
                  <Table.Th w={130}>{t('fields.role')}</Table.Th>
                  <Table.Th w={120} ta="right">
                    {t('fields.balance')}
                  </Table.Th>
                  <Table.Th w={150} ta="right">
                    <Tooltip label={t('agency.subtreeBalanceHelp')} multiline w={240}>
                      <span>{t('fields.subtreeBalance')}</span>
                    </Tooltip>
                  </Table.Th>
                  <Table.Th w={260} ta="right">
                    {t('common.actions')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <TreeLine
                    key={row.account.id}
                    row={row}
                    onDialog={setDialog}
                    onAllocate={setAllocating}
                    mode={agency.mode}
                    mayMove={moveOptions(me.account, row.account, subtree.data ?? []).length > 0}
                  />
                ))}
              </Table.Tbody>
            </Table>
            {rows.length === 1 && (
              <Text c="dimmed" size="sm" ta="center" py="md" data-testid="tree-empty">
                {status === 'inactive' ? t('agency.noClosed') : t('agency.emptyTeam')}
              </Text>
            )}
          </Table.ScrollContainer>
        )}
      </Card>

      <TeamTable />

      <CreateMemberModal
        opened={adding}
        onClose={() => setAdding(false)}
        kind="collaborator"
        mode={agency.mode}
        members={subtree.data ?? []}
      />
      <RoleChangeModal
        account={dialog?.kind === 'role' ? dialog.account : null}
        members={subtree.data ?? []}
        mode={agency.mode}
        onClose={() => setDialog(null)}
      />
      <MoveModal
        account={dialog?.kind === 'move' ? dialog.account : null}
        members={subtree.data ?? []}
        onClose={() => setDialog(null)}
      />
      <DeactivateModal account={dialog?.kind === 'deactivate' ? dialog.account : null} onClose={() => setDialog(null)} />
      <ReactivateModal
        account={dialog?.kind === 'reactivate' ? dialog.account : null}
        members={subtree.data ?? []}
        onClose={() => setDialog(null)}
      />
      <AllocateDialog preset={allocating} onClose={() => setAllocating(null)} />
    </Stack>
  );
}

function TreeLine({
  row,
  onDialog,
  onAllocate,
  mode,
  mayMove,
}: {
  row: TreeRow;
  /** someone else may be its parent (a consultant's client has nowhere else to go) */
  mayMove: boolean;
  onDialog: (d: Dialog) => void;
  onAllocate: (preset: AllocatePreset) => void;
  mode: Mode;
}) {
  const { t } = useTranslation();
  const me = useSession();
  const a = row.account;
  const canChangeRole =
    !row.isRoot &&
    a.active &&
    isCollaborator(a.role) &&
    mayChangeRoles(me.account) &&
    creatableRoles(me.account, mode).some((r) => isCollaborator(r) && r !== a.role);
  return (
    <Table.Tr
      data-testid="tree-row"
      data-name={a.name}
      data-level={row.level}
      data-role={a.role}
      data-status={a.closed?.reason ?? 'active'}
      bg={row.isRoot ? 'gray.0' : undefined}
    >
      <Table.Td>
        <Group gap={6} wrap="nowrap" style={{ paddingLeft: Math.max(0, row.level - 1) * 28 }}>
          {row.level > 0 && (
            <Text span c="gray.5" ff="monospace" aria-hidden>
              └
            </Text>
          )}
          <Box style={{ minWidth: 0 }}>
            <Text fw={row.isRoot || a.role !== 'client' ? 600 : 400} size="sm" c={a.closed ? 'dimmed' : undefined} truncate>
              {a.name}
              {row.isRoot && (
                <Text span c="dimmed" size="xs" fw={400}>
                  {' '}
                  {t('agency.you')}
                </Text>
              )}
            </Text>
            {a.email && (
              <Text size="xs" c="dimmed" truncate>
                {a.email}
              </Text>
            )}
            {a.closed && <ClosedNote closed={a.closed} />}
            {/* On a phone the role and balance columns are past the edge (the table scrolls): the essentials here too. */}
            <Group gap={6} mt={4} wrap="nowrap" hiddenFrom="sm" data-testid="tree-summary">
              <RoleBadge role={a.role} size="xs" />
              <Text size="xs" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                {formatEuros(a.balanceCents)}
              </Text>
            </Group>
          </Box>
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <RoleBadge role={a.role} />
          {a.closed && <ClosedBadge closed={a.closed} />}
        </Group>
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="tree-balance">
        {formatEuros(a.balanceCents)}
      </Table.Td>
      <Table.Td
        ta="right"
        c="dimmed"
        style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
        data-testid="tree-subtree-balance"
      >
        {a.role !== 'client' ? formatEuros(a.subtreeBalanceCents) : ''}
      </Table.Td>
      <Table.Td>
        {a.closed ? (
          <Group justify="flex-end">
            <ReactivateButton name={a.name} onClick={() => onDialog({ kind: 'reactivate', account: a })} />
          </Group>
        ) : (
          !row.isRoot && (
            <Group gap="xs" justify="flex-end" wrap="nowrap">
              <ActAsButton account={a} />
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t('common.actionsFor', { name: a.name })}
                    data-testid="row-menu"
                  >
                    <Text fw={700} lh={1}>
                      ⋯
                    </Text>
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <CreditMenuItems account={a} onAllocate={onAllocate} />
                  {canChangeRole && (
                    <Menu.Item onClick={() => onDialog({ kind: 'role', account: a })} data-testid="action-change-role">
                      {t('agency.changeRole')}
                    </Menu.Item>
                  )}
                  {mayMove && (
                    <Menu.Item onClick={() => onDialog({ kind: 'move', account: a })} data-testid="action-move">
                      {a.role === 'client' ? t('agency.changeInCharge') : t('agency.move')}
                    </Menu.Item>
                  )}
                  <Menu.Divider />
                  <Menu.Item
                    color="red"
                    onClick={() => onDialog({ kind: 'deactivate', account: a })}
                    data-testid="action-deactivate"
                  >
                    {t('agency.deactivate')}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          )
        )}
      </Table.Td>
    </Table.Tr>
  );
}
