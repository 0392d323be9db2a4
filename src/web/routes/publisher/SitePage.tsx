import { useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketKeys, marketplace, type Article, type Site } from '../../api/marketplace';
import { formatEuros, formatNumber } from '../../components/format';
import { kindLabel, languageLabel, numeric, SiteStatusBadge, themeLabel } from '../../components/market';
import { applyServerError, notifySuccess } from '../../components/serverErrors';
import { ImportModal } from './ImportModal';
import { GuaranteeSelect } from './GuaranteeSelect';
import { QueryStatus } from '../../components/QueryStatus';

/** "/editeur/sites/:id": a site of the publisher, its articles, adding one by hand, importing a CSV. */
export function SitePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const sites = useQuery({ queryKey: marketKeys.ownSite(id), queryFn: () => marketplace.ownSite(id), retry: false });
  const site = sites.data;
  return (
    <Stack gap="lg" maw={1300}>
      <Anchor component={Link} to="/editeur" size="sm">
        ← {t('publisher.backToSites')}
      </Anchor>
      {sites.isPending ? (
        <QueryStatus query={sites} />
      ) : !site ? (
        <Alert color="red">{t('notFound.text')}</Alert>
      ) : (
        <SiteView site={site} />
      )}
    </Stack>
  );
}

function SiteView({ site }: { site: Site }) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<'article' | 'import' | null>(null);
  const articles = useInfiniteQuery({
    queryKey: marketKeys.articles(site.id),
    queryFn: ({ pageParam }) => marketplace.articles(site.id, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = articles.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Group gap="sm">
            <Title order={1} fz={28} data-testid="site-title">
              {site.domain}
            </Title>
            <SiteStatusBadge status={site.status} size="lg" />
          </Group>
          <Text size="sm" c="dimmed">
            {themeLabel(t, site.theme)} · {kindLabel(t, site.siteKind)} · {languageLabel(t, site.language)}
          </Text>
        </div>
        <Group gap="sm" align="flex-end">
          <GuaranteeSelect
            siteId={site.id}
            months={site.guaranteeMonths}
            defaultMonths={site.effectiveGuaranteeMonths}
            label={t('claims.guarantee.label')}
            w={200}
          />
          <Button variant="default" onClick={() => setDialog('import')} data-testid="import-csv">
            {t('publisher.importCsv')}
          </Button>
          <Button onClick={() => setDialog('article')} data-testid="add-article">
            {t('publisher.addArticle')}
          </Button>
        </Group>
      </Group>
      {site.status === 'pending_review' && <Alert color="yellow">{t('publisher.notApproved')}</Alert>}
      {site.status === 'refused' && (
        <Alert color="red" title={t('publisher.refusedSite')}>
          {site.reviewReason && t('publisher.reason', { reason: site.reviewReason })}
        </Alert>
      )}

      <Card withBorder radius="md" padding="lg">
        <Title order={4} mb="md">
          {t('publisher.articles')}
        </Title>
        {articles.isPending || articles.error ? (
          <QueryStatus query={articles} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="articles-empty">
            {t('publisher.noArticles')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="sm" striped data-testid="articles-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('publisher.articleUrl')}</Table.Th>
                  <Table.Th>{t('publisher.bestKeyword')}</Table.Th>
                  <Table.Th ta="right">{t('publisher.position')}</Table.Th>
                  <Table.Th ta="right">{t('publisher.volume')}</Table.Th>
                  <Table.Th ta="right">{t('publisher.top10')}</Table.Th>
                  <Table.Th ta="right">{t('publisher.keywords')}</Table.Th>
                  <Table.Th ta="right">{t('publisher.price')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((a) => (
                  <ArticleRow key={a.id} article={a} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {articles.hasNextPage && (
          <Center mt="md">
            <Button variant="default" onClick={() => void articles.fetchNextPage()} loading={articles.isFetchingNextPage}>
              {t('market.loadMore')}
            </Button>
          </Center>
        )}
      </Card>

      <Modal opened={dialog === 'article'} onClose={() => setDialog(null)} title={t('publisher.addArticle')} centered size="lg">
        <ArticleForm site={site} onClose={() => setDialog(null)} />
      </Modal>
      <ImportModal site={site} opened={dialog === 'import'} onClose={() => setDialog(null)} />
    </>
  );
}

function ArticleRow({ article: a }: { article: Article }) {
  const { t } = useTranslation();
  const others = a.keywords.filter((k) => k.keyword !== a.bestKeyword);
  return (
    <Table.Tr data-testid="article-row" data-url={a.url} style={{ verticalAlign: 'top' }}>
      <Table.Td maw={380}>
        <Anchor href={a.url} target="_blank" rel="noopener noreferrer" size="sm" style={{ overflowWrap: 'anywhere' }}>
          {a.url}
        </Anchor>
        {others.length > 0 && (
          <Text size="xs" c="dimmed" mt={2}>
            {others
              .slice(0, 6)
              .map((k) => `${k.keyword} (${k.position})`)
              .join(' · ')}
            {others.length > 6 ? ` · +${others.length - 6}` : ''}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={600}>
          {a.bestKeyword ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td ta="right" style={numeric}>
        {a.bestPosition ?? '—'}
      </Table.Td>
      <Table.Td ta="right" style={numeric}>
        {a.bestVolume == null ? '—' : formatNumber(a.bestVolume)}
      </Table.Td>
      <Table.Td ta="right" style={numeric}>
        {a.top10Count}
      </Table.Td>
      <Table.Td ta="right" style={numeric}>
        {a.keywords.length}
      </Table.Td>
      <Table.Td ta="right" style={numeric} data-testid="article-price">
        {a.priceCents === null ? (
          <Text size="sm" c="dimmed">
            {t('publisher.noPrice')}
          </Text>
        ) : (
          <Text size="sm" fw={600}>
            {formatEuros(a.priceCents)}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

type KeywordLine = { keyword: string; position: number; volume: number };

/** "keyword ; position ; volume" per line (a tab works too); the first bad line's number, if any. */
export function parseKeywordLines(text: string): { keywords: KeywordLine[]; badLine: number | null } {
  const keywords: KeywordLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(/[;\t]/).map((p) => p.trim());
    if (parts.length < 3) return { keywords, badLine: i + 1 };
    const volume = Number(parts.pop()!.replace(/[\s\u00a0\u202f.]/g, ''));
    const position = Number(parts.pop()!.replace(/\s/g, ''));
    const keyword = parts.join(' ').trim();
    if (!keyword || !Number.isInteger(position) || position < 1 || position > 1000 || !Number.isInteger(volume) || volume < 0) {
      return { keywords, badLine: i + 1 };
    }
    keywords.push({ keyword, position, volume });
  }
  return { keywords, badLine: null };
}

function ArticleForm({ site, onClose }: { site: Site; onClose: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { url: `https://${site.domain}/`, keywords: '' },
    validate: {
      url: (v) => (v.trim() ? null : t('validation.required')),
      keywords: (v) => {
        const { keywords, badLine } = parseKeywordLines(v);
        if (badLine !== null) return t('publisher.keywordLineError', { line: badLine });
        return keywords.length ? null : t('validation.required');
      },
    },
  });
  const add = useMutation({
    mutationFn: (v: typeof form.values) => marketplace.addArticle(site.id, { url: v.url.trim(), keywords: parseKeywordLines(v.keywords).keywords }),
    onSuccess: async (article) => {
      notifySuccess(t('publisher.articleSaved', { count: article.keywords.length }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: marketKeys.articles(site.id) }),
        queryClient.invalidateQueries({ queryKey: marketKeys.ownSites }),
      ]);
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="article-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        add.mutate(v);
      })}
    >
      <Stack>
        <TextInput label={t('publisher.articleUrl')} required data-autofocus data-testid="article-url" {...form.getInputProps('url')} />
        <Textarea
          label={t('publisher.keywordLines')}
          description={t('publisher.keywordLinesHelp')}
          placeholder={'pain au levain ; 3 ; 1200\nlevain maison ; 8 ; 450'}
          autosize
          minRows={4}
          maxRows={14}
          required
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid="article-keywords"
          {...form.getInputProps('keywords')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={add.isPending} data-testid="article-submit">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
