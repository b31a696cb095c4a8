// Survey page: when the page comes back with errors, move the keyboard and screen
// reader focus to the error summary at the top. Its links (plain anchors) also work
// without this script. Under each 0-5 scale, show the chosen level's description
// (the descriptions per factor above the questions serve without this script).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // Following a link in the summary focuses the question itself, so the next Tab
  // lands on its first answer.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#error-summary a[href^='#']") : null;
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.scrollIntoView();
      target.focus({ preventScroll: true });
      if (history.replaceState) {
        history.replaceState(null, "", link.getAttribute("href"));
      }
    }
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || !input.hasAttribute("data-choice")) {
      return;
    }
    var line = document.querySelector("[data-choice-for='" + input.name + "']");
    if (!line) {
      return;
    }
    var strong = document.createElement("strong");
    strong.textContent = input.getAttribute("data-choice");
    line.textContent = "";
    line.appendChild(strong);
    // The description stands once in the factor's list of levels above the questions.
    var section = input.closest("section");
    var level = section ? section.querySelector("[data-level='" + input.value + "'] dd") : null;
    if (level) {
      line.appendChild(document.createTextNode(" " + level.textContent));
    }
  });

  // A draft save, as survey-autosave.js (a part as a page of its own) and survey-flow.js
  // (the survey as one document) send it: `body` posted to `url`. The promise gives
  // "saved" (204), "stopped" (409 or 404: submitted, closed or the session ended; nothing
  // more to save here), "error" (any other answer) or "offline" (no answer at all).
  window.surveyDraftPost = function (url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-Requested-With": "fetch" },
    }).then(
      function (response) {
        if (response.status === 204) {
          return "saved";
        }
        return response.status === 409 || response.status === 404 ? "stopped" : "error";
      },
      function () {
        return "offline";
      }
    );
  };
})();
