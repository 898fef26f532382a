// The traces the Marmot dashboard draws: scatter (in core), bar and choroplethmap.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
]);

module.exports = Plotly;
