// The printable summary's "Print" button: shown only where this script runs (the page's
// Content-Security-Policy allows no inline script), and it opens the browser's print dialog.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
