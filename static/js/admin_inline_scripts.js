// Wagtail's admin writes a few inline scripts (an InlinePanel's set-up, a date field's calendar), which the
// Content-Security-Policy forbids. core/csp.py turns each into a JSON data element; this file makes the same calls.
// Only the functions and constructors named below are ever called, with the data as their arguments.
(function () {
  "use strict";
  var FUNCTIONS = ["initDateChooser", "initTimeChooser", "initDateTimeChooser", "createTaskChooser"];
  var CONSTRUCTORS = [
    "InlinePanel", "MultipleChooserPanel", "DocumentChooser", "ImageChooser", "PageChooser", "SnippetChooser",
  ];

  function run(element) {
    if (element.dataset.adminInitDone || element.closest("template")) {
      return;
    }
    element.dataset.adminInitDone = "1";
    var data = JSON.parse(element.textContent);
    var target = window[data.call];
    if (typeof target !== "function") {
      return;
    }
    if (data.new && CONSTRUCTORS.indexOf(data.call) !== -1) {
      Reflect.construct(target, data.args);
    } else if (!data.new && FUNCTIONS.indexOf(data.call) !== -1) {
      target.apply(window, data.args);
    }
  }

  function runWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    if (node.matches("script[data-admin-init]")) {
      run(node);
    }
    node.querySelectorAll("script[data-admin-init]").forEach(run);
  }

  runWithin(document.documentElement);
  // Forms added later (an InlinePanel's "add" button, a modal) bring their own data elements.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(runWithin);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
