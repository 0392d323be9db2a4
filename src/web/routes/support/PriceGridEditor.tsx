import { useState } from 'react';
import { ActionIcon, Alert, Button, Card, Center, Group, Loader, NumberInput, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketKeys, marketplace, type GridCell, type PriceGrid, type SiteKind } from '../../api/marketplace';
import { kindLabel, SITE_KINDS, toCents } from '../../components/market';
import { messageOf, notifySuccess } from '../../components/serverErrors';
import { decimalSeparator, thousandSeparator } from '../../components/format';

type Num = number | string;
/** One line of the editor: a band (position up to, volume from) and its price per site kind, in euros. */
type Row = { key: number; maxPosition: Num; minVolume: Num; prices: Record<SiteKind, Num> };
type Draft = { rows: Row[]; bonus: Num; bonusMax: Num };

let nextKey = 1;

function toDraft(grid: PriceGrid): Draft {
  const bands = new Map<string, Row>();
  for (const c of grid.cells) {
    const id = `${c.maxPosition}:${c.minVolume}`;
    const row = bands.get(id) ?? { key: nextKey++, maxPosition: c.maxPosition, minVolume: c.minVolume, prices: { generalist: '', thematic: '' } };
    row.prices[c.siteKind] = c.priceCents / 100;
    bands.set(id, row);
  }
  const rows = [...bands.values()].sort((a, b) => Number(a.maxPosition) - Number(b.maxPosition) || Number(b.minVolume) - Number(a.minVolume));
  return { rows, bonus: grid.top10BonusCents / 100, bonusMax: grid.top10BonusMax };
}

const isBlank = (v: Num) => v === '' || v === null || v === undefined;

/** The grid to save, or null when a row is incomplete (the server checks the rest). */
function toGrid(draft: Draft): PriceGrid | null {
  const cells: GridCell[] = [];
  for (const row of draft.rows) {
    const priced = SITE_KINDS.filter((k) => !isBlank(row.prices[k]));
    if (isBlank(row.maxPosition) || isBlank(row.minVolume) || priced.length === 0) return null;
    for (const k of priced) {
      cells.push({ siteKind: k, maxPosition: Number(row.maxPosition), minVolume: Number(row.minVolume), priceCents: toCents(row.prices[k]) ?? 0 });
    }
  }
  return { cells, top10BonusCents: toCents(draft.bonus) ?? 0, top10BonusMax: Number(draft.bonusMax) || 0 };
}

