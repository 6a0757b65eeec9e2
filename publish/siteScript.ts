/**
 * `assets/site.js`: draws every Plotly figure of a page from its JSON data block with the local
 * plotly.js, then marks the page with `data-figures-drawn` (the browser tests wait for it).
 */
export const SITE_SCRIPT = `"use strict";
(function () {
  function drawAll() {
    var blocks = document.querySelectorAll("script.plotly-data");
    if (typeof window.Plotly === "undefined") {
      blocks.forEach(function (block) {
        var target = document.getElementById(block.getAttribute("data-target"));
        if (target) target.textContent = "This figure needs assets/plotly.min.js, which did not load.";
      });
      document.body.setAttribute("data-figures-drawn", "error");
      return;
    }
    var drawing = Array.prototype.map.call(blocks, function (block) {
      var target = document.getElementById(block.getAttribute("data-target"));
      var figure = JSON.parse(block.textContent);
      var layout = figure.layout || {};
      target.style.height = (typeof layout.height === "number" ? layout.height : 450) + "px";
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      return window.Plotly.newPlot(target, { data: figure.data, layout: layout, frames: figure.frames || [], config: config });
    });
    Promise.all(drawing).then(
      function () { document.body.setAttribute("data-figures-drawn", String(drawing.length)); },
      function (error) { console.error(error); document.body.setAttribute("data-figures-drawn", "error"); }
    );
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
`;
