/* Invitations page: the outbox's progress bar fills as the worker sends. Polls the
   small JSON status endpoint while mails are queued; without this script the page
   shows the same counts and a refresh link. */
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.fetch) { return; }
  var running = document.getElementById("outbox-running");
  var done = document.getElementById("outbox-done");
  var bar = document.getElementById("outbox-bar");
  if (running.hidden) { return; }

  function show(status) {
    bar.setAttribute("aria-valuenow", status.percent);
    bar.firstElementChild.style.width = status.percent + "%";
    bar.firstElementChild.textContent = status.percent + "%";
    box.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = status[el.getAttribute("data-count")];
    });
    running.hidden = status.busy === 0;
    done.hidden = status.busy !== 0;
    return status.busy !== 0;
  }

  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && show(status)) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 1000);
})();
