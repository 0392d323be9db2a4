import { useEffect, useState } from 'react';
import {
  ActionIcon,
  Box,
  Button,
  Group,
  Kbd,
  Loader,
  Modal,
  Stack,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { replaceIdentity, useSession } from '../api/queries';
import type { AccountSearchItem } from '../api/types';
import { ReasonModal, useStartActing } from './ActAs';
import { RoleBadge } from './RoleBadge';
import { notifyError, notifySuccess } from './serverErrors';

/** Who has something to search: the people with accounts below them (support reaches every customer). */
export const hasReach = (role: string) => ['agency', 'manager', 'consultant', 'support'].includes(role);

/** The account's page: its wallet and ledger (the page every account in reach has). */
const pageOf = (id: string) => `/portefeuille/${id}`;

/**
 * The quick switcher (Ctrl+K / Cmd+K, or the search button of the header): finds any account in
 * the signed-in PERSON's reach by name or e-mail as one types, even while acting as an account
 * below it. Enter opens the account's page, Shift+Enter (or « Agir en tant que ») acts as it — in
 * one step while already acting as another. Arrows move, Esc closes.
 */
export function QuickSwitcher() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const [typed, setTyped] = useState('');
  const [active, setActive] = useState(0);
  const [debounced] = useDebouncedValue(typed.trim(), 200);
  const shown = hasReach(me.person.role);
  useHotkeys([['mod+K', () => shown && setOpened((o) => !o)]], []);
  const results = useQuery({
    queryKey: ['switcher', me.person.id, debounced],
    queryFn: () => endpoints.searchReach(debounced, 10),
    enabled: opened && debounced.length > 0,
    placeholderData: (previous) => previous,
  });
  const items = debounced ? (results.data?.items ?? []) : [];
  useEffect(() => setActive(0), [debounced]);
  const close = () => {
    setOpened(false);
    setTyped('');
  };

  const act = useMutation({
    mutationFn: (accountId: string) => endpoints.actAs({ accountId }),
    onSuccess: (next) => {
      close();
      replaceIdentity(next);
      navigate('/');
      notifySuccess(t('acting.started', { name: next.account.name }));
    },
    onError: notifyError,
  });
  const open = useMutation({
    // The page of an account outside the acted one's reach is the person's: stop acting first.
    mutationFn: async (item: AccountSearchItem) => {
      if (me.actingAs && item.id !== me.account.id) replaceIdentity(await endpoints.stopActing());
      return item;
    },
    onSuccess: (item) => {
      close();
      navigate(pageOf(item.id));
    },
    onError: notifyError,
  });
  // Support states a reason to act as someone: the switcher closes and asks for it.
  const needsReason = me.person.role === 'support';
  const [reasonFor, setReasonFor] = useState<AccountSearchItem | null>(null);
  const startWithReason = useStartActing();
  // Once acting as it (the session now names it), the reason's dialog has done its work.
  useEffect(() => setReasonFor(null), [me.account.id]);
  const mayAct = (item: AccountSearchItem) => item.active && item.id !== me.account.id;
  const actOn = (item: AccountSearchItem) => {
    if (!needsReason) return act.mutate(item.id);
    close();
    setReasonFor(item);
  };

  if (!shown) return null;
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((i) => Math.min(i + 1, Math.max(items.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter' && items[active]) {
      e.preventDefault();
      const item = items[active];
      if (e.shiftKey) {
        if (mayAct(item)) actOn(item);
      } else open.mutate(item);
    }
  };

  return (
    <>
      <Tooltip label={t('switcher.hint')}>
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={t('switcher.button')}
          onClick={() => setOpened(true)}
          data-testid="switcher-open"
        >
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
            <circle cx="11" cy="11" r="7" />
            <path d="M20 20l-3.5-3.5" />
          </svg>
        </ActionIcon>
      </Tooltip>
      <Modal opened={opened} onClose={close} title={t('switcher.title')} size="lg" data-testid="switcher">
        <Stack gap="sm">
          <TextInput
            data-autofocus
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            onKeyDown={onKeyDown}
            placeholder={t('switcher.placeholder')}
            aria-label={t('switcher.button')}
            role="combobox"
            aria-expanded={items.length > 0}
            aria-controls="switcher-results"
            aria-activedescendant={items[active] ? `switcher-${items[active].id}` : undefined}
            rightSection={results.isFetching ? <Loader size="xs" /> : null}
            data-testid="switcher-input"
          />
          <Stack gap={4} id="switcher-results" role="listbox" aria-label={t('switcher.results')}>
            {items.map((item, i) => (
              <Group
                key={item.id}
                id={`switcher-${item.id}`}
                role="option"
                aria-selected={i === active}
                wrap="nowrap"
                justify="space-between"
                p="xs"
                bg={i === active ? 'blue.0' : undefined}
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
                onMouseEnter={() => setActive(i)}
                data-testid="switcher-result"
              >
                <UnstyledButton
                  onClick={() => open.mutate(item)}
                  style={{ flex: 1, minWidth: 0 }}
                  data-testid="switcher-result-open"
                >
                  <Group gap="xs" wrap="nowrap">
                    <Text fw={600} size="sm" truncate>
                      {item.name}
                    </Text>
                    <RoleBadge role={item.role} size="xs" />
                    {!item.active && (
                      <Text size="xs" c="dimmed">
                        {t('switcher.closed')}
                      </Text>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed" truncate>
                    {[
                      item.email ?? t('switcher.noEmail'),
                      item.parentName ? t('switcher.under', { name: item.parentName }) : null,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                </UnstyledButton>
                {mayAct(item) && (
                  <Button
                    size="compact-sm"
                    variant="light"
                    loading={act.isPending && act.variables === item.id}
                    onClick={() => actOn(item)}
                    data-testid="switcher-act-as"
                    aria-label={t('switcher.actAsNamed', { name: item.name })}
                  >
                    {t('switcher.actAs')}
                  </Button>
                )}
              </Group>
            ))}
            {debounced && results.isSuccess && items.length === 0 && (
              <Text c="dimmed" size="sm" ta="center" py="md" data-testid="switcher-empty">
                {t('switcher.nothing', { q: debounced })}
              </Text>
            )}
          </Stack>
          <Box>
            <Text size="xs" c="dimmed">
              <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> {t('switcher.keysMove')} · <Kbd size="xs">{t('switcher.kEnter')}</Kbd>{' '}
              {t('switcher.keysOpen')} · <Kbd size="xs">{t('switcher.kShift')}</Kbd>+<Kbd size="xs">{t('switcher.kEnter')}</Kbd>{' '}
              {t('switcher.keysAct')} · <Kbd size="xs">{t('switcher.kEsc')}</Kbd> {t('switcher.keysClose')}
            </Text>
          </Box>
        </Stack>
      </Modal>
      {reasonFor && <ReasonModal opened onClose={() => setReasonFor(null)} account={reasonFor} start={startWithReason} />}
    </>
  );
}
