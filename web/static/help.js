// The help page's quick exit also answers the Escape key. The link works
// without this script; the script only spares the visitor finding it.
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape") {
    var a = document.getElementById("quick-exit");
    if (a) { window.location.replace(a.href); }
  }
});
