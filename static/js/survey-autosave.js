// Saves a survey part's draft as it is given (issue 13: no answer ever lost).
// Progressive enhancement: without this script "Volgende" and "Vorige" still save.
// Every change is sent, debounced, to the form's data-save-url with the form's CSRF
// token; a pending change is sent at once when the page is hidden or left.
(function () {
  "use strict";
  var form = document.querySelector("form[data-save-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-save-url");
  // Only with this script are choices kept as they are given: only then say so.
  var note = form.querySelector("[data-autosave-note]");
  if (note) {
    note.hidden = false;
  }
  var DELAY = 600;
  var timer = null;
  var dirty = false;
  var stopped = false;
  var submitting = false;

  function state(value) {
    form.setAttribute("data-autosave", value);
  }

  function send(leaving) {
    window.clearTimeout(timer);
    timer = null;
    if (!dirty || stopped || submitting) {
      return;
    }
    dirty = false;
    var body = new FormData(form);
    if (leaving && navigator.sendBeacon) {
      // The page is going away: the browser sends this even after it is gone.
      if (navigator.sendBeacon(url, body)) {
        return;
      }
    }
    state("saving");
    window.surveyDraftPost(url, body).then(function (outcome) {
      if (outcome === "saved") {
        state(dirty ? "pending" : "saved");
      } else if (outcome === "stopped") {
        stopped = true;
        state("stopped");
      } else {
        if (outcome === "offline") {
          // Try again with the next change.
          dirty = true;
        }
        state("error");
      }
    });
  }

  function changed() {
    dirty = true;
    state("pending");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      send(false);
    }, DELAY);
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target && event.target.tagName === "TEXTAREA") {
      changed();
    }
  });
  form.addEventListener("submit", function () {
    // "Volgende" or "Vorige" sends the whole part itself.
    submitting = true;
    window.clearTimeout(timer);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      send(true);
    }
  });
  window.addEventListener("pagehide", function () {
    send(true);
  });
  // Back from the bfcache: the form can be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
    }
  });
})();
