// Build the single-page site: `npm run build` writes static_site/dist/.
// The API base URL is read at run time from public/config.json, never baked in here.
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run dev` next to `make run`: the API is devhost's.
    proxy: { '/api': 'http://localhost:7071' },
  },
})
