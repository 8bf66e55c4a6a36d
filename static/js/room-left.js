// Texts say how much room is left (accounts/widgets.py: a field's limit is in data-max, never in
// maxlength, which would cut a long paste without a word). Past the limit the words stay; the form
// says what to do, and so does the server if the text is sent anyway. A one-line field (a title, a
// name) says it only once it is nearly full: most never come close.
(() => {
  "use strict";

  const number = new Intl.NumberFormat("en");

  const show = (area, note) => {
    const limit = Number(area.dataset.max);
    const left = limit - area.value.length;
    note.classList.toggle("over", left < 0);
    if (area.tagName === "INPUT" && left >= limit / 10) note.textContent = "";
    else if (left < 0) note.textContent = `${number.format(-left)} characters over the limit of ${number.format(limit)}: shorten it a little before saving.`;
    else note.textContent = `${number.format(left)} of ${number.format(limit)} characters left.`;
  };

  const attach = (root) => {
    root.querySelectorAll("textarea[data-max], input[data-max]").forEach((area) => {
      if (area.dataset.roomLeft) return;
      area.dataset.roomLeft = "1";
      const note = document.createElement("p");
      note.className = "help room-left";
      note.id = `${area.id || area.name}-room`;
      area.insertAdjacentElement("afterend", note);
      const described = area.getAttribute("aria-describedby");
      area.setAttribute("aria-describedby", described ? `${described} ${note.id}` : note.id);
      show(area, note);
      area.addEventListener("input", () => show(area, note));
    });
  };

  document.addEventListener("DOMContentLoaded", () => attach(document));
  // Forms swapped in place get theirs too.
  document.addEventListener("htmx:load", (event) => attach(event.target));
})();
