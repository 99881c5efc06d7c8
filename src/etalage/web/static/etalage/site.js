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
