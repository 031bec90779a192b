// Bundles the browser pages into dist/web with esbuild (its binary comes in an npm package, so the
// build needs no download): one script, one style sheet with Pico's classless styles and uPlot's,
// and index.html. The page loads nothing from anywhere else, as the server's CSP demands.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
await mkdir(out, { recursive: true });
await build({
  entryPoints: {
    app: join(root, 'web', 'src', 'main.tsx'),
    style: join(root, 'web', 'src', 'style.css'),
  },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: out,
  logLevel: 'warning',
});
await copyFile(join(root, 'web', 'index.html'), join(out, 'index.html'));
