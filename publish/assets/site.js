// assets/site.js: draws every Plotly figure of a page from its JSON data block with the local
// plotly.js, then marks the page with `data-figures-drawn` (the browser tests wait for it).
// Figure text comes translated from the notebook; on a Chinese page the figure font stack adds the
// system CJK fonts (no web font is downloaded: the site works offline).
"use strict";
(function () {
  var CJK_FONTS =
    '"Open Sans", verdana, arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';

  function pageLanguage() {
    return (document.documentElement.getAttribute("lang") || "en").toLowerCase();
  }

  function drawAll() {
    var blocks = document.querySelectorAll("script.plotly-data");
    if (typeof window.Plotly === "undefined") {
      blocks.forEach(function (block) {
        var target = document.getElementById(block.getAttribute("data-target"));
        if (target)
          target.textContent =
            document.body.getAttribute("data-plotly-missing") ||
            "This figure needs assets/plotly.min.js, which did not load.";
      });
      document.body.setAttribute("data-figures-drawn", "error");
      return;
    }
    var chinese = pageLanguage().indexOf("zh") === 0;
    var drawing = Array.prototype.map.call(blocks, function (block) {
      var target = document.getElementById(block.getAttribute("data-target"));
      var figure = JSON.parse(block.textContent);
      var layout = figure.layout || {};
      if (chinese) layout.font = Object.assign({ family: CJK_FONTS }, layout.font || {});
      target.style.height = (typeof layout.height === "number" ? layout.height : 450) + "px";
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      return window.Plotly.newPlot(target, {
        data: figure.data,
        layout: layout,
        frames: figure.frames || [],
        config: config,
      });
    });
    Promise.all(drawing).then(
      function () {
        document.body.setAttribute("data-figures-drawn", String(drawing.length));
      },
      function (error) {
        console.error(error);
        document.body.setAttribute("data-figures-drawn", "error");
      },
    );
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
