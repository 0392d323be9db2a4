import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The SPA is built into dist/web, which the Fastify server serves (with an SPA fallback).
// `npx vite --config src/web/vite.config.ts` runs a dev server that proxies /api to a running server.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': { target: process.env.MAILLON_API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
