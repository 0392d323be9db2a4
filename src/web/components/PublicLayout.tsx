import { Box, Container, Group, Paper } from '@mantine/core';
import { Outlet } from 'react-router';
import { Brand } from './Shell';
import { LanguageMenu } from './LanguageMenu';

/** Sign-in, sign-up, password and invitation pages: one card in the middle, the language switch on top. */
export function PublicLayout() {
  return (
    <Box mih="100vh" bg="gray.0" py="xl">
      <Container size={460}>
        <Group justify="space-between" mb="xl">
          <Brand />
          <LanguageMenu />
        </Group>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <Outlet />
        </Paper>
      </Container>
    </Box>
  );
}
