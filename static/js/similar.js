// "Har andre prøvet det?" in the admin's experiment form (experiments/panels.py, SimilarExperimentsPanel): posts the
// form's current title, texts, target groups, service areas and provisions to the similarity endpoint as they change
// and lists the experiments that come back. A file, not an inline script: the admin's CSP allows none.
(() => {
  const TEXT_FIELDS = ["title", "summary", "challenge", "purpose", "target_group_description"];
  const WAIT_MS = 600;

  function formValues(form, panel) {
    const data = new FormData();
    for (const name of TEXT_FIELDS) {
      const field = form.elements.namedItem(name);
      if (field && typeof field.value === "string") data.append(name, field.value);
    }
    for (const name of ["target_groups", "service_areas"]) {
      form.querySelectorAll(`input[name="${name}"]:checked`).forEach((input) => data.append(name, input.value));
    }
    form.querySelectorAll('input[name^="exemption_requests-"][name$="-reference"]').forEach((input) => {
      if (input.name.includes("__prefix__") || !input.value.trim()) return;
      const deleted = form.elements.namedItem(input.name.replace(/reference$/, "DELETE"));
      // Wagtail's InlinePanel marks a removed row with a hidden DELETE field set to "1".
      if (deleted && (deleted.checked || deleted.value === "1")) return;
      data.append("provisions", input.value);
    });
    data.append("exclude", panel.dataset.similarExclude || "");
    return data;
  }

  function render(panel, results) {
    const list = panel.querySelector("[data-similar-list]");
    const status = panel.querySelector("[data-similar-status]");
    const items = results.map((result) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = result.url || "#";
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = result.title;
      item.append(link);
      if (result.municipality) item.append(` (${result.municipality})`);
      const reasons = document.createElement("ul");
      for (const reason of result.reasons) {
        const line = document.createElement("li");
        line.textContent = reason;
        reasons.append(line);
      }
      item.append(reasons);
      return item;
    });
    list.replaceChildren(...items);
    status.textContent = results.length
      ? panel.dataset.similarFound.replace("%(count)s", String(results.length))
      : panel.dataset.similarEmpty;
  }

  function start(panel) {
    const form = panel.closest("form");
    if (!form) return;
    const csrf = form.elements.namedItem("csrfmiddlewaretoken");
    let timer = null;
    let pending = null;

    async function update() {
      if (pending) pending.abort();
      pending = new AbortController();
      try {
        const response = await fetch(panel.dataset.similarEndpoint, {
          method: "POST",
          body: formValues(form, panel),
          headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
          credentials: "same-origin",
          signal: pending.signal,
        });
        if (!response.ok) throw new Error(String(response.status));
        render(panel, (await response.json()).results);
      } catch (error) {
        if (error.name !== "AbortError") {
          panel.querySelector("[data-similar-status]").textContent = panel.dataset.similarError;
        }
      }
    }

    function schedule(event) {
      if (event.target && panel.contains(event.target)) return;
      clearTimeout(timer);
      timer = setTimeout(update, WAIT_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // Adding or removing an exemption row changes the provisions without an input event.
    form.addEventListener("click", (event) => {
      if (event.target.closest && event.target.closest("[data-inline-panel-child], .w-panel__controls, button")) schedule(event);
    });
    update();
  }

  function init() {
    document.querySelectorAll("[data-similar-endpoint]").forEach(start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
