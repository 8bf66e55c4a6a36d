// The settings page's time zone, taken from the browser the first time the page opens:
// only while the field is still empty, and only a zone the list offers.
(() => {
  const select = document.querySelector("select[data-browser-zone]");
  if (!select || select.value) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return;
  }
  if (Array.from(select.options).some((option) => option.value === zone)) select.value = zone;
})();
