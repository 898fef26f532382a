// The traces the Marmot dashboard draws: scatter (in core), bar and choroplethmap. MapLibre
// (most of a map bundle's size) is not in here: it comes from maplibre.js, fetched the first
// time a figure with a map trace is drawn (see maplibre-shim.js).
var Plotly = require('plotly.js/lib/core');
var loadMaplibre = require('./maplibre-shim.js').load;

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
]);

function hasMap(data) {
    return (data || []).some(function (trace) { return /map$/.test((trace || {}).type || ''); });
}

// dcc.Graph draws with Plotly.react(gd, figure, config); newPlot for anything else.
['react', 'newPlot'].forEach(function (name) {
    var draw = Plotly[name];
    Plotly[name] = function (gd, data) {
        var args = arguments;
        var traces = Array.isArray(data) ? data : (data || {}).data;
        if (!hasMap(traces)) return draw.apply(Plotly, args);
        return loadMaplibre().then(function () { return draw.apply(Plotly, args); });
    };
});

module.exports = Plotly;
