// Étalage's own behaviour, without inline scripts (the Content-Security-Policy
// allows none): a form with data-confirm asks before it is sent.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
