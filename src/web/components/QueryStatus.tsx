import { Alert, Center, Loader } from '@mantine/core';
import { messageOf } from './serverErrors';

/** What a list or page shows while its query loads, or when it failed: a spinner, or the server's message. */
export function QueryStatus({ query }: { query: { isPending: boolean; error: unknown } }) {
  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  return <Alert color="red">{messageOf(query.error)}</Alert>;
}
