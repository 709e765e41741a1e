// Brings the cited passage to the middle of the screen (the #passage anchor alone puts it at the top).
(function () {
  "use strict";
  var mark = document.getElementById("passage");
  if (mark) {
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  }
  // Back to the conversation (kept in sessionStorage) rather than a fresh page.
  var back = document.getElementById("back");
  if (back && document.referrer && new URL(document.referrer).origin === location.origin && history.length > 1) {
    back.addEventListener("click", function (event) {
      event.preventDefault();
      history.back();
    });
  }
})();
