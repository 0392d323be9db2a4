import { useEffect, useState } from 'react';
import { Alert, Button, Code, FileInput, Group, Modal, Progress, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketKeys, marketplace, type KeywordImport, type Site } from '../../api/marketplace';
import { numeric } from '../../components/market';
import { applyServerError } from '../../components/serverErrors';

/**
 * "Importer un CSV": the file's bytes go as they are (the server detects encoding, delimiter and
 * columns); the import runs in the background and this dialog polls it every second.
 */
export function ImportModal({ site, opened, onClose }: { site: Site; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('publisher.importCsv')} centered size="xl">
      {opened && <ImportFlow site={site} onClose={onClose} />}
    </Modal>
  );
}

function ImportFlow({ site, onClose }: { site: Site; onClose: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: (f: File) => marketplace.startImport(site.id, f),
    onSuccess: (r) => setImportId(r.importId),
    onError: (e) => setError(applyServerError(e)),
  });
  const progress = useQuery({
    queryKey: marketKeys.keywordImport(importId ?? ''),
    queryFn: () => marketplace.keywordImport(importId!),
    enabled: importId !== null,
    refetchInterval: (query) => (query.state.data && ['done', 'failed'].includes(query.state.data.status) ? false : 1_000),
    staleTime: 0,
  });
  const finished = progress.data && ['done', 'failed'].includes(progress.data.status);
  useEffect(() => {
    if (finished) {
      void queryClient.invalidateQueries({ queryKey: marketKeys.articles(site.id) });
      void queryClient.invalidateQueries({ queryKey: marketKeys.ownSites });
    }
  }, [finished, site.id]);

  if (importId === null) {
    return (
      <Stack>
        <Text size="sm">{t('publisher.importHelp')}</Text>
        <FileInput
          label={t('publisher.file')}
          accept=".csv,.txt,text/csv,text/plain"
          value={file}
          onChange={setFile}
          clearable
          data-testid="import-file"
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={!file}
            loading={start.isPending}
            onClick={() => {
              setError(null);
              if (file) start.mutate(file);
            }}
            data-testid="import-start"
          >
            {t('publisher.startImport')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const state = progress.data;
  return (
    <Stack data-testid="import-progress" data-status={state?.status ?? 'queued'}>
      {!state || state.status === 'queued' ? (
        <>
          <Text size="sm">{t('publisher.queued')}</Text>
          <Progress value={100} striped animated color="gray" />
        </>
      ) : state.status === 'running' ? (
        <>
          <Text size="sm" data-testid="import-running">
            {t('publisher.running', { done: state.processedLines, total: state.totalLines })}
          </Text>
          <Progress value={state.totalLines ? (100 * state.processedLines) / state.totalLines : 0} striped animated />
        </>
      ) : (
        <ImportResult state={state} />
      )}
      {progress.error && <Alert color="red">{applyServerError(progress.error)}</Alert>}
      <Group justify="flex-end">
        {finished && (
          <Button
            variant="default"
            onClick={() => {
              setImportId(null);
              setFile(null);
            }}
            data-testid="import-again"
          >
            {t('publisher.importAgain')}
          </Button>
        )}
        <Button onClick={onClose} data-testid="import-close">
          {t('common.close')}
        </Button>
      </Group>
    </Stack>
  );
}

function Count({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={22} fw={700} style={numeric} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

function ImportResult({ state }: { state: KeywordImport }) {
  const { t } = useTranslation();
  if (state.status === 'failed') {
    return (
      <Alert color="red" title={t('publisher.importFailed')} data-testid="import-failed">
        {state.failure}
      </Alert>
    );
  }
  return (
    <Stack data-testid="import-done">
      <Group justify="space-between">
        <Text fw={600}>{t('publisher.importDone')}</Text>
        {state.format && (
          <Text size="sm" c="dimmed">
            {t('publisher.format', { format: state.format })}
          </Text>
        )}
      </Group>
      <Progress value={100} color="teal" />
      <SimpleGrid cols={3}>
        <Count label={t('publisher.createdKeywords')} value={state.createdKeywords} testId="import-created-keywords" />
        <Count label={t('publisher.updatedKeywords')} value={state.updatedKeywords} testId="import-updated-keywords" />
        <Count label={t('publisher.createdArticles')} value={state.createdArticles} testId="import-created-articles" />
      </SimpleGrid>
      {state.errors.length > 0 && (
        <>
          <Text fw={600} c="orange.8" data-testid="import-error-count">
            {t('publisher.lineErrors', { count: state.errors.length })}
          </Text>
          <Table.ScrollContainer minWidth={600} mah={320}>
            <Table striped verticalSpacing="xs" data-testid="import-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th ta="right">{t('publisher.line')}</Table.Th>
                  <Table.Th>{t('publisher.lineReason')}</Table.Th>
                  <Table.Th>{t('publisher.raw')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {state.errors.map((e) => (
                  <Table.Tr key={e.line} data-testid="import-error-row">
                    <Table.Td ta="right" style={numeric}>
                      {e.line}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.reason}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{e.raw}</Code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
