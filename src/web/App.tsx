import { useEffect, useMemo } from 'react';
import { Badge, createTheme, MantineProvider, Modal, Notification } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { onActingEnded, onUnauthenticated, setCsrfToken } from './api/client';
import { homeOf, keys, onMe, queryClient } from './api/queries';
import type { Me } from './api/types';
import i18n from './i18n';
import { PublicLayout } from './components/PublicLayout';
import { isAgencyMember, isStandaloneCustomer, RequireAuth, RoleGate, Shell } from './components/Shell';
import { AgencyPage } from './routes/agency/AgencyPage';
import { AgencyRequestPage } from './routes/AgencyRequest';
import { AuditLog } from './routes/AuditLog';
import { CatalogPage } from './routes/catalog/CatalogPage';
import { OrderFormPage } from './routes/catalog/OrderForm';
import { OrderPage } from './routes/orders/OrderPage';
import { OrdersPage } from './routes/orders/OrdersPage';
import { ProjectPage } from './routes/projects/ProjectPage';
import { ProjectsPage } from './routes/projects/ProjectsPage';
import { ClaimsPage } from './routes/claims/ClaimsList';
import { PublisherPage } from './routes/publisher/PublisherPage';
import { SitePage } from './routes/publisher/SitePage';
import { isBuyer, maySell } from './components/market';
import { Dashboard } from './routes/Dashboard';
import { ForgotPassword } from './routes/ForgotPassword';
import { Invitation } from './routes/Invitation';
import { MyAccount } from './routes/MyAccount';
import { NotFound } from './routes/NotFound';
import { ResetPassword } from './routes/ResetPassword';
import { ConfirmEmail } from './routes/ConfirmEmail';
import { NotificationsPage } from './routes/NotificationsPage';
import { Unsubscribe } from './routes/Unsubscribe';
import { SignIn } from './routes/SignIn';
import { SignUp } from './routes/SignUp';
import { SupportPage } from './routes/Support';
import { InvoicesPage } from './routes/credits/InvoicesPage';
import { hasBudget } from './routes/credits/shared';
import { TopUpPage } from './routes/credits/TopUpPage';
import { OwnWalletRedirect, WalletPage } from './routes/credits/WalletPage';

/** Mantine defaults, system fonts (nothing downloaded), and the library's own labels in the interface language. */
function useTheme() {
  const { t, i18n } = useTranslation();
  return useMemo(
    () =>
      createTheme({
        primaryColor: 'blue',
        defaultRadius: 'md',
        fontFamily:
          'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif',
        headings: { fontWeight: '700' },
        components: {
          Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
          Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
          // A badge is a word or two: never shrunk to "COMMA…" by a tight table cell or row; the
          // column widens (or the table scrolls) instead.
          Badge: Badge.extend({ styles: { root: { flexShrink: 0, minWidth: 'max-content' } } }),
        },
      }),
    // rebuilt when the language changes, for the labels
    [t, i18n.language],
  );
}

/** An acting-as can end on its own (expired, account moved or deactivated): say so and go home. */
function SessionEvents() {
  const navigate = useNavigate();
  useEffect(() => {
    onActingEnded(async (message) => {
      notifications.show({ id: 'acting-ended', color: 'orange', message, autoClose: 10_000 });
      // Back on the person's own account: know it before going to its home (pages check the role).
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      await queryClient.refetchQueries({ queryKey: keys.me });
      const me = queryClient.getQueryData<Me>(keys.me);
      if (me) navigate(homeOf(me));
    });
    onUnauthenticated((message) => {
      notifications.show({ id: 'session-ended', color: 'orange', message, autoClose: 10_000 });
      setCsrfToken(null);
      // /api/me answers 401 too, and RequireAuth sends the person to the sign-in page (and back here after).
      void queryClient.invalidateQueries({ queryKey: keys.me });
    });
    onMe((me) => {
      if (me.actingEnded) {
        notifications.show({
          id: 'acting-ended',
          color: 'orange',
          message: i18n.t('acting.ended', { name: me.actingEnded }),
          autoClose: 10_000,
        });
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      }
    });
  }, [navigate]);
  return null;
}

export function App() {
  const theme = useTheme();
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="bottom-right" zIndex={1000} />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <SessionEvents />
          <Routes>
            <Route element={<PublicLayout />}>
              <Route path="/connexion" element={<SignIn />} />
              <Route path="/inscription" element={<SignUp />} />
              <Route path="/mot-de-passe-oublie" element={<ForgotPassword />} />
              <Route path="/reset-password" element={<ResetPassword />} />
              <Route path="/invitation" element={<Invitation />} />
              <Route path="/confirm-email" element={<ConfirmEmail />} />
              <Route path="/desabonnement" element={<Unsubscribe />} />
            </Route>
            <Route
              element={
                <RequireAuth>
                  <Shell />
                </RequireAuth>
              }
            >
              <Route index element={<Dashboard />} />
              <Route path="/mon-compte" element={<MyAccount />} />
              <Route path="/notifications" element={<NotificationsPage />} />
              <Route
                path="/mode-agence"
                element={
                  <RoleGate allow={isStandaloneCustomer}>
                    <AgencyRequestPage />
                  </RoleGate>
                }
              />
              <Route
                path="/agence/*"
                element={
                  <RoleGate allow={isAgencyMember}>
                    <AgencyPage />
                  </RoleGate>
                }
              />
              <Route
                path="/journal"
                element={
                  <RoleGate allow={isAgencyMember}>
                    <AuditLog />
                  </RoleGate>
                }
              />
              <Route
                path="/catalogue"
                element={
                  <RoleGate allow={isBuyer}>
                    <CatalogPage />
                  </RoleGate>
                }
              />
              <Route
                path="/commander/:offerId"
                element={
                  <RoleGate allow={isBuyer}>
                    <OrderFormPage />
                  </RoleGate>
                }
              />
              <Route
                path="/projets"
                element={
                  <RoleGate allow={isBuyer}>
                    <ProjectsPage />
                  </RoleGate>
                }
              />
              <Route
                path="/projets/:id"
                element={
                  <RoleGate allow={isBuyer}>
                    <ProjectPage />
                  </RoleGate>
                }
              />
              <Route
                path="/commandes"
                element={
                  <RoleGate allow={isBuyer}>
                    <OrdersPage />
                  </RoleGate>
                }
              />
              <Route
                path="/commandes/:id"
                element={
                  <RoleGate allow={(a) => isBuyer(a) || a.role === 'support'}>
                    <OrderPage />
                  </RoleGate>
                }
              />
              <Route
                path="/reclamations"
                element={
                  <RoleGate allow={isBuyer}>
                    <ClaimsPage />
                  </RoleGate>
                }
              />
              <Route
                path="/editeur/sites/:id"
                element={
                  <RoleGate allow={maySell}>
                    <SitePage />
                  </RoleGate>
                }
              />
              <Route
                path="/editeur/*"
                element={
                  <RoleGate allow={maySell}>
                    <PublisherPage />
                  </RoleGate>
                }
              />
              <Route
                path="/support/*"
                element={
                  <RoleGate allow={(a) => a.role === 'support'}>
                    <SupportPage />
                  </RoleGate>
                }
              />
              <Route path="/portefeuille" element={<OwnWalletRedirect />} />
              <Route path="/portefeuille/:accountId" element={<WalletPage />} />
              <Route
                path="/recharger"
                element={
                  <RoleGate allow={hasBudget}>
                    <TopUpPage />
                  </RoleGate>
                }
              />
              <Route
                path="/factures"
                element={
                  <RoleGate allow={hasBudget}>
                    <InvoicesPage />
                  </RoleGate>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
