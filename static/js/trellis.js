// Small, static listeners only: the CSP forbids inline handlers and htmx's eval.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to the first field of a form swapped in, so keyboard users land in it.
  const field = event.detail.target.querySelector("input:not([type=hidden]), textarea, select");
  if (field && event.detail.requestConfig.verb === "get") field.focus();
});
