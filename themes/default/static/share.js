// aiguillage — copy a service's summary, print its sheet. Without this
// file the summary stays selectable by hand and the browser's own Print
// command prints the sheet: the buttons stay hidden.
(function () {
  "use strict";
  var print = document.getElementById("imprimer");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  var copy = document.getElementById("copier");
  var text = document.getElementById("partage-texte");
  var status = document.getElementById("partage-etat");
  // The clipboard API exists on https pages (and localhost) only.
  if (!copy || !text || !status || !navigator.clipboard) return;
  copy.hidden = false;
  copy.addEventListener("click", function () {
    status.textContent = "";
    navigator.clipboard.writeText(text.textContent).then(function () {
      status.textContent = copy.getAttribute("data-ok");
    }, function () {
      status.textContent = copy.getAttribute("data-echec");
    });
  });
})();
