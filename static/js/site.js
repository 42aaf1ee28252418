// Start Det Fælles Designsystem's components (navigation, accordions, dropdowns) and our print buttons.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  document.querySelectorAll("[data-print-page]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
