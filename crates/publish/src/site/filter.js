// The index's filter. Without this script every advisory is listed and the form
// stays hidden; with it, rows that do not match the search words, the severity and
// the weakness are hidden. The choice is kept in the address (?q=…&severity=…&cwe=…)
// so a filtered list can be bookmarked or shared; that works from file:// too.
"use strict";

(function () {
  const form = document.getElementById("filter");
  const table = document.querySelector("table.advisories");
  if (!form || !table || !table.tBodies.length) {
    return;
  }
  const text = document.getElementById("filter-text");
  const severity = document.getElementById("filter-severity");
  const cwe = document.getElementById("filter-cwe");
  const status = document.getElementById("filter-status");
  const rows = Array.from(table.tBodies[0].rows);

  function count(n) {
    return n === 1 ? "1 advisory" : n + " advisories";
  }

  function apply() {
    const words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    const rating = severity.value;
    const weakness = cwe.value;
    let shown = 0;
    for (const row of rows) {
      const search = row.dataset.search || "";
      const cwes = (row.dataset.cwe || "").split(" ");
      const match =
        words.every((word) => search.includes(word)) &&
        (rating === "" || row.dataset.severity === rating) &&
        (weakness === "" || cwes.includes(weakness));
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    }
    status.textContent =
      shown === rows.length
        ? count(rows.length)
        : shown + " of " + count(rows.length) + " shown";
  }

  function remember() {
    const params = new URLSearchParams();
    if (text.value) params.set("q", text.value);
    if (severity.value) params.set("severity", severity.value);
    if (cwe.value) params.set("cwe", cwe.value);
    const query = params.toString();
    try {
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    } catch (e) {
      // Some browsers refuse replaceState on file:// pages; the filter still works.
    }
  }

  function pick(select, value) {
    if (Array.from(select.options).some((option) => option.value === value)) {
      select.value = value;
    }
  }

  const params = new URLSearchParams(location.search);
  text.value = params.get("q") || "";
  pick(severity, params.get("severity") || "");
  pick(cwe, params.get("cwe") || "");

  form.hidden = false;
  form.addEventListener("input", () => {
    apply();
    remember();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  apply();
})();
