import { useState } from 'react';
import { Anchor, Badge, Button, Card, Center, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { creditEndpoints } from '../../api/credits';
import { formatDate, formatEuros } from '../../components/format';
import { creditKeys, numeric, useWallets, WalletSelect } from './shared';
import { QueryStatus } from '../../components/QueryStatus';

/** "/factures": invoices and credit notes of the accounts in reach, filterable by account, each with its PDF. */
export function InvoicesPage() {
  const { t } = useTranslation();
  const wallets = useWallets();
  const [accountId, setAccountId] = useState<string | null>(null);
  const invoices = useInfiniteQuery({
    queryKey: creditKeys.invoices(accountId),
    queryFn: ({ pageParam }) => creditEndpoints.invoices({ accountId: accountId ?? undefined, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = invoices.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="lg" maw={1200}>
      <div>
        <Title order={1} fz={28}>
          {t('credits.invoices.title')}
        </Title>
        <Text size="sm" c="dimmed" mt={4}>
          {t('credits.invoices.subtitle')}
        </Text>
      </div>
      <Card withBorder radius="md" padding="lg">
        {wallets.options.length > 1 && (
          <WalletSelect
            options={wallets.options}
            showBalance={false}
            label={t('credits.invoices.account')}
            placeholder={t('credits.invoices.allAccounts')}
            value={accountId}
            onChange={setAccountId}
            allowDeselect
            clearable
            w={320}
            mb="md"
            data-testid="invoices-account"
          />
        )}
        {invoices.isPending || invoices.error ? (
          <QueryStatus query={invoices} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="invoices-empty">
            {t('credits.invoices.none')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" highlightOnHover striped data-testid="invoices-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('credits.invoices.number')}</Table.Th>
                  <Table.Th>{t('credits.invoices.kind')}</Table.Th>
                  <Table.Th>{t('credits.invoices.date')}</Table.Th>
                  <Table.Th>{t('credits.invoices.account')}</Table.Th>
                  <Table.Th ta="right">{t('credits.invoices.subtotal')}</Table.Th>
                  <Table.Th ta="right">{t('credits.invoices.vat')}</Table.Th>
                  <Table.Th ta="right">{t('credits.invoices.total')}</Table.Th>
                  <Table.Th ta="right">{t('credits.invoices.pdf')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((i) => (
                  <Table.Tr key={i.id} data-testid="invoice-row" data-number={i.number}>
                    <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="invoice-number">
                      {i.number}
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        radius="sm"
                        color={i.kind === 'invoice' ? 'blue' : 'grape'}
                        data-testid="invoice-kind"
                      >
                        {t(`credits.invoices.${i.kind}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(i.issuedAt)}</Table.Td>
                    <Table.Td>{i.accountName}</Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="invoice-subtotal">
                      {formatEuros(i.subtotalCents)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="invoice-vat">
                      {formatEuros(i.vatCents)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} fw={600} data-testid="invoice-total">
                      {formatEuros(i.totalCents)}
                    </Table.Td>
                    <Table.Td ta="right">
                      <Anchor
                        href={i.pdfUrl}
                        target="_blank"
                        rel="noopener"
                        size="sm"
                        aria-label={t('credits.invoices.pdfOf', { number: i.number })}
                        data-testid="invoice-pdf"
                      >
                        {t('credits.invoices.pdf')}
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {invoices.hasNextPage && (
          <Center mt="md">
            <Button variant="default" onClick={() => void invoices.fetchNextPage()} loading={invoices.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </Center>
        )}
      </Card>
    </Stack>
  );
}
