// Enhancement only: suggest municipalities while typing. The form works the same without it.
(function () {
  "use strict";
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

  // After an error, bring the summary into view and focus so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
