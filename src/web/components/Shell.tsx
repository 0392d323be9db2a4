import type { ReactNode } from 'react';
import { AppShell, Box, Burger, Button, Center, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError, setCsrfToken } from '../api/client';
import { endpoints } from '../api/endpoints';
import { queryClient, useMe, useSession } from '../api/queries';
import type { MeAccount } from '../api/types';
import { ActingBanner } from './ActAs';
import { LanguageMenu } from './LanguageMenu';
import { NotificationBell } from './NotificationBell';
import { QuickSwitcher } from './QuickSwitcher';
import { isBuyer, useShowsPublisherSpace } from './market';
import { RoleBadge } from './RoleBadge';
import { notifyError } from './serverErrors';

type NavEntry = { to: string; label: string; testId: string };

export const isAgencyMember = (account: Pick<MeAccount, 'role'>) =>
  account.role === 'agency' || account.role === 'manager' || account.role === 'consultant';
export const isStandaloneCustomer = (account: Pick<MeAccount, 'role' | 'agencyId'>) =>
  account.role === 'client' && account.agencyId === null;

/** The menu of the account in use (the acted one while acting-as): what it may see, nothing more. */
function useNavEntries(): NavEntry[] {
  const { t } = useTranslation();
  const { account } = useSession();
  const showsPublisherSpace = useShowsPublisherSpace(account);
  const entries: NavEntry[] = [{ to: '/', label: t('nav.dashboard'), testId: 'nav-dashboard' }];
  if (isStandaloneCustomer(account))
    entries.push({ to: '/mode-agence', label: t('nav.agencyRequest'), testId: 'nav-agency-request' });
  if (isBuyer(account)) {
    entries.push({ to: '/catalogue', label: t('marketNav.catalog'), testId: 'nav-catalog' });
    entries.push({ to: '/projets', label: t('projects.nav'), testId: 'nav-projects' });
    entries.push({ to: '/commandes', label: t('marketNav.orders'), testId: 'nav-orders' });
    entries.push({ to: '/reclamations', label: t('claims.nav.claims'), testId: 'nav-claims' });
  }
  if (showsPublisherSpace === true) entries.push({ to: '/editeur', label: t('marketNav.publisher'), testId: 'nav-publisher' });
  if (isAgencyMember(account)) {
    entries.push({ to: '/agence', label: t('nav.agency'), testId: 'nav-agency' });
    entries.push({ to: '/journal', label: t('nav.audit'), testId: 'nav-audit' });
  }
  if (['agency', 'manager', 'consultant', 'client'].includes(account.role)) {
    entries.push({ to: '/portefeuille', label: t('credits.nav.wallet'), testId: 'nav-wallet' });
    entries.push({ to: '/recharger', label: t('credits.nav.topUp'), testId: 'nav-top-up' });
    entries.push({ to: '/factures', label: t('credits.nav.invoices'), testId: 'nav-invoices' });
  }
  if (account.role === 'support') entries.push({ to: '/support', label: t('nav.support'), testId: 'nav-support' });
  entries.push({ to: '/mon-compte', label: t('nav.account'), testId: 'nav-account' });
  return entries;
}

export function Brand() {
  return (
    <Group gap={8} wrap="nowrap">
      <Box
        w={28}
        h={28}
        bg="blue.6"
        c="white"
        style={{ borderRadius: 7, display: 'grid', placeItems: 'center', fontWeight: 700, fontSize: 15 }}
        aria-hidden
      >
        M
      </Box>
      <Title order={3} fz={20} fw={700}>
        Maillon
      </Title>
    </Group>
  );
}

const HEADER = 60;
const BANNER = 48;

export function Shell() {
  const { t } = useTranslation();
  const me = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const entries = useNavEntries();

  const signOut = async () => {
    try {
      await endpoints.logout();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) return notifyError(e);
    }
    setCsrfToken(null);
    navigate('/connexion');
    queryClient.clear();
  };

  const isActive = (to: string) => (to === '/' ? location.pathname === '/' : location.pathname.startsWith(to));

  return (
    <AppShell
      header={{ height: HEADER + (me.actingAs ? BANNER : 0) }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Box h={me.actingAs ? BANNER : 0} style={{ overflow: 'hidden' }}>
          <ActingBanner />
        </Box>
        <Group h={HEADER} px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
              <Brand />
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text fw={600} size="sm" truncate maw={260} visibleFrom="sm" data-testid="header-account-name">
              {me.account.name}
            </Text>
            <RoleBadge role={me.account.role} data-testid="header-role" visibleFrom="sm" />
            <QuickSwitcher />
            <NotificationBell />
            <LanguageMenu />
            {/* On a phone the header has no room for it: it is at the end of the menu there. */}
            <Button variant="default" size="compact-sm" onClick={() => void signOut()} data-testid="sign-out" visibleFrom="xs">
              {t('nav.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label={t('nav.menu')}>
        <Stack gap={4} data-testid="main-nav">
          {entries.map((e) => (
            <NavLink
              key={e.to}
              component={Link}
              to={e.to}
              label={e.label}
              active={isActive(e.to)}
              onClick={close}
              data-testid={e.testId}
              style={{ borderRadius: 'var(--mantine-radius-sm)' }}
            />
          ))}
          <NavLink
            component="button"
            label={t('nav.signOut')}
            onClick={() => void signOut()}
            hiddenFrom="xs"
            data-testid="nav-sign-out"
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          />
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main bg="gray.0" mih="100vh">
        {/* Remounted on every change of identity, so that no screen keeps the previous account's data. */}
        <Outlet key={`${me.person.id}:${me.account.id}`} />
      </AppShell.Main>
    </AppShell>
  );
}

/** Pages behind a session; without one, the sign-in page (coming back here afterwards). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      // The hash too: the e-mails' link to the preferences is /mon-compte#notifications.
      const next = location.pathname + location.search + location.hash;
      return <Navigate to={next === '/' ? '/connexion' : `/connexion?suite=${encodeURIComponent(next)}`} replace />;
    }
    return (
      <Center h="100vh">
        <Stack align="center">
          <Text>{me.error.message}</Text>
          <Button onClick={() => void me.refetch()}>{t('common.retry')}</Button>
        </Stack>
      </Center>
    );
  }
  return <>{children}</>;
}

/** A page for some roles only (of the account in use); others land on their home. */
export function RoleGate({ allow, children }: { allow: (account: MeAccount) => boolean; children: ReactNode }) {
  const me = useSession();
  if (!allow(me.account)) return <Navigate to="/" replace />;
  return <>{children}</>;
}
