// After an in-place action, keyboard focus lands on what came back and a polite live region
// (#announce, in base.html) says what happened, so a screen-reader user hears the result.
// The words are the fragment's own: its status or error message ([role=status], [role=alert]),
// or a data-announce attribute; a "More" link announces how many rows it added.
(() => {
  "use strict";

  // One request swaps several elements (out-of-band ones too): act once, on the first.
  const handled = new WeakSet();
  // How many children a list had before "More" added to its end, by request.
  const before = new WeakMap();

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target && event.detail.requestConfig) before.set(event.detail.requestConfig, target.children.length);
  });

  const announce = (text) => {
    const region = document.getElementById("announce");
    if (!region || !text) return;
    // Emptied, then filled: the same words twice in a row are announced twice.
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  };

  const focusOn = (elt) => {
    if (!elt.matches("a[href], button, input, select, textarea, [tabindex]")) elt.setAttribute("tabindex", "-1");
    elt.focus({ preventScroll: false });
  };

  const wordsIn = (elt) => {
    const said = elt.matches("[data-announce]") ? elt : elt.querySelector("[data-announce]");
    if (said) return said.getAttribute("data-announce");
    const message = elt.matches("[role=status], [role=alert]") ? elt : elt.querySelector("[role=status], [role=alert]");
    return message ? message.textContent.replace(/\s+/g, " ").trim() : "";
  };

  // Elements swapped out of band (the "More" link replaced, a list or a header brought up to
  // date) come with the main swap and are not the news. htmx drops their hx-swap-oob attribute
  // before swapping them in, and fires htmx:oobAfterSwap on every element settled so far (the
  // main swap's too), each with the out-of-band target: the new element is the one with its id.
  const outOfBand = new WeakSet();
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const elt = event.target;
    const target = event.detail.target;
    if (elt instanceof Element && target instanceof Element && elt.id && elt.id === target.id) outOfBand.add(elt);
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const config = event.detail.requestConfig;
    const elt = event.target;
    if (!config || handled.has(config) || !(elt instanceof Element) || !elt.isConnected) return;
    if (outOfBand.has(elt) || elt.hasAttribute("hx-swap-oob") || elt.hasAttribute("data-hx-swap-oob")) return;
    // The header's count loads by itself with every page: never steal focus for it.
    const trigger = config.triggeringEvent;
    if (!trigger || trigger.type === "load") return;
    handled.add(config);
    if (config.verb === "get") {
      // "More" adds rows to the end of its list (the target itself, for such a swap): the first
      // new one takes focus, and the region says how many came.
      const start = before.get(config);
      if (elt === event.detail.target && start !== undefined && elt.children.length > start) {
        const added = elt.children.length - start;
        focusOn(elt.children[start]);
        announce(added === 1 ? "One more shown." : `${added} more shown.`);
      }
      // A form fetched in place: trellis.js puts focus in its first field.
      return;
    }
    const heading = elt.querySelector("h1, h2, h3");
    const message = elt.querySelector("[role=alert], [role=status], .done, .errors");
    focusOn(message || heading || elt);
    announce(wordsIn(elt) || "Done.");
  });
})();
