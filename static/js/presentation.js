// Presentation mode: keys move between slides (each slide is a plain page with links,
// so everything also works without this script). F or the button: full screen.
(function () {
  "use strict";
  var slide = document.getElementById("slide");
  if (!slide) return;
  var keys = {
    ArrowRight: "next", PageDown: "next", " ": "next",
    ArrowLeft: "previous", PageUp: "previous",
    Home: "first", End: "last", Escape: "exit"
  };
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    if (event.key === "f" || event.key === "F") {
      toggleFullscreen();
      return;
    }
    // A focused link or button keeps Space for itself.
    if (event.key === " " && target && (target.tagName === "A" || target.tagName === "BUTTON")) return;
    var which = keys[event.key];
    if (!which) return;
    var url = slide.dataset[which];
    if (!url) return;
    event.preventDefault();
    window.location.assign(url);
  });
  function toggleFullscreen() {
    if (!document.fullscreenEnabled) return;
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }
  var button = document.getElementById("fullscreen");
  if (button && document.fullscreenEnabled) {
    button.hidden = false;
    button.addEventListener("click", toggleFullscreen);
  }
})();
