// Two minified IIFE bundles from plotly.js (see entry.js and maplibre.js):
//   plotly-custom.min.js         plotly.js with our traces, defines the global `Plotly`
//   lazy/maplibre-gl.min.js      MapLibre, fetched by the first map drawn
// Usage: node build.mjs <assets folder>
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const assets = process.argv[2] || 'out';
const here = path.dirname(new URL(import.meta.url).pathname);

// A stylesheet becomes a <style> element (as plotly.js's esbuild-plugin-inline-css does).
const inlineCss = {
    name: 'inline-css',
    setup(build) {
        build.onLoad({ filter: /\.css$/ }, async (args) => {
            const css = await readFile(args.path, 'utf8');
            const contents = `var style = document.createElement('style');
style.textContent = ${JSON.stringify(css)};
document.head.appendChild(style);`;
            return { contents, loader: 'js' };
        });
    },
};

// In the main bundle, maplibre-gl, its worker source and its stylesheet stay out.
const withoutMaplibre = {
    name: 'without-maplibre',
    setup(build) {
        build.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.mjs$/ }, () => (
            { path: path.join(here, 'maplibre-shim.js') }));
        build.onResolve({ filter: /maplibre_worker$|maplibre-gl\.css$/ }, (args) => (
            { path: args.path, namespace: 'empty' }));
        build.onLoad({ filter: /.*/, namespace: 'empty' }, () => (
            { contents: 'module.exports = "";', loader: 'js' }));
    },
};

const common = {
    format: 'iife',
    bundle: true,
    minify: true,
    legalComments: 'none',
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    target: 'es2016',
    logLevel: 'info',
};

await esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'entry.js')],
    outfile: path.join(assets, 'plotly-custom.min.js'),
    globalName: 'Plotly',
    banner: { js: '/* plotly.js v4.1.1 (MIT), partial bundle: scatter, bar, choroplethmap. */' },
    plugins: [withoutMaplibre],
});

await esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'maplibre.js')],
    outfile: path.join(assets, 'lazy', 'maplibre-gl.min.js'),
    banner: { js: '/* maplibre-gl (BSD-3-Clause) for plotly.js map subplots. */' },
    plugins: [inlineCss],
});
