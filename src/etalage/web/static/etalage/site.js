// Étalage's own behaviour, without inline scripts (the Content-Security-Policy
// allows none): a form with data-confirm asks before it is sent.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// With JavaScript, choosing another market applies it at once (the form's button
// is for browsers without JavaScript and hides itself under the "js" class).
document.documentElement.classList.replace("no-js", "js");
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form && "submitOnChange" in form.dataset) {
    form.requestSubmit();
  }
});

// A choice the page's totals depend on (the checkout's identity and address)
// recomputes them at once: its form is sent by the button it names, which is for
// browsers without JavaScript and hides itself under the "js" class.
document.addEventListener("change", (event) => {
  const choice = event.target.closest("[data-recompute-with]");
  if (choice && event.target.form) {
    event.target.form.requestSubmit(
      document.getElementById(choice.dataset.recomputeWith),
    );
  }
});

// On a narrow screen the listing's filters start folded, so that products show in
// the first screen; without JavaScript they stay open.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 899px)").matches) {
    document.querySelectorAll("details[data-close-on-narrow]").forEach((box) => {
      if (!box.querySelector(".error")) {
        box.open = false;
      }
    });
  }
});

// The search box's suggestions as a combobox (WAI-ARIA 1.2): ArrowDown and ArrowUp
// move through them, Enter opens the one chosen, Escape closes them.
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.getAttribute("role") !== "combobox") {
    return;
  }
  const list = document.getElementById(box.getAttribute("aria-controls"));
  const options = list ? [...list.querySelectorAll("[role=option]")] : [];
  if (event.key === "Escape" && list) {
    list.replaceChildren();
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    return;
  }
  if (!options.length) {
    return;
  }
  const current = options.findIndex(
    (option) => option.id === box.getAttribute("aria-activedescendant"),
  );
  let next;
  if (event.key === "ArrowDown") {
    next = (current + 1) % options.length;
  } else if (event.key === "ArrowUp") {
    next = current <= 0 ? options.length - 1 : current - 1;
  } else if (event.key === "Enter" && current >= 0) {
    event.preventDefault();
    options[current].querySelector("a").click();
    return;
  } else {
    return;
  }
  event.preventDefault();
  options.forEach((option, index) => {
    option.setAttribute("aria-selected", String(index === next));
  });
  box.setAttribute("aria-activedescendant", options[next].id);
  options[next].scrollIntoView({ block: "nearest" });
});

// The combobox says whether its list of suggestions is open.
document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.detail.target;
  const box = document.querySelector(`[role=combobox][aria-controls="${list.id}"]`);
  if (box) {
    box.setAttribute("aria-expanded", String(!!list.querySelector("[role=option]")));
    box.removeAttribute("aria-activedescendant");
  }
});

// A promotion's form shows only the terms of the kind chosen: the page comes with
// the others hidden (without JavaScript, "Show this kind's terms" sends the
// choice); here they follow the kind as it changes, and so do the labels whose
// meaning changes with it ("Minimum spend", "For every step spent"...).
function kindTermsShow(select) {
  for (const row of select.form.querySelectorAll("[data-kinds]")) {
    row.hidden = !row.dataset.kinds.split(" ").includes(select.value);
    const label = row.querySelector("label");
    const text = row.dataset.labels && JSON.parse(row.dataset.labels)[select.value];
    if (label && text) {
      label.textContent = text;
    }
  }
}
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-kind-terms]")) {
    kindTermsShow(event.target);
  }
});
// A kind the browser restored (back, reload) is shown with its own terms; the
// button that shows them without JavaScript goes (Enter in a field would send it,
// the form's first button, instead of saving).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-kind-terms]").forEach((select) => {
    kindTermsShow(select);
    select.form.querySelector("button[name=show_kind]")?.remove();
  });
});
