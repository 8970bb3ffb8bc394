// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-print]");
  if (el) { window.print(); }
  var pick = e.target.closest("[data-fill]");
  if (pick) {  // a typeahead suggestion: fill the named fields and close the list
    var data = JSON.parse(pick.getAttribute("data-fill"));
    Object.keys(data).forEach(function (name) {
      var input = document.querySelector("[name='" + name + "']");
      if (input) { input.value = data[name]; input.dispatchEvent(new Event("change", {bubbles: true})); }
    });
    var odr = document.getElementById("odr-choice");
    if (odr) { odr.hidden = !data.odr_enrolled_flag; }
    var chosen = document.getElementById(pick.getAttribute("data-chosen") || "");
    if (chosen) { chosen.textContent = pick.getAttribute("data-chosen-text"); }  // the picked authority's name
    var list = pick.closest("ul"); if (list) { list.remove(); }
  }
  var all = e.target.closest("[data-check-all]");
  if (all) { document.querySelectorAll("input[name='tickets']").forEach(function (c) { c.checked = all.checked; }); }
});
document.addEventListener("keydown", function (e) {
  // Operator console: Alt+1/2/3 pick complaint/report/consultation; Alt+S submits.
  if (!e.altKey) { return; }
  var map = {"1": "complaint", "2": "report", "3": "consultation"};
  if (map[e.key]) {
    var radio = document.querySelector("input[name='kind'][value='" + map[e.key] + "']");
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", {bubbles: true})); e.preventDefault(); }
  }
  if (e.key === "s") { var f = document.querySelector("form[data-console]"); if (f) { f.requestSubmit(); e.preventDefault(); } }
});
document.addEventListener("change", function (e) {
  if (e.target.name === "kind") {
    document.querySelectorAll("[data-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind").split(" ").indexOf(e.target.value) < 0;
    });
  }
});
// Guided forms: one step at a time when scripts run; every step shown when they do not.
function stepsOf(form) { return form.querySelectorAll("fieldset[data-step]"); }
function stepOf(form, el) {
  return Array.prototype.indexOf.call(stepsOf(form), el.closest("fieldset[data-step]"));
}
function showStep(form, n) {
  var steps = stepsOf(form);
  steps.forEach(function (fs, i) { fs.hidden = i !== n; });
  form.querySelectorAll(".steps li").forEach(function (li, i) {
    if (i === n) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
  });
  form.setAttribute("data-current", n);
  // The Art. 9 panel is re-checked from the current values whenever its step comes into view.
  if (steps[n] && steps[n].querySelector("#art9")) { form.dispatchEvent(new Event("art9")); }
  var first = steps[n] && steps[n].querySelector("input, select, textarea, button");
  if (first && document.activeElement && document.activeElement.closest("[data-next],[data-prev]")) { first.focus(); }
}
function goTo(form, field) {  // open the step holding the field, then put the cursor in it
  var n = stepOf(form, field);
  if (n >= 0) { showStep(form, n); }
  field.focus();
}
function anonymous(form) {  // an anonymous report has no identity fields: hidden, and not sent
  var tick = form.querySelector("#f-anonymous"), box = form.querySelector("[data-identity]");
  if (!tick || !box) { return; }
  box.hidden = tick.checked;
  box.querySelectorAll("input").forEach(function (i) { i.disabled = tick.checked; });
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-steps]").forEach(function (form) {
    // The browser would refuse to focus a fault in a hidden step; the submit handler does it instead.
    form.noValidate = true;
    anonymous(form);
    var invalid = form.querySelector("[aria-invalid='true']");
    if (invalid) { goTo(form, invalid); } else { showStep(form, 0); }
  });
});
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (!form.matches("form[data-steps]")) { return; }
  var bad = Array.prototype.find.call(form.elements, function (el) { return el.willValidate && !el.checkValidity(); });
  if (bad) { e.preventDefault(); goTo(form, bad); bad.reportValidity(); }
});
document.addEventListener("change", function (e) {
  if (e.target.id === "f-anonymous") { anonymous(e.target.form); }
});
document.addEventListener("click", function (e) {
  var link = e.target.closest("a[data-goto]");
  if (link) {
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field && field.form && field.form.matches("[data-steps]")) { e.preventDefault(); goTo(field.form, field); }
    return;
  }
  var next = e.target.closest("[data-next]"), prev = e.target.closest("[data-prev]");
  if (!next && !prev) { return; }
  var form = e.target.closest("form[data-steps]");
  var n = parseInt(form.getAttribute("data-current") || "0", 10) + (next ? 1 : -1);
  showStep(form, Math.max(0, Math.min(n, stepsOf(form).length - 1)));
});