/** Support tab "Grille de prix": the bands and prices per site kind, and the top-10 bonus; saved at once for the whole catalog. */
export function PriceGridEditor() {
  const grid = useQuery({ queryKey: marketKeys.priceGrid, queryFn: marketplace.priceGrid });
  if (grid.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (grid.error) return <Alert color="red">{messageOf(grid.error)}</Alert>;
  return <GridForm key={JSON.stringify(grid.data)} grid={grid.data} />;
}

function GridForm({ grid }: { grid: PriceGrid }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => toDraft(grid));
  const [error, setError] = useState<string | null>(null);
  const dirty = JSON.stringify(toGrid(draft)) !== JSON.stringify(toGrid(toDraft(grid)));
  const save = useMutation({
    mutationFn: (g: PriceGrid) => marketplace.savePriceGrid(g),
    onSuccess: async (saved) => {
      notifySuccess(t('marketSupport.saved'));
      queryClient.setQueryData(marketKeys.priceGrid, saved);
      await queryClient.invalidateQueries({ queryKey: ['offers'] });
    },
    onError: (e) => setError(messageOf(e)),
  });
  const setRow = (key: number, patch: Partial<Row>) =>
    setDraft((d) => ({ ...d, rows: d.rows.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));

  return (
    <Card withBorder radius="md" padding="lg" data-testid="price-grid">
      <Title order={4}>{t('marketSupport.gridTitle')}</Title>
      <Text size="sm" c="dimmed" mb="md" maw={900}>
        {t('marketSupport.gridHelp')}
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing={6} data-testid="grid-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('marketSupport.maxPosition')}</Table.Th>
              <Table.Th>{t('marketSupport.minVolume')}</Table.Th>
              {SITE_KINDS.map((k) => (
                <Table.Th key={k}>{t('marketSupport.priceOf', { kind: kindLabel(t, k).toLowerCase() })}</Table.Th>
              ))}
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.rows.map((row) => (
              <Table.Tr key={row.key} data-testid="grid-row" data-band={`${row.maxPosition}:${row.minVolume}`}>
                <Table.Td>
                  <NumberInput
                    aria-label={t('marketSupport.maxPosition')}
                    value={row.maxPosition}
                    onChange={(v) => setRow(row.key, { maxPosition: v })}
                    min={1}
                    max={1000}
                    allowDecimal={false}
                    allowNegative={false}
                    size="xs"
                    w={110}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={t('marketSupport.minVolume')}
                    value={row.minVolume}
                    onChange={(v) => setRow(row.key, { minVolume: v })}
                    min={0}
                    allowDecimal={false}
                    allowNegative={false}
                    thousandSeparator={thousandSeparator()}
                    size="xs"
                    w={130}
                  />
                </Table.Td>
                {SITE_KINDS.map((k) => (
                  <Table.Td key={k}>
                    <NumberInput
                      aria-label={t('marketSupport.priceOf', { kind: kindLabel(t, k).toLowerCase() })}
                      value={row.prices[k]}
                      onChange={(v) => setRow(row.key, { prices: { ...row.prices, [k]: v } })}
                      min={1}
                      decimalSeparator={decimalSeparator()}
                      decimalScale={2}
                      allowNegative={false}
                      suffix={t('market.euroSuffix')}
                      size="xs"
                      w={150}
                      data-testid={`grid-price-${k}`}
                    />
                  </Table.Td>
                ))}
                <Table.Td ta="right">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('marketSupport.removeRow')}
                    onClick={() => setDraft((d) => ({ ...d, rows: d.rows.filter((r) => r.key !== row.key) }))}
                  >
                    <Text fw={700} lh={1}>
                      ×
                    </Text>
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group mt="xs">
        <Button
          variant="subtle"
          size="compact-sm"
          onClick={() =>
            setDraft((d) => ({
              ...d,
              rows: [...d.rows, { key: nextKey++, maxPosition: '', minVolume: '', prices: { generalist: '', thematic: '' } }],
            }))
          }
          data-testid="grid-add-row"
        >
          + {t('marketSupport.addRow')}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} mt="lg" maw={900}>
        <NumberInput
          label={t('marketSupport.bonus')}
          value={draft.bonus}
          onChange={(v) => setDraft((d) => ({ ...d, bonus: v }))}
          min={0}
          decimalSeparator={decimalSeparator()}
          decimalScale={2}
          allowNegative={false}
          suffix={t('market.euroSuffix')}
          data-testid="grid-bonus"
        />
        <NumberInput
          label={t('marketSupport.bonusMax')}
          value={draft.bonusMax}
          onChange={(v) => setDraft((d) => ({ ...d, bonusMax: v }))}
          min={0}
          max={100}
          allowDecimal={false}
          allowNegative={false}
          data-testid="grid-bonus-max"
        />
      </SimpleGrid>
      {error && (
        <Alert color="red" mt="md" data-testid="grid-error">
          {error}
        </Alert>
      )}
      <Group justify="flex-end" mt="lg">
        <Button
          variant="default"
          disabled={!dirty}
          onClick={() => {
            setError(null);
            setDraft(toDraft(grid));
          }}
        >
          {t('marketSupport.discard')}
        </Button>
        <Button
          disabled={!dirty}
          loading={save.isPending}
          onClick={() => {
            setError(null);
            const g = toGrid(draft);
            if (!g) return setError(t('marketSupport.incomplete'));
            save.mutate(g);
          }}
          data-testid="grid-save"
        >
          {t('common.save')}
        </Button>
      </Group>
    </Card>
  );
}

