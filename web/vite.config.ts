import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is served by the Vigil server from web/dist; paths are resolved from this folder so the
// build works whatever the current directory is.
const root = fileURLToPath(new URL('.', import.meta.url));

// `npm run dev:web` proxies API calls to a running Vigil (override with VIGIL_DEV_API).
const devApi = process.env['VIGIL_DEV_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // CSP is `default-src 'self'`: never inline assets as data: URLs.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: devApi, changeOrigin: false },
    },
  },
  preview: { host: '127.0.0.1' },
});
