/* Sharing a chart (marmot_dash/components/chart_share.py) and the presentation's QR code
   (marmot_dash/pages/present.py).
   - "Download SVG": plotly.js writes the SVG of the chart on screen, at slide size.
   - "Copy link to this chart": the view's address to the clipboard, confirmed in words; where
     the clipboard is refused, the link is shown to copy by hand.
   - Presentation: key q (or the button) shows and hides the QR code; Escape hides it. It stays
     open from slide to slide until it is closed. */
(function () {
    "use strict";

    const TYPING = "input, textarea, select, [contenteditable='true'], [role='textbox']";
    let qrOpen = false;

    function say(button, text) {
        const status = document.getElementById(button.getAttribute("data-status"));
        if (status) { status.textContent = text; }
    }

    function downloadSvg(button) {
        const bar = button.closest(".chart-share");
        const graph = document.getElementById(bar.getAttribute("data-graph"));
        const plot = graph ? graph.querySelector(".js-plotly-plot") : null;
        if (!plot || !window.Plotly) { say(button, "The chart is not drawn yet."); return; }
        window.Plotly.downloadImage(plot, {
            format: "svg", width: 1920, height: 1080,
            filename: button.getAttribute("data-filename")
        }).then(function () { say(button, "SVG downloaded."); },
                function () { say(button, "Sorry, the SVG could not be made."); });
    }

    function copyLink(button) {
        const url = new URL(button.getAttribute("data-href"), window.location.href).href;
        const fallback = function () { say(button, "Copy this link: " + url); };
        if (!navigator.clipboard) { fallback(); return; }
        navigator.clipboard.writeText(url).then(
            function () { say(button, "Link copied: " + url); }, fallback);
    }

    function showQr(open) {
        const overlay = document.getElementById("present-qr");
        const button = document.getElementById("present-qr-button");
        if (!overlay) { return; }
        qrOpen = open;
        overlay.hidden = !open;
        if (button) { button.setAttribute("aria-expanded", open ? "true" : "false"); }
    }

    document.addEventListener("click", function (event) {
        const target = event.target && event.target.closest ? event.target : null;
        const share = target ? target.closest("[data-share]") : null;
        if (share) {
            if (share.getAttribute("data-share") === "svg") { downloadSvg(share); }
            else { copyLink(share); }
            return;
        }
        if (target && target.closest("#present-qr-button")) {
            showQr(!qrOpen);
            if (qrOpen) { document.getElementById("present-qr-close").focus(); }
        } else if (target && target.closest("#present-qr-close")) {
            showQr(false);
            document.getElementById("present-qr-button").focus();
        }
    });

    document.addEventListener("keydown", function (event) {
        if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey
                || !document.getElementById("present-qr")) {
            return;
        }
        if (event.target && event.target.closest && event.target.closest(TYPING)) { return; }
        if (event.key === "q" || event.key === "Q") {
            event.preventDefault();
            showQr(!qrOpen);
        } else if (event.key === "Escape" && qrOpen) {
            event.preventDefault();
            showQr(false);
        }
    });

    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.marmotShare = {
        // A new slide was drawn: keep the QR code showing if it was.
        keepQr: function () {
            showQr(qrOpen);
            return window.dash_clientside.no_update;
        }
    };
})();
