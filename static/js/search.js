// The search page (/soeg/): filters apply as soon as they change, and on a phone they fold behind "Filtrér".
// Without this script the page works as a plain form: the filters stay open and "Opdatér" submits them.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var panel = document.getElementById("facet-panel");
  var results = document.getElementById("search-results");
  if (!form || !results || !window.fetch || !window.DOMParser) {
    return;
  }
  var wide = window.matchMedia("(min-width: 992px)");
  var status = document.getElementById("search-status");
  var pending = null;
  var shownSearch = window.location.search;

  function fitPanel() {
    if (panel) {
      panel.open = wide.matches;
    }
  }

  function replace(id, source) {
    var current = document.getElementById(id);
    var fresh = source.getElementById(id);
    if (current && fresh) {
      current.innerHTML = fresh.innerHTML;
    }
    return Boolean(current && fresh);
  }

  // Forms beside the count (saving the search, say) carry the search in hidden fields: keep them current.
  function syncHiddenFields(source) {
    document.querySelectorAll(".results-bar input[type=hidden][name]").forEach(function (field) {
      var fresh = source.querySelector('.results-bar input[type=hidden][name="' + CSS.escape(field.name) + '"]');
      if (fresh) {
        field.value = fresh.value;
      }
    });
  }

  // Put focus back on the control the reader just changed, opening its "Vis alle" if it moved there.
  function restoreFocus(name, value, openMore) {
    openMore.forEach(function (param) {
      var more = document.querySelector('[data-facet-more="' + param + '"]');
      if (more) {
        more.open = true;
      }
    });
    if (!name || document.activeElement !== document.body) {
      return;
    }
    var selector = '[form="search-form"][name="' + CSS.escape(name) + '"]';
    var control = Array.prototype.find.call(document.querySelectorAll(selector), function (candidate) {
      return candidate.value === value;
    });
    if (control) {
      var folded = control.closest(".facet-more");
      if (folded) {
        folded.open = true;
      }
      control.focus();
    }
  }

  function apply(changed) {
    var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    var openMore = Array.prototype.map.call(document.querySelectorAll(".facet-more[open]"), function (more) {
      return more.getAttribute("data-facet-more");
    });
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var complete = ["search-results", "results-heading", "facet-list"].every(function (id) {
          return page.getElementById(id);
        });
        if (!complete || !document.getElementById("facet-list")) {
          window.location.assign(url);
          return;
        }
        replace("search-results", page);
        replace("results-heading", page);
        replace("facet-list", page);
        replace("facet-panel-selected", page);
        syncHiddenFields(page);
        document.title = page.title;
        window.history.pushState({ search: true }, "", url);
        shownSearch = window.location.search;
        restoreFocus(changed.name, changed.value, openMore);
        results.removeAttribute("aria-busy");
        if (status) {
          status.textContent = document.getElementById("results-heading").textContent.trim();
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.assign(url);
        }
      });
  }

  fitPanel();
  wide.addEventListener("change", fitPanel);

  document.querySelectorAll("[data-without-js]").forEach(function (button) {
    button.hidden = true;
  });
  var hint = document.getElementById("facets-hint");
  if (hint) {
    hint.hidden = false;
  }

  // Filters and the sort order sit outside the form element (form="search-form"), so listen on the document.
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.form === form && control.name && control.name !== "q") {
      apply(control);
    }
  });

  // Back and forward between searches load the search they go to; a jump within the page (the skip link) does not.
  window.addEventListener("popstate", function () {
    if (window.location.search !== shownSearch) {
      window.location.reload();
    }
  });
})();
