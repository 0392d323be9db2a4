import { useState } from 'react';
import { Alert, Button, Card, Center, List, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { keys, queryClient } from '../api/queries';
import { formatDateTime } from '../components/format';
import { applyServerError, messageOf, notifySuccess } from '../components/serverErrors';

/** "Passer en mode agence": a standalone customer asks support; a pending request is shown as such. */
export function AgencyRequestPage() {
  const { t } = useTranslation();
  const current = useQuery({ queryKey: keys.agencyRequest, queryFn: endpoints.ownAgencyRequest });
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: { message: '' } });
  const send = useMutation({
    mutationFn: endpoints.requestAgencyMode,
    onSuccess: async () => {
      form.reset();
      notifySuccess(t('agencyRequest.sent'));
      await queryClient.invalidateQueries({ queryKey: keys.agencyRequest });
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });

  const request = current.data?.request ?? null;
  const pending = request?.status === 'pending';
  return (
    <Stack gap="lg" maw={760}>
      <Title order={1} fz={28}>
        {t('agencyRequest.title')}
      </Title>
      <Card withBorder radius="md" padding="lg">
        <Stack gap="xs">
          <Text>{t('agencyRequest.intro')}</Text>
          <List size="sm" spacing={4}>
            <List.Item>{t('modes.simple.description')}</List.Item>
            <List.Item>{t('modes.intermediate.description')}</List.Item>
            <List.Item>{t('modes.complete.description')}</List.Item>
          </List>
          <Text size="sm" c="dimmed">
            {t('agencyRequest.introMore')}
          </Text>
        </Stack>
      </Card>
      {current.isPending ? (
        <Center py="lg">
          <Loader />
        </Center>
      ) : current.error ? (
        <Alert color="red">{messageOf(current.error)}</Alert>
      ) : pending ? (
        <Alert color="blue" title={t('agencyRequest.pendingTitle')} data-testid="agency-request-pending">
          {t('agencyRequest.pending', { date: formatDateTime(request.createdAt) })}
          {request.message && (
            <Text size="sm" mt={6} fs="italic">
              {t('common.quoted', { text: request.message })}
            </Text>
          )}
        </Alert>
      ) : (
        <Card withBorder radius="md" padding="lg">
          {request?.status === 'rejected' && (
            <Alert color="red" mb="md" data-testid="agency-request-rejected">
              {t('agencyRequest.rejected', { date: formatDateTime(request.decidedAt) })}
            </Alert>
          )}
          <form
            noValidate
            onSubmit={form.onSubmit((v) => {
              setFormError(null);
              send.mutate(v.message.trim() ? { message: v.message.trim() } : {});
            })}
          >
            <Stack>
              <Textarea
                label={t('agencyRequest.message')}
                description={t('agencyRequest.messageHelp')}
                autosize
                minRows={3}
                maxLength={2000}
                {...form.getInputProps('message')}
              />
              {formError && <Alert color="red">{formError}</Alert>}
              <Button
                type="submit"
                loading={send.isPending}
                style={{ alignSelf: 'flex-start' }}
                data-testid="agency-request-submit"
              >
                {t('agencyRequest.submit')}
              </Button>
            </Stack>
          </form>
        </Card>
      )}
    </Stack>
  );
}
