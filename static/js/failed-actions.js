// An in-place action that fails says so where it was made, instead of nothing.
// htmx does not swap a 4xx or 5xx answer (the htmx-config meta in base.html) and fires
// htmx:responseError; a request that got no answer at all fires htmx:sendError. The words
// say only what is known: a server error may come after a save, so they never promise that
// nothing changed (docs/DECISIONS.md).
(() => {
  "use strict";

  const SERVER = "That didn't go through. Try again.";
  const REFUSED = "That didn't go through. Reload the page to see where things stand.";
  const UNREACHABLE = "That didn't go through: Trellis couldn't be reached. Check your connection and try again.";

  // The message shown for each element that made a request, until its next success.
  const shown = new WeakMap();

  const clear = (elt) => {
    const message = shown.get(elt);
    if (message) {
      message.remove();
      shown.delete(elt);
    }
  };

  const show = (elt, text) => {
    clear(elt);
    // A button or field that made the request: the message goes after its form.
    const anchor = elt.closest("form") || elt;
    const message = document.createElement("p");
    message.className = "action-failed";
    message.setAttribute("role", "alert");
    anchor.insertAdjacentElement("afterend", message);
    // Added, then filled: screen readers announce a live region's new words.
    window.setTimeout(() => { message.textContent = text; }, 50);
    shown.set(elt, message);
  };

  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    show(event.detail.elt, status >= 500 ? SERVER : REFUSED);
  });

  document.addEventListener("htmx:sendError", (event) => {
    show(event.detail.elt, UNREACHABLE);
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) clear(event.detail.elt);
  });
})();
