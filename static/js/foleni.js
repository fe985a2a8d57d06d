/* Wananchi: the queue page's tab counts, asked for again every data-refresh-seconds (and when the page is shown
 * again), without reloading the list: the officer keeps their place, ticks and typing. Without scripts the
 * "refresh" link does the same with a reload; nothing is loaded from elsewhere. */
(function () {
  "use strict";
  var tabs = document.querySelector("[data-counts-url]");
  if (!tabs || !window.fetch) { return; }
  var url = tabs.getAttribute("data-counts-url");
  var seconds = Math.max(parseInt(tabs.getAttribute("data-refresh-seconds"), 10) || 60, 1);

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.counts) { return; }
        Object.keys(answer.counts).forEach(function (tab) {
          var count = document.querySelector("#tab-" + tab + " .count");
          if (count && count.textContent !== answer.counts[tab]) { count.textContent = answer.counts[tab]; }
        });
      })
      .catch(function () { /* offline or logged out: the counts stay as they are, the link still reloads */ });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
}());
