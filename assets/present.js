/* The presentation mode (marmot_dash/pages/present.py): keyboard shortcuts and focus.
   The arrow keys and PageUp / PageDown click the slide's navigation links, so the page router
   draws the next slide and the URL (and history) follow. Only on a presentation page, and never
   while typing or with a modifier key held (Alt+Left is the browser's Back). */
(function () {
    "use strict";

    const SHORTCUTS = {
        ArrowRight: "present-next-slide",
        ArrowLeft: "present-prev-slide",
        PageDown: "present-next-principle",
        PageUp: "present-prev-principle"
    };
    const TYPING = "input, textarea, select, [contenteditable='true'], [role='textbox']";
    let focusAfterRender = null;

    function isLink(element) {
        return Boolean(element) && element.tagName === "A";
    }

    function isControl(element) {
        return isLink(element) || (Boolean(element) && element.tagName === "BUTTON");
    }

    document.addEventListener("keydown", function (event) {
        if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey
                || event.shiftKey || !document.querySelector(".present-page")) {
            return;
        }
        const target = event.target;
        if (target && target.closest && target.closest(TYPING)) {
            return;
        }
        const id = SHORTCUTS[event.key];
        const link = id ? document.getElementById(id) : null;
        if (!isLink(link)) {
            return;
        }
        event.preventDefault();
        link.click();
    });

    // A control activated from the keyboard (Enter: a click without a pointer) is replaced when
    // the slide is drawn again; remember it so focus returns to its replacement.
    document.addEventListener("click", function (event) {
        const link = event.target && event.target.closest
            ? event.target.closest(".present-controls a, .present-controls button") : null;
        if (link && event.detail === 0 && document.activeElement === link) {
            focusAfterRender = link.id;
        }
    });

    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.marmotPresent = {
        restoreFocus: function () {
            const id = focusAfterRender;
            focusAfterRender = null;
            if (id) {
                const control = document.getElementById(id);
                const fallback = document.getElementById("present-position");
                const target = isControl(control) ? control : fallback;
                if (target) { target.focus(); }
            }
            return window.dash_clientside.no_update;
        },
        // The URL's search with the call-out switch flipped (callouts=on, or left out).
        toggleCallouts: function (clicks, search) {
            if (!clicks) { return window.dash_clientside.no_update; }
            const params = new URLSearchParams(search || "");
            if (params.get("callouts") === "on") { params.delete("callouts"); }
            else { params.set("callouts", "on"); }
            const text = params.toString();
            return text ? "?" + text : "";
        }
    };
})();
