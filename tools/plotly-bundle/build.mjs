// Bundle plotly.js with only the traces the dashboard draws (see entry.js) into one minified
// IIFE that defines the global `Plotly`, as plotly.js's own dist bundles do.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';

// maplibre-gl's stylesheet, required by plotly.js for map subplots, goes into a <style> element
// (plotly.js's own build does the same with esbuild-plugin-inline-css).
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

await esbuild.build({
    entryPoints: ['entry.js'],
    outfile: process.argv[2] || 'plotly-custom.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    banner: { js: '/* plotly.js v4.1.1 (MIT), partial bundle: scatter, bar, choroplethmap. */' },
    plugins: [inlineCss],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    target: 'es2016',
    logLevel: 'info',
});
