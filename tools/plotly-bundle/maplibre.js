// MapLibre GL for plotly.js's map subplots, with its stylesheet and worker (as plotly.js's
// own bundles carry them), published as window.maplibregl for maplibre-shim.js.
import * as maplibregl from 'maplibre-gl/dist/maplibre-gl.mjs';
import workerSource from 'plotly.js/build/maplibre_worker';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
window.maplibregl = maplibregl;
