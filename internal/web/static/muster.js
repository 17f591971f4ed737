// muster.js: progressive enhancement only; every page works without it.
// A form with data-busy disables its button while it is sent (a large
// import takes a while), so it is not submitted twice.
document.addEventListener("submit", (e) => {
  const b = e.target.dataset.busy !== undefined && e.target.querySelector("button[type=submit]");
  if (b) { setTimeout(() => { b.disabled = true; b.textContent = e.target.dataset.busy; }, 0); }
});
