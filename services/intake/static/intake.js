// Enhancements only: the form works the same without this script.
(function () {
  "use strict";

  // Suggest municipalities while typing (names, aliases such as Den Haag, or CBS codes).
  function suggestMunicipalities() {
    var input = document.querySelector("input[data-suggest-url]");
    var list = document.getElementById("municipality-options");
    if (!input || !list || !window.fetch) { return; }
    var timer = null;
    var latest = "";

    function show(items) {
      list.textContent = "";
      items.forEach(function (m) {
        var option = document.createElement("option");
        option.value = m.name;
        option.label = m.province;
        list.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      var typed = input.value.trim();
      window.clearTimeout(timer);
      if (typed.length < 2) { show([]); return; }
      timer = window.setTimeout(function () {
        latest = typed;
        fetch(input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(typed), {
          headers: { "Accept": "application/json" },
          credentials: "omit"
        })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) { if (typed === latest) { show(items); } })
          .catch(function () { show([]); });
      }, 200);
    });
  }

  // After an error, focus the summary so screen readers announce it; its links move the
  // focus into the field itself, not only scroll to it.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }

  suggestMunicipalities();
  focusErrorSummary();
})();
