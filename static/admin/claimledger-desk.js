/* The claim change page's live checklist: what the chosen verdict still lacks, before saving.
   The rules come from the page (data-needs, written from claims.workflow.VERDICT_NEEDS);
   the server checks them again on save, so this script only saves a round trip. */
(function () {
  "use strict";
  var ALL = ["context", "refutes", "supports"];

  function describe(group) {
    if (group.length === ALL.length) { return "at least one citation"; }
    return "at least one citation with stance " + group.map(function (s) { return "'" + s + "'"; }).join(" or ");
  }

  function citedStances() {
    var stances = [];
    document.querySelectorAll("select[id^='id_citations-'][id$='-stance']").forEach(function (select) {
      var prefix = select.id.slice(0, -"stance".length);
      if (prefix.indexOf("__prefix__") !== -1) { return; }
      var deleted = document.getElementById(prefix + "DELETE");
      if (deleted && deleted.checked) { return; }
      var source = document.getElementById(prefix + "source");
      var typed = document.getElementById(prefix + "typed_citation");
      if ((source && source.value) || (typed && typed.value.trim())) { stances.push(select.value); }
    });
    return stances;
  }

  function update() {
    var rules = document.getElementById("verdict-rules");
    var verdict = document.getElementById("id_verdict");
    var out = document.getElementById("verdict-missing");
    if (!rules || !verdict || !out) { return; }
    var needs = JSON.parse(rules.getAttribute("data-needs") || "{}");
    var status = verdict.value;
    if (!status || !needs[status]) { out.textContent = ""; out.classList.remove("complete"); return; }
    var stances = citedStances();
    var missing = needs[status].filter(function (group) {
      return !group.some(function (stance) { return stances.indexOf(stance) !== -1; });
    }).map(describe);
    var finding = document.getElementById("id_verdict_finding");
    var rationale = document.getElementById("id_verdict_rationale");
    if (finding && !finding.value.trim()) { missing.push("a finding"); }
    if (rationale && !rationale.value.trim()) { missing.push("a rationale"); }
    var label = verdict.options[verdict.selectedIndex].text;
    if (missing.length) {
      out.textContent = "Still missing for '" + label + "': " + missing.join("; ") + ".";
      out.classList.remove("complete");
    } else {
      out.textContent = "Everything '" + label + "' needs is here; tick 'Publish it' and save.";
      out.classList.add("complete");
    }
  }

  document.addEventListener("input", update);
  document.addEventListener("change", update);
  document.addEventListener("formset:added", update);
  document.addEventListener("formset:removed", update);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  // The autocomplete widget changes its select through jQuery, which fires no native event.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("change select2:select select2:clear", update);
  }
})();
