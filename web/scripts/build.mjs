// Build the front end: bundle src/main.js with esbuild (no CDN; everything
// is served by `omrade serve`), write index.html from its template (the
// first paint's shell from src/firstpaint.js, the style sheet inline) and
// copy the CSS.  The map layers are made by `omrade geom` (scripts/geo.sh),
// not here.
// Usage: node scripts/build.mjs OUT_WEB
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';
import {fillTemplate} from '../src/firstpaint.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.resolve(process.argv[2] || path.join(root, 'dist/web'));
fs.mkdirSync(out, {recursive: true});
await esbuild.build({
  entryPoints: [path.join(root, 'src/main.js')],
  bundle: true, minify: true, format: 'iife', target: ['es2020'],
  outfile: path.join(out, 'app.js'), legalComments: 'none', logLevel: 'warning',
});
const css = fs.readFileSync(path.join(root, 'src/style.css'), 'utf8');
fs.writeFileSync(path.join(out, 'index.html'), fillTemplate(fs.readFileSync(path.join(root, 'index.html'), 'utf8'), css));
fs.copyFileSync(path.join(root, 'src/style.css'), path.join(out, 'app.css'));
console.log(`web: ${out}`);
