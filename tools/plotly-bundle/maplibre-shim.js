// Stands in for maplibre-gl inside plotly.js: forwards to the MapLibre that maplibre.js (a
// separate bundle in assets/lazy/) puts on window.maplibregl, and loads that bundle once.
var lazyUrl = document.currentScript
    ? document.currentScript.src.replace(/[^/]*$/, 'lazy/maplibre-gl.min.js')
    : 'assets/lazy/maplibre-gl.min.js';
var loading = null;

exports.load = function () {
    if (window.maplibregl) return Promise.resolve();
    if (!loading) {
        loading = new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.src = lazyUrl;
            script.onload = resolve;
            script.onerror = function () {
                loading = null;
                reject(new Error('Could not load ' + lazyUrl));
            };
            document.head.appendChild(script);
        });
    }
    return loading;
};

exports.setWorkerUrl = function () {};  // maplibre.js sets its worker itself
['Map', 'AttributionControl', 'LngLat'].forEach(function (name) {
    Object.defineProperty(exports, name, { get: function () { return window.maplibregl[name]; } });
});
