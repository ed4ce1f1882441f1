// aiguillage — small progressive enhancements. Every page works without
// this file: it only adds commune suggestions while typing.
//
// The commune field becomes an ARIA 1.2 combobox with a list box popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): Down and Up arrows
// move through the suggestions, Enter takes the highlighted one (a second
// Enter submits the form), Escape closes the list, a click or a tap takes a
// suggestion. A status region tells screen readers how many came.
(function () {
  "use strict";
  var input = document.getElementById("commune");
  var list = document.getElementById("communes-liste");
  var status = document.getElementById("communes-etat");
  if (!input || !list || !status || !window.fetch) return;

  var timer = null, asked = "", options = [], found = [], active = -1;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  function open() {
    if (!options.length) return;
    list.style.top = (input.offsetTop + input.offsetHeight) + "px";
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlight(-1);
  }

  function highlight(i) {
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    options[i].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[i].id);
    var top = options[i].offsetTop, bottom = top + options[i].offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }

  // choose takes a suggestion and tells the page which commune it is (the
  // edit form fills the codes and coordinates from it).
  function choose(i) {
    input.value = options[i].textContent;
    asked = input.value.trim();
    close();
    if (typeof window.CustomEvent === "function") {
      input.dispatchEvent(new CustomEvent("commune-choisie", { detail: found[i] }));
    }
  }

  function show(communes) {
    found = communes;
    while (list.firstChild) list.removeChild(list.firstChild);
    options = communes.map(function (c, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = c.label;
      list.appendChild(li);
      return li;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    status.textContent = options.length
      ? list.getAttribute("data-some").replace("%d", String(options.length))
      : list.getAttribute("data-none");
    if (options.length && document.activeElement === input) open();
    else close();
  }

  function suggest() {
    var q = input.value.trim();
    if (q.length < 2) {
      asked = "";
      options = [];
      while (list.firstChild) list.removeChild(list.firstChild);
      status.textContent = "";
      close();
      return;
    }
    if (q === asked) return;
    asked = q;
    fetch("/api/v1/communes?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
      .then(function (data) {
        if (input.value.trim() === q) show(data.communes || []);
      })
      .catch(function () { /* suggestions are a convenience: stay silent */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });

  input.addEventListener("keydown", function (ev) {
    var expanded = !list.hidden;
    switch (ev.key) {
      case "ArrowDown":
        if (!options.length) return;
        ev.preventDefault();
        if (!expanded) open();
        highlight(active + 1 < options.length ? active + 1 : 0);
        break;
      case "ArrowUp":
        if (!options.length) return;
        ev.preventDefault();
        if (!expanded) open();
        highlight(active > 0 ? active - 1 : options.length - 1);
        break;
      case "Enter":
        if (!expanded || active < 0) return; // no choice pending: submit
        ev.preventDefault();
        choose(active);
        break;
      case "Escape":
        if (!expanded) return;
        ev.preventDefault();
        close();
        break;
      case "Tab":
        close();
        break;
    }
  });

  input.addEventListener("blur", function () { close(); });

  // mousedown, not click: taking the suggestion before the field loses
  // focus keeps the focus in the field.
  list.addEventListener("mousedown", function (ev) {
    var li = ev.target.closest ? ev.target.closest("[role=option]") : null;
    if (!li) return;
    ev.preventDefault();
    choose(options.indexOf(li));
  });
})();
