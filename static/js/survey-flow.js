// The survey as one document (issue 13): the welcome, every part and the review stand
// in the page; this script shows one at a time, so "Volgende" and "Vorige" need no
// request. Every change is saved, debounced, to one draft endpoint for the whole survey
// (all parts' fields in one POST); the review is built here from the choices on the
// page, and "Antwoorden versturen" posts every part at once (the server checks it all
// again and, when something is missing, shows the page at the first part with an error).
// Without this script each part's form posts by itself, as a page of its own.
(function () {
  "use strict";
  var home = document.querySelector("[data-survey-home]");
  // Shown by the link itself (/v/<token>/): the survey's own address replaces it in the
  // address bar and the history, so the token is not kept, bookmarked or shared.
  if (home && window.history && history.replaceState && /^\/v\//.test(location.pathname)) {
    history.replaceState(null, "", home.getAttribute("data-survey-home"));
  }
  var doc = document.querySelector("[data-survey-doc]");
  var start = document.querySelector("form[data-start]");
  if (!window.fetch || !window.URLSearchParams) {
    return;
  }
  if (!doc) {
    // Still to choose a layer or department: the welcome's POST starts the survey and
    // then brings the whole survey as one document.
    if (start) {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "script";
      flag.value = "1";
      start.appendChild(flag);
    }
    return;
  }
  var steps = Array.prototype.slice.call(doc.querySelectorAll("section[data-step]"));
  var forms = Array.prototype.slice.call(doc.querySelectorAll("form[data-part]"));
  var review = doc.querySelector("section[data-step='review']");
  var submitForm = doc.querySelector("form[data-submit]");
  var url = doc.getAttribute("data-save-url");
  var csrf = submitForm.querySelector("[name=csrfmiddlewaretoken]").value;
  var suffix = document.title.replace(/^.*( · [^·]+)$/, "$1");
  var current = "0";
  steps.forEach(function (step) {
    if (!step.hidden) {
      current = step.getAttribute("data-step");
    }
  });
  // A refused final POST came back at /vragenlijst/versturen/: a reload must not post
  // it again.
  if (history.replaceState && /\/versturen\/$/.test(location.pathname)) {
    history.replaceState(null, "", location.pathname.replace(/versturen\/$/, ""));
  }
  forms.forEach(function (form) {
    var note = form.querySelector("[data-autosave-note]");
    if (note) {
      note.hidden = false;
    }
  });

  // --- Showing one step at a time ---------------------------------------------------

  function stepNumber() {
    if (current === "review") {
      return forms.length + 1;
    }
    return Math.max(parseInt(current, 10), 1);
  }

  function show(name, focusId) {
    steps.forEach(function (step) {
      step.hidden = step.getAttribute("data-step") !== name;
    });
    current = name;
    var section = doc.querySelector("section[data-step='" + name + "']");
    if (name === "review") {
      buildReview();
    }
    var title = section.getAttribute("data-title");
    if (title) {
      document.title = title + suffix;
    }
    var target = focusId ? document.getElementById(focusId) : null;
    if (!target) {
      target = section.querySelector("h1");
      window.scrollTo(0, 0);
    } else {
      target.scrollIntoView();
    }
    target.focus({ preventScroll: true });
  }

  function firstOpen() {
    for (var i = 0; i < forms.length; i++) {
      if (unanswered(forms[i]).length) {
        return forms[i].getAttribute("data-part");
      }
    }
    return "review";
  }

  // The questions of a part with "nu" or "over N jaar" not chosen yet.
  function unanswered(form) {
    return Array.prototype.slice
      .call(form.querySelectorAll("fieldset.question"))
      .filter(function (question) {
        var groups = question.querySelectorAll("fieldset.answer");
        return Array.prototype.some.call(groups, function (group) {
          return !group.querySelector("input[type=radio]:checked");
        });
      });
  }

  function clientErrors(form, missing) {
    var box = form.querySelector("[data-client-errors]");
    var list = box.querySelector("ul");
    list.textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (q) {
      q.classList.toggle("border-danger", missing.indexOf(q) >= 0);
    });
    missing.forEach(function (question) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "alert-link";
      link.href = "#" + question.id;
      link.textContent = question.querySelector("legend").textContent;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = !missing.length;
    if (missing.length) {
      // The one error summary of the page (survey.js follows its links).
      var earlier = document.getElementById("error-summary");
      if (earlier && earlier !== box) {
        earlier.removeAttribute("id");
        earlier.hidden = true;
      }
      box.id = "error-summary";
      box.focus();
    }
  }

  doc.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-fill]");
    if (link) {
      event.preventDefault();
      var id = link.getAttribute("href").slice(1);
      show(link.getAttribute("data-fill"), id);
      return;
    }
    var button = event.target.closest("[data-goto]");
    if (button) {
      show(button.getAttribute("data-goto"));
    }
  });

  if (start) {
    start.addEventListener("submit", function (event) {
      event.preventDefault();
      show(firstOpen());
    });
  }

  forms.forEach(function (form) {
    var number = parseInt(form.getAttribute("data-part"), 10);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // Enter on a radio submits with the default button, "Volgende".
      var action = event.submitter ? event.submitter.value : "next";
      if (action === "previous") {
        show(String(number - 1));
        return;
      }
      var missing = unanswered(form);
      clientErrors(form, missing);
      if (missing.length) {
        return;
      }
      var next = number < forms.length ? String(number + 1) : "review";
      // "Volgende" saves as it always did; the next part shows once the save is done
      // (or failed: the choices stay on the page and go with the next save).
      current = next;
      send(false, true).then(function () {
        show(next);
      });
    });
  });

  // --- Draft saves --------------------------------------------------------------------

  var DELAY = 600;
  var timer = null;
  var dirty = false;
  // The parts changed since their last acknowledged save: a draft holds only these (the
  // server leaves what a draft does not hold as it is saved), so a save stays small.
  var changedParts = {};
  var stopped = false;
  var submitting = false;

  function state(value) {
    doc.setAttribute("data-autosave", value);
  }

  // The chosen radios of the parts (all, or `only` those), and their comments: an
  // empty comment box only when it held text before (so emptying it is saved), not for
  // every box never typed in.
  function fields(target, only) {
    forms.forEach(function (form) {
      if (only && !only[form.getAttribute("data-part")]) {
        return;
      }
      Array.prototype.forEach.call(form.elements, function (element) {
        if (element.type === "radio") {
          if (element.checked) {
            target(element.name, element.value);
          }
        } else if (element.tagName === "TEXTAREA") {
          if (element.value || element.defaultValue || element.hasAttribute("data-typed")) {
            target(element.name, element.value);
          }
        }
      });
    });
  }

  function send(leaving, always) {
    window.clearTimeout(timer);
    timer = null;
    if ((!dirty && !always) || stopped || submitting) {
      return Promise.resolve();
    }
    dirty = false;
    var parts = changedParts;
    changedParts = {};
    // Form-encoded, not multipart: the fields are short texts, and the server parses
    // this encoding several times faster (it is also what bench/survey_client.py sends).
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("deel", String(stepNumber()));
    fields(function (name, value) {
      body.append(name, value);
    }, parts);
    function again() {
      // Not saved: these parts go along with the next save.
      Object.keys(parts).forEach(function (part) {
        changedParts[part] = true;
      });
    }
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, body)) {
      // The page is going away: the browser sends this even after it is gone.
      return Promise.resolve();
    }
    state("saving");
    return window.surveyDraftPost(url, body).then(function (outcome) {
      if (outcome === "saved") {
        state(dirty ? "pending" : "saved");
      } else if (outcome === "stopped") {
        stopped = true;
        state("stopped");
      } else {
        again();
        if (outcome === "offline") {
          // Try again with the next change.
          dirty = true;
        }
        state("error");
      }
    });
  }

  function changed(event) {
    var form = event.target.closest("form[data-part]");
    if (form) {
      changedParts[form.getAttribute("data-part")] = true;
    }
    dirty = true;
    state("pending");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      send(false);
    }, DELAY);
  }

  forms.forEach(function (form) {
    form.addEventListener("change", changed);
    form.addEventListener("input", function (event) {
      if (event.target && event.target.tagName === "TEXTAREA") {
        event.target.setAttribute("data-typed", "");
        changed(event);
      }
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      send(true);
    }
  });
  window.addEventListener("pagehide", function () {
    send(true);
  });

  // --- The review and the one final POST -------------------------------------------

  function add(list, term, detail) {
    var dt = document.createElement("dt");
    dt.className = "fw-normal";
    dt.textContent = term;
    list.appendChild(dt);
    list.appendChild(detail);
  }

  function chosen(group) {
    var input = group.querySelector("input[type=radio]:checked");
    return input ? input.getAttribute("data-choice") : null;
  }

  function buildReview() {
    var words = review.dataset;
    var missing = 0;
    forms.forEach(function (form) {
      var number = form.getAttribute("data-part");
      var list = review.querySelector("[data-review-part='" + number + "']");
      list.textContent = "";
      form.querySelectorAll("fieldset.question").forEach(function (question) {
        var text = question.querySelector("legend").textContent;
        var groups = question.querySelectorAll("fieldset.answer");
        var now = chosen(groups[0]);
        var later = chosen(groups[1]);
        var dd = document.createElement("dd");
        if (now !== null && later !== null) {
          [
            [words.now, now],
            [words.later, later],
          ].forEach(function (pair, index) {
            if (index) {
              dd.appendChild(document.createTextNode(" · "));
            }
            dd.appendChild(document.createTextNode(pair[0] + ": "));
            var strong = document.createElement("strong");
            strong.textContent = pair[1];
            dd.appendChild(strong);
          });
        } else {
          missing += 1;
          var warning = document.createElement("strong");
          warning.className = "text-danger";
          warning.textContent = words.missing;
          dd.appendChild(warning);
          dd.appendChild(document.createTextNode(" · "));
          var link = document.createElement("a");
          link.href = "#" + question.id;
          link.setAttribute("data-fill", number);
          link.textContent = words.fill;
          var hidden = document.createElement("span");
          hidden.className = "visually-hidden";
          hidden.textContent = ": " + text;
          link.appendChild(hidden);
          dd.appendChild(link);
        }
        add(list, text, dd);
      });
      form.querySelectorAll("section.factor").forEach(function (factor) {
        var comment = factor.querySelector("textarea");
        if (comment && comment.value.trim()) {
          var dd = document.createElement("dd");
          dd.className = "review-comment";
          dd.textContent = comment.value.trim();
          add(list, words.comment + " " + factor.querySelector("h2").textContent, dd);
        }
      });
    });
    review.querySelector("[data-review-missing]").hidden = !missing;
    review.querySelector("[data-review-ready]").hidden = !!missing;
    review.querySelector("[data-review-send]").hidden = !!missing;
  }

  submitForm.addEventListener("submit", function () {
    // Every part's fields go along; the autosave stops (this POST saves everything).
    submitting = true;
    window.clearTimeout(timer);
    submitForm.querySelectorAll("input[data-copy]").forEach(function (input) {
      input.remove();
    });
    fields(function (name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      input.setAttribute("data-copy", "");
      submitForm.appendChild(input);
    });
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
    }
  });
})();
